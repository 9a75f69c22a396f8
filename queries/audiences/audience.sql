-- Grain: one row per user of the :run_date snapshot in one playbook action's audience, with the
-- fields a CRM import needs. Every dimension is filtered by a list of allowed values.
with

snapshot as (
    select * from user_segments
    where snapshot_date = :run_date
),

registry as (
    select * from partners
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
        :action_id as action_id,
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
        snapshot_date
    from candidates
    where lifecycle in (:lifecycle)
        and value_tier in (:value_tier)
        and funnel_stage in (:funnel_stage)
        and tenure_bucket in (:tenure_bucket)
        and trade_frequency in (:trade_frequency)
        and product_mix in (:product_mix)
        and partner_channel in (:partner_channel)
        and (:min_days_since_signup < 0 or days_since_signup >= :min_days_since_signup)
        and (:max_days_since_signup < 0 or days_since_signup <= :max_days_since_signup)
)

select * from final
order by user_id
