-- Grain: one row: the staged lines of one ingest, how many distinct event_ids they hold, and how
-- many repeat an event_id of an earlier line (`accept_events` drops those as duplicates). Counted
-- by the rule rather than as what the load left over, so that a line lost on its way to `events`
-- shows in the ingest's accounting instead of passing for a duplicate.
with

staged as (
    select * from staged_events
    where staging_id = :staging_id
),

final as (
    select
        count(distinct event_id) as distinct_event_ids,
        count(*) - count(distinct event_id) as rows_repeated
    from staged
)

select * from final
