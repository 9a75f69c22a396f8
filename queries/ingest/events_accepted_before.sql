-- Grain: one row: how many event_ids of one ingest's staged lines an earlier ingest accepted
-- (`accept_events` drops their first lines as duplicates). It reads the event_id of every stored
-- event, so the ingest runs it only when the load stored fewer first lines than the file holds.
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
    select distinct event_id from staged
),

final as (
    select count(*) as rows_accepted_before
    from staged_event_ids
    inner join existing_events
        on staged_event_ids.event_id = existing_events.event_id
)

select * from final
