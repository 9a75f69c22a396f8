-- Builds: the rows of `tracker_events` one AppsFlyer or Adjust ingest adds.
-- Grain: one row per source and conversion_id of the staged file that the lake does not hold yet;
-- within the file the first line of a key wins, and a key an earlier ingest accepted is a duplicate.
with

staged as (
    select * from staged_tracker_events
    where staging_id = :staging_id
),

staged_dates as (
    select distinct cast(cast(occurred_at as timestamp) as date) as dt from staged
),

existing_keys as (
    -- The key holds the event's time, so only the staged dates can hold it. An interrupted earlier
    -- attempt of this same ingest may have left rows; they are replaced.
    select
        tracker_events.source,
        tracker_events.conversion_id
    from tracker_events
    inner join staged_dates
        on tracker_events.dt = staged_dates.dt
    where tracker_events.ingest_id <> :ingest_id
),

first_lines as (
    select
        *,
        row_number() over (
            partition by source, conversion_id
            order by cast(line as bigint)
        ) as line_number_in_key
    from staged
),

new_rows as (
    select first_lines.*
    from first_lines
    left join existing_keys
        on first_lines.source = existing_keys.source
        and first_lines.conversion_id = existing_keys.conversion_id
    where first_lines.line_number_in_key = 1
        and existing_keys.conversion_id is null
),

final as (
    select
        source,
        conversion_id,
        nullif(user_id, '') as user_id,
        nullif(activity_kind, '') as activity_kind,
        nullif(event_name, '') as event_name,
        cast(occurred_at as timestamp) as occurred_at,
        nullif(source_key, '') as source_key,
        cast(nullif(revenue, '') as double) as revenue,
        nullif(currency, '') as currency,
        :file as source_file,
        cast(line as bigint) as source_line,
        :ingest_id as ingest_id,
        cast(cast(occurred_at as timestamp) as date) as dt
    from new_rows
)

select * from final
