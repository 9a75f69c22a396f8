-- Grain: one row per attributed user as of :run_date: what the windowed persistence model
-- (lambdas/recommend/persistence.ts) knows of them. Age, net revenue to date and at age <= each
-- forecast horizon (90, 180, 365 days), and trading days and net revenue in each 30-day window
-- back from :run_date (window 0 ends on it), made of the trailing-window bands user_state keeps
-- (window 0 of the first two); a window's revenue counts only with a trading day in it. Read by
-- persistence_band_sums and cohort_value_sums as :user_windows, which sum it: no row of it
-- reaches the code.
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
            - coalesce(state_bands.fees_ages_91_180_usd, 0) as fees_age_90,
        1 - coalesce(registry.revshare_rate, 0) as net_share
    from state_bands
    left join registry
        on state_bands.partner_id = registry.partner_id
),

final as (
    select
        state.user_id,
        state.cohort_date,
        state.partner_id,
        date_diff('day', state.cohort_date, :run_date) as age_days,
        cast(state.fees_usd as double) * state.net_share as net_revenue_usd,
        cast(state.fees_age_90 as double) * state.net_share as net_revenue_age_90_usd,
        cast(state.fees_age_180 as double) * state.net_share as net_revenue_age_180_usd,
        cast(state.fees_age_365 as double) * state.net_share as net_revenue_age_365_usd,
        state.trade_days_7d + state.trade_days_8_30d as trade_days_0,
        state.trade_days_31_60d as trade_days_1,
        state.trade_days_61_90d as trade_days_2,
        state.trade_days_91_120d as trade_days_3,
        case
            when state.trade_days_7d + state.trade_days_8_30d > 0
                then cast(state.fees_7d_usd + state.fees_8_30d_usd as double) * state.net_share
            else 0
        end as net_revenue_0_usd,
        case
            when state.trade_days_31_60d > 0 then cast(state.fees_31_60d_usd as double) * state.net_share
            else 0
        end as net_revenue_1_usd,
        case
            when state.trade_days_61_90d > 0 then cast(state.fees_61_90d_usd as double) * state.net_share
            else 0
        end as net_revenue_2_usd
    from state
)

select * from final
