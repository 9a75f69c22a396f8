-- Builds: the rows of `events` one ingest adds.
-- Grain: one row per event_id of the staged file that the lake does not hold yet; within the
-- file the first line of an event_id wins, and an event_id already accepted by any earlier
-- ingest is a duplicate whatever its content.
with

staged as (
    select * from staged_events
    where staging_id = :staging_id
),

existing_events as (
    -- An interrupted earlier attempt of this same ingest may have left rows; they are replaced.
    select event_id from events
    where ingest_id <> :ingest_id
),

-- Only ids that occur more than once need their first line found; most ids occur once, so the
-- file is never joined with itself.
repeated_ids as (
    select
        event_id,
        min(cast(line as bigint)) as first_line
    from staged
    group by event_id
    having count(*) > 1
),

first_occurrences as (
    select staged.*
    from staged
    left join repeated_ids
        on staged.event_id = repeated_ids.event_id
    where repeated_ids.event_id is null
        or cast(staged.line as bigint) = repeated_ids.first_line
),

new_events as (
    select first_occurrences.*
    from first_occurrences
    left join existing_events
        on first_occurrences.event_id = existing_events.event_id
    where existing_events.event_id is null
),

final as (
    select
        event_id,
        event_type,
        user_id,
        cast(occurred_at as timestamp) as occurred_at,
        nullif(partner_id, '') as partner_id,
        cast(nullif(amount_usd, '') as double) as amount_usd,
        cast(nullif(fee_usd, '') as double) as fee_usd,
        nullif(product, '') as product,
        nullif(country, '') as country,
        nullif(platform, '') as platform,
        nullif(campaign_id, '') as campaign_id,
        cast(nullif(click_at, '') as timestamp) as click_at,
        -- Pseudonyms already: the raw ids never reach staging (docs/contract.md, Events).
        nullif(device_id, '') as device_id,
        nullif(funding_id, '') as funding_id,
        :file as source_file,
        :ingest_id as ingest_id,
        cast(cast(occurred_at as timestamp) as date) as dt
    from new_events
)

select * from final
