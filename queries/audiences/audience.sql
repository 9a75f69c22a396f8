-- Grain: one row per playbook action and user of the :run_date snapshot in that action's
-- audience, with the fields a CRM import needs. :actions holds one row per action: its id, for
-- each dimension the allowed values as a '|'-delimited list ('|at_risk|dormant|'; churn_risk 'none'
-- for a user without a forecast), and the bounds
-- on days since signup (-1 for none). One scan of the snapshot serves every action.
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

final as (
    select
        actions.action_id,
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
)

select * from final
order by action_id, user_id
