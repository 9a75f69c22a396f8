-- Builds: `identifier_users`, whole, from its previous version and the events of :dates, the
-- event dates ingested since it was built (new days and late events of earlier days): who used
-- each device and funding id, and first when. A user's first use of an id only ever moves earlier
-- (events are only added), so folding a date's events in twice changes nothing, and the table
-- answers "who had used this id by R" for every R at once. Only the ids the new events touch are
-- ranked again; the rest are copied as they are. So a daily run reads the new day's events and
-- joins its ids with the model, never every id ever seen with every other (docs/contract.md,
-- Traffic quality). :keep_previous is 0 for a build from scratch (a new model version).
-- An id is kept as the first 16 hex digits (64 bits) of its pseudonym: the table is read whole every
-- run, and the full 64 digits, random and incompressible, were three quarters of its bytes. Two ids
-- of a lake with 100 million of them share a prefix with a chance under 1 in 3,000.
-- Grain: one row per kind of id, id and user who used it.
with

new_events as (
    select * from events
    where dt in (:dates)
),

previous as (
    select * from identifier_users
    where 1 = :keep_previous
),

-- Devices on any event; funding ids on deposits and withdrawals only (docs/contract.md, section 10).
new_uses as (
    select
        'device' as kind,
        substr(device_id, 1, 16) as identifier,
        user_id,
        min(dt) as first_used_date
    from new_events
    where device_id is not null
    group by substr(device_id, 1, 16), user_id
    union all
    select
        'funding' as kind,
        substr(funding_id, 1, 16) as identifier,
        user_id,
        min(dt) as first_used_date
    from new_events
    where funding_id is not null
        and event_type in ('deposit', 'withdrawal')
    group by substr(funding_id, 1, 16), user_id
),

touched_identifiers as (
    select distinct
        kind,
        identifier
    from new_uses
),

untouched as (
    select previous.*
    from previous
    left join touched_identifiers
        on previous.kind = touched_identifiers.kind
        and previous.identifier = touched_identifiers.identifier
    where touched_identifiers.identifier is null
),

touched_uses as (
    select
        previous.kind,
        previous.identifier,
        previous.user_id,
        previous.first_used_date
    from previous
    inner join touched_identifiers
        on previous.kind = touched_identifiers.kind
        and previous.identifier = touched_identifiers.identifier
    union all
    select
        kind,
        identifier,
        user_id,
        first_used_date
    from new_uses
),

merged_uses as (
    select
        kind,
        identifier,
        user_id,
        min(first_used_date) as first_used_date
    from touched_uses
    group by kind, identifier, user_id
),

-- The users of an id in the order they first used it: those who had used it by any date R hold
-- the first ranks, so rank 2 dated <= R is "someone else had used it by R".
ranked_uses as (
    select
        kind,
        identifier,
        user_id,
        first_used_date,
        row_number() over (
            partition by kind, identifier
            order by first_used_date, user_id
        ) as user_rank
    from merged_uses
),

final as (
    select kind, identifier, user_id, first_used_date, user_rank from untouched
    union all
    select kind, identifier, user_id, first_used_date, user_rank from ranked_uses
)

select * from final
