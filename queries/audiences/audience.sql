-- Grain: one row per playbook action and user of the :run_date snapshot in that action's
-- audience, with the fields a CRM import needs and the user's arm. :actions holds one row per
-- action: its id, its campaign id (playbook:<action>), its place in the playbook (action_order,
-- from 1), its holdout share, for each dimension the allowed values as a '|'-delimited list
-- ('|at_risk|dormant|'; churn_risk 'none' for a user without a forecast), and the bounds on days
-- since signup (-1 for none). One scan of the snapshot serves every action. Unordered: the
-- queries that read it (first_exposures, audience_counts, treated_audience) order it.
with

snapshot as (
    select * from user_segments
    where snapshot_date = :run_date
),

registry as (
    select * from partners
),

actions as (
    select * from :actions
),

candidates as (
    select
        snapshot.*,
        coalesce(registry.channel, 'none') as partner_channel,
        date_diff('day', snapshot.cohort_date, :run_date) as days_since_signup
    from snapshot
    left join registry
        on snapshot.partner_id = registry.partner_id
),

members as (
    select
        actions.action_id,
        actions.campaign_id,
        actions.action_order,
        cast(actions.holdout_share as double) as holdout_share,
        candidates.user_id,
        candidates.partner_id,
        candidates.partner_channel,
        candidates.lifecycle,
        candidates.value_tier,
        candidates.funnel_stage,
        candidates.tenure_bucket,
        candidates.trade_frequency,
        candidates.product_mix,
        candidates.cohort_date,
        candidates.last_active_date,
        candidates.net_deposits_usd,
        candidates.trades_30d,
        candidates.p_active_30d,
        candidates.churn_risk,
        candidates.snapshot_date
    from candidates
    cross join actions
    where strpos(actions.lifecycles, '|' || candidates.lifecycle || '|') > 0
        and strpos(actions.value_tiers, '|' || candidates.value_tier || '|') > 0
        and strpos(actions.funnel_stages, '|' || candidates.funnel_stage || '|') > 0
        and strpos(actions.tenure_buckets, '|' || candidates.tenure_bucket || '|') > 0
        and strpos(actions.trade_frequencies, '|' || candidates.trade_frequency || '|') > 0
        and strpos(actions.product_mixes, '|' || candidates.product_mix || '|') > 0
        and strpos(actions.partner_channels, '|' || candidates.partner_channel || '|') > 0
        and strpos(actions.churn_risks, '|' || coalesce(candidates.churn_risk, 'none') || '|') > 0
        and (actions.min_days_since_signup < 0 or candidates.days_since_signup >= actions.min_days_since_signup)
        and (actions.max_days_since_signup < 0 or candidates.days_since_signup <= actions.max_days_since_signup)
),

-- The holdout rule (docs/contract.md, Holdouts; holdoutPosition in lambdas/experiments/holdout.ts):
-- the first 8 hex digits of the SHA-256 of the UTF-8 of '<action>:<user_id>', as an unsigned 32-bit
-- integer (a bigint here, so never negative), over 2^32 as a double, exactly as JavaScript divides.
positioned as (
    select
        members.*,
        from_base(substr(to_hex(sha256(to_utf8(action_id || ':' || user_id))), 1, 8), 16)
            / 4294967296e0 as holdout_position
    from members
),

final as (
    select
        action_id,
        campaign_id,
        action_order,
        user_id,
        partner_id,
        partner_channel,
        lifecycle,
        value_tier,
        funnel_stage,
        tenure_bucket,
        trade_frequency,
        product_mix,
        cohort_date,
        last_active_date,
        net_deposits_usd,
        trades_30d,
        p_active_30d,
        churn_risk,
        snapshot_date,
        holdout_position,
        case when holdout_position < holdout_share then 'control' else 'treatment' end as arm
    from positioned
)

select * from final
