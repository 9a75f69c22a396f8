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

-- Only keys that occur more than once need their first line found; most occur once, so the file
-- is never ranked or joined with itself (a window over every staged row does not fit the ingest's
-- memory on a 1 GB export).
repeated_keys as (
    select
        source,
        conversion_id,
        min(cast(line as bigint)) as first_line
    from staged
    group by source, conversion_id
    having count(*) > 1
),

first_lines as (
    select staged.*
    from staged
    left join repeated_keys
        on staged.source = repeated_keys.source
        and staged.conversion_id = repeated_keys.conversion_id
    where repeated_keys.conversion_id is null
        or cast(staged.line as bigint) = repeated_keys.first_line
),

new_rows as (
    select first_lines.*
    from first_lines
    left join existing_keys
        on first_lines.source = existing_keys.source
        and first_lines.conversion_id = existing_keys.conversion_id
    where existing_keys.conversion_id is null
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
