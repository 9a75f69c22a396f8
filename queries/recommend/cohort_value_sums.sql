-- Grain: one row per cohort date and partner of the users attributed as of :run_date: the sums the
-- persistence model forecasts the cohort from (lambdas/recommend/ltv-forecast.ts). Users, age, net
-- revenue to date and at age <= each forecast horizon (90, 180, 365 days: observed once the cohort
-- has passed it), net revenue and trading days in each of the last three 30-day windows (window 0
-- ends on :run_date), and the users with no trading day in the last two (idle). The daily run
-- holds one row per cohort, never one per user.
with

state_bands as (
    select * from user_state
    where dt = :run_date
        and cohort_date is not null
),

registry as (
    select * from partners
),

-- Fees at age <= each forecast horizon: all fees less those of the later age bands, which are
-- sparse (a user has them only once past the horizon), so four columns are read instead of ten.
state as (
    select
        state_bands.*,
        state_bands.fees_usd - coalesce(state_bands.fees_ages_over_365_usd, 0) as fees_age_365,
        state_bands.fees_usd
            - coalesce(state_bands.fees_ages_over_365_usd, 0)
            - coalesce(state_bands.fees_ages_181_365_usd, 0) as fees_age_180,
        state_bands.fees_usd
            - coalesce(state_bands.fees_ages_over_365_usd, 0)
            - coalesce(state_bands.fees_ages_181_365_usd, 0)
            - coalesce(state_bands.fees_ages_91_180_usd, 0) as fees_age_90
    from state_bands
),

-- Windows of 30 days from user_state's trailing-window bands (window 0 of the first two); a
-- window's revenue counts only with a trading day in it.
user_values as (
    select
        state.cohort_date,
        state.partner_id,
        date_diff('day', state.cohort_date, :run_date) as age_days,
        cast(state.fees_usd as double) * (1 - coalesce(registry.revshare_rate, 0)) as net_revenue_usd,
        cast(state.fees_age_90 as double) * (1 - coalesce(registry.revshare_rate, 0)) as net_revenue_age_90_usd,
        cast(state.fees_age_180 as double) * (1 - coalesce(registry.revshare_rate, 0)) as net_revenue_age_180_usd,
        cast(state.fees_age_365 as double) * (1 - coalesce(registry.revshare_rate, 0)) as net_revenue_age_365_usd,
        state.trade_days_7d + state.trade_days_8_30d as trade_days_0,
        state.trade_days_31_60d as trade_days_1,
        state.trade_days_61_90d as trade_days_2,
        case
            when state.trade_days_7d + state.trade_days_8_30d > 0
                then cast(state.fees_7d_usd + state.fees_8_30d_usd as double) * (1 - coalesce(registry.revshare_rate, 0))
            else 0
        end as net_revenue_0_usd,
        case
            when state.trade_days_31_60d > 0
                then cast(state.fees_31_60d_usd as double) * (1 - coalesce(registry.revshare_rate, 0))
            else 0
        end as net_revenue_1_usd,
        case
            when state.trade_days_61_90d > 0
                then cast(state.fees_61_90d_usd as double) * (1 - coalesce(registry.revshare_rate, 0))
            else 0
        end as net_revenue_2_usd
    from state
    left join registry
        on state.partner_id = registry.partner_id
),

final as (
    select
        cohort_date,
        partner_id,
        age_days,
        count(*) as users,
        coalesce(sum(net_revenue_usd), 0) as net_revenue_usd,
        coalesce(sum(net_revenue_age_90_usd), 0) as net_revenue_age_90_usd,
        coalesce(sum(net_revenue_age_180_usd), 0) as net_revenue_age_180_usd,
        coalesce(sum(net_revenue_age_365_usd), 0) as net_revenue_age_365_usd,
        sum(net_revenue_0_usd) as net_revenue_0_usd,
        sum(net_revenue_1_usd) as net_revenue_1_usd,
        sum(net_revenue_2_usd) as net_revenue_2_usd,
        sum(trade_days_0) as trade_days_0,
        sum(trade_days_1) as trade_days_1,
        sum(trade_days_2) as trade_days_2,
        sum(case when trade_days_0 + trade_days_1 > 0 then 0 else 1 end) as idle_users
    from user_values
    group by cohort_date, partner_id, age_days
)

select * from final
order by cohort_date, partner_id
