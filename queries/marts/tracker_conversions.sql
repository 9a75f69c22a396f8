-- Builds: `tracker_conversions` (docs/contract.md, Tracking tools): every conversion of AppsFlyer,
-- Adjust and Impact in its latest state, its step from the step rules (:step_rules) and its partner
-- from the current tracker map, so that a corrected map fixes history. Only rows of ingests logged
-- as done count. AppsFlyer's `organic` and Adjust's `Organic` are organic whatever the map says.
-- Grain: one row per source and conversion.
with

step_rules as (
    select * from :step_rules
),

completed_ingests as (
    select ingest_id from ingest_log
    where kind in ('appsflyer', 'adjust', 'impact')
),

mapped_keys as (
    select * from tracker_map
),

event_rows as (
    select tracker_events.*
    from tracker_events
    inner join completed_ingests
        on tracker_events.ingest_id = completed_ingests.ingest_id
),

impact_versions as (
    select
        impact_actions.*,
        row_number() over (
            partition by impact_actions.action_id
            order by impact_actions.version desc
        ) as rank_in_action
    from impact_actions
    inner join completed_ingests
        on impact_actions.ingest_id = completed_ingests.ingest_id
),

-- The first stored row of a key: one per key already (a repeated key is never stored), ranked
-- all the same so that the table's key holds whatever the stored files.
first_event_rows as (
    select
        *,
        row_number() over (
            partition by source, conversion_id
            order by source_file, source_line
        ) as rank_in_key
    from event_rows
),

conversions as (
    select
        source,
        conversion_id,
        user_id,
        activity_kind,
        event_name,
        occurred_at,
        source_key,
        cast(null as double) as payout_usd,
        cast(null as varchar) as state
    from first_event_rows
    where rank_in_key = 1
    union all
    select
        'impact' as source,
        action_id as conversion_id,
        customer_id as user_id,
        cast(null as varchar) as activity_kind,
        action_tracker_name as event_name,
        occurred_at,
        media_partner_id as source_key,
        payout_usd,
        state
    from impact_versions
    where rank_in_action = 1
),

-- A conversion matches at most one rule per field; an activity_kind rule (Adjust's install) comes
-- before an event_name rule.
matched_steps as (
    select
        conversions.source,
        conversions.conversion_id,
        min_by(step_rules.step, step_rules.field) as step
    from conversions
    inner join step_rules
        on conversions.source = step_rules.source
        and (
            (step_rules.field = 'activity_kind' and conversions.activity_kind = step_rules.value)
            or (step_rules.field = 'event_name' and conversions.event_name = step_rules.value)
        )
    group by conversions.source, conversions.conversion_id
),

final as (
    select
        conversions.source,
        conversions.conversion_id,
        conversions.user_id,
        coalesce(matched_steps.step, 'other') as step,
        conversions.occurred_at,
        conversions.source_key,
        case
            when conversions.source = 'appsflyer' and conversions.source_key = 'organic' then 'organic'
            when conversions.source = 'adjust' and conversions.source_key = 'Organic' then 'organic'
            else coalesce(mapped_keys.partner_id, 'unmapped')
        end as partner_id,
        conversions.payout_usd,
        conversions.state
    from conversions
    left join matched_steps
        on conversions.source = matched_steps.source
        and conversions.conversion_id = matched_steps.conversion_id
    left join mapped_keys
        on conversions.source = mapped_keys.source
        and conversions.source_key = mapped_keys.source_key
)

select * from final
