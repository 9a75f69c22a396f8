-- Builds: segment sizes and lifecycle transitions on :run_date.
-- Grain: one row per dimension and segment.
with

summary as (
    select * from segment_summary
    where snapshot_date = :run_date
),

final as (
    select
        dimension,
        segment,
        from_lifecycle,
        to_lifecycle,
        users,
        share
    from summary
)

select * from final
