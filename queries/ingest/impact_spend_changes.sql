-- Grain: one row per spend row that Impact payouts form (docs/contract.md, "Impact payouts are
-- spend") on a date whose Impact spend differs from what `spend` holds, and one row with a null
-- partner for such a date that now has none: for every UTC date of EventDate, mapped partner and
-- CampaignId, the USD payout of the actions whose latest state is not REVERSED. Actions of an
-- unmapped partner form none. Read after an Impact or tracker-map ingest (:ingest_id), whose own
-- rows count before it is logged.
with

completed_ingests as (
    select ingest_id from ingest_log
    where kind = 'impact'
    union
    select :ingest_id as ingest_id
),

actions as (
    select impact_actions.*
    from impact_actions
    inner join completed_ingests
        on impact_actions.ingest_id = completed_ingests.ingest_id
),

impact_map as (
    select * from tracker_map
    where source = 'impact'
),

current_impact_spend as (
    select * from spend
    where cost_type = 'cpa'
        and campaign_id like 'impact:%'
),

ranked_versions as (
    select
        *,
        row_number() over (
            partition by action_id
            order by version desc
        ) as rank_in_action
    from actions
),

latest_actions as (
    select * from ranked_versions
    where rank_in_action = 1
),

derived_spend as (
    select
        cast(latest_actions.occurred_at as date) as spend_date,
        impact_map.partner_id,
        concat('impact:', latest_actions.campaign_id) as campaign_id,
        sum(latest_actions.payout_usd) as spend_usd
    from latest_actions
    inner join impact_map
        on latest_actions.media_partner_id = impact_map.source_key
    where latest_actions.state <> 'REVERSED'
    group by 1, 2, 3
),

differences as (
    select coalesce(derived_spend.spend_date, current_impact_spend.spend_date) as spend_date
    from derived_spend
    full outer join current_impact_spend
        on derived_spend.spend_date = current_impact_spend.spend_date
        and derived_spend.partner_id = current_impact_spend.partner_id
        and derived_spend.campaign_id = current_impact_spend.campaign_id
    where derived_spend.spend_date is null
        or current_impact_spend.spend_date is null
        or abs(derived_spend.spend_usd - current_impact_spend.spend_usd) > 1e-9
),

changed_dates as (
    select distinct spend_date from differences
),

final as (
    select
        changed_dates.spend_date,
        derived_spend.partner_id,
        derived_spend.campaign_id,
        derived_spend.spend_usd
    from changed_dates
    left join derived_spend
        on changed_dates.spend_date = derived_spend.spend_date
)

select * from final
