-- Grain: one row per date to which one AppsFlyer or Adjust ingest added rows, with their count.
with

ingested as (
    select * from tracker_events
    where ingest_id = :ingest_id
),

final as (
    select
        dt,
        count(*) as rows_stored
    from ingested
    group by dt
)

select * from final
