-- Grain: one row per lifecycle segment of the :run_date snapshot.
with

summary as (
    select * from segment_summary
    where snapshot_date = :run_date
        and dimension = 'lifecycle'
),

final as (
    select
        segment,
        users,
        share
    from summary
)

select * from final
order by users desc
