-- Grain: one row per date to which one ingest added events, with how many it added.
with

accepted as (
    select dt from events
    where ingest_id = :ingest_id
),

final as (
    select
        dt,
        count(*) as rows_accepted
    from accepted
    group by dt
)

select * from final
