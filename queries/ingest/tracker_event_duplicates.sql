-- Grain: one row: how many staged lines of one AppsFlyer or Adjust ingest are duplicates: a line
-- whose key an earlier line of the file had, or whose key an earlier ingest accepted.
with

staged as (
    select * from staged_tracker_events
    where staging_id = :staging_id
),

staged_dates as (
    select distinct cast(cast(occurred_at as timestamp) as date) as dt from staged
),

existing_keys as (
    -- As in accept_tracker_events: rows an interrupted earlier attempt of this ingest left are not duplicates.
    select distinct
        tracker_events.source,
        tracker_events.conversion_id
    from tracker_events
    inner join staged_dates
        on tracker_events.dt = staged_dates.dt
    where tracker_events.ingest_id <> :ingest_id
),

staged_keys as (
    select
        source,
        conversion_id,
        count(*) as lines_in_key
    from staged
    group by source, conversion_id
),

classified as (
    select
        staged_keys.lines_in_key - 1
        + case when existing_keys.conversion_id is null then 0 else 1 end as duplicate_lines
    from staged_keys
    left join existing_keys
        on staged_keys.source = existing_keys.source
        and staged_keys.conversion_id = existing_keys.conversion_id
),

final as (
    select cast(coalesce(sum(duplicate_lines), 0) as bigint) as rows_duplicate
    from classified
)

select * from final
