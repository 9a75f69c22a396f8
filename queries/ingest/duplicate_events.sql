-- Grain: one row: how many staged lines of one ingest `accept_events` drops as duplicates, counted
-- by the rule that drops them rather than as what is left over, so that a line lost on the way to
-- `events` shows up in the ingest's accounting instead of passing for a duplicate.
with

staged as (
    select * from staged_events
    where staging_id = :staging_id
),

existing_events as (
    -- As in accept_events: rows an interrupted earlier attempt of this ingest left are not duplicates.
    select event_id from events
    where ingest_id <> :ingest_id
),

staged_event_ids as (
    select
        event_id,
        count(*) as staged_lines
    from staged
    group by event_id
),

-- Every line of an event_id after its first is a duplicate; so is the first, when the lake already
-- holds the event_id.
duplicates_by_event_id as (
    select
        staged_event_ids.staged_lines - 1
        + case when existing_events.event_id is null then 0 else 1 end as duplicate_lines
    from staged_event_ids
    left join existing_events
        on staged_event_ids.event_id = existing_events.event_id
),

final as (
    select cast(coalesce(sum(duplicate_lines), 0) as bigint) as rows_duplicate
    from duplicates_by_event_id
)

select * from final
