-- Defines: the `user_segments` view (CONTRACT.md 3.3): the snapshot of each date R is the
-- user_state of R, stratified. No files: a filter on snapshot_date reaches user_state's dt, so a
-- query of one snapshot reads one state partition, and a snapshot restated by late data is
-- current as soon as its state is.
-- Grain: one row per user known on each as-of date of user_state.
with

state as (
    select * from user_state
),

measured as (
    select
        state.*,
        date_diff('day', state.cohort_date, state.dt) as days_since_signup,
        date_diff('day', state.last_active_date, state.dt) as days_since_active,
        state.deposits_usd - state.withdrawals_usd as net_deposits
    from state
),

final as (
    select
        user_id,
        case
            when days_since_signup <= 6 then 'new'
            when days_since_active = 0 and date_diff('day', prev_active_date, dt) >= 30 then 'resurrected'
            when days_since_active <= 6 then 'active'
            when days_since_active <= 29 then 'at_risk'
            when days_since_active <= 89 then 'dormant'
            else 'churned'
        end as lifecycle,
        case
            when net_deposits >= 100000 then 'whale'
            when net_deposits >= 10000 then 'high'
            when net_deposits >= 1000 then 'mid'
            when net_deposits > 0 then 'low'
            else 'zero'
        end as value_tier,
        case
            when first_trade_date is not null then 'trader'
            when ftd_date is not null then 'funded'
            when kyc_date is not null then 'kyc'
            else 'registered'
        end as funnel_stage,
        case
            when cohort_date is null then 'unknown'
            when days_since_signup <= 7 then '0-7'
            when days_since_signup <= 30 then '8-30'
            when days_since_signup <= 90 then '31-90'
            when days_since_signup <= 180 then '91-180'
            else '181+'
        end as tenure_bucket,
        case
            when trades_30d = 0 then 'none'
            when trades_30d <= 4 then 'light'
            when trades_30d <= 19 then 'regular'
            else 'heavy'
        end as trade_frequency,
        case
            when spot_trades > 0 and futures_trades > 0 then 'both'
            when spot_trades > 0 then 'spot'
            when futures_trades > 0 then 'futures'
            else 'none'
        end as product_mix,
        partner_id,
        cohort_date,
        last_active_date,
        cast(net_deposits as double) as net_deposits_usd,
        cast(trades_30d as bigint) as trades_30d,
        dt as snapshot_date
    from measured
)

select * from final
