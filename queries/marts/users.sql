-- Defines: the `users` view, every known user as of :run_date (the latest run date, whose run
-- redefines it): that date's user_state, with the signup and KYC times of the days of its cohort
-- and KYC dates from user_milestones, so it has no files of its own.
-- Grain: one row per user.
with

state as (
    select * from user_state
    where dt = :run_date
),

milestones as (
    select * from user_milestones
),

registry as (
    select * from partners
),

final as (
    select
        state.user_id,
        state.partner_id,
        signup_day.signup_at,
        state.cohort_date,
        kyc_day.kyc_at,
        state.ftd_date,
        state.first_trade_date,
        state.first_active_date,
        state.last_active_date,
        cast(state.deposits_usd as double) as deposits_usd,
        cast(state.withdrawals_usd as double) as withdrawals_usd,
        cast(state.deposits_usd - state.withdrawals_usd as double) as net_deposits_usd,
        state.trades,
        cast(state.volume_usd as double) as volume_usd,
        cast(state.fees_usd as double) as fees_usd,
        cast(state.fees_usd as double) * (1 - coalesce(registry.revshare_rate, 0)) as net_revenue_usd,
        :run_date as as_of_date
    from state
    left join milestones as signup_day
        on state.user_id = signup_day.user_id
        and state.cohort_date = signup_day.dt
    left join milestones as kyc_day
        on state.user_id = kyc_day.user_id
        and state.kyc_date = kyc_day.dt
    left join registry
        on state.partner_id = registry.partner_id
)

select * from final
