-- Grain: one row per age band of the windowed persistence model (AGE_BANDS_DAYS in
-- lambdas/recommend/persistence.ts, named by its lower bound) that has a window pair as of
-- :run_date: the sums the model is fitted on. A window pair is an attributed user at a boundary
-- between two 30-day windows that they had reached (signed up on or before it): age at the
-- boundary, trading days in the two base windows before it and trading days and net revenue in the
-- window after it. Boundaries 1 and 2 (30 and 60 days back) are the ones with two base windows
-- among the four windows user_state carries (FIT_WINDOWS - BASE_WINDOWS in ltv-forecast.ts). The
-- model needs only these sums, so the daily run never holds a row per user. :user_windows is the
-- rendered recommend/user_value_windows query of :run_date (one row per attributed user).
with

user_windows as (
    select * from :user_windows
),

boundaries as (
    select boundary from (values (1), (2)) as boundaries (boundary)
),

-- Boundary j follows base windows j and j + 1 and precedes window j - 1.
window_pairs as (
    select
        user_windows.age_days - 30 * boundaries.boundary as age_days,
        case boundaries.boundary
            when 1 then user_windows.trade_days_1 + user_windows.trade_days_2
            when 2 then user_windows.trade_days_2 + user_windows.trade_days_3
        end as last_trade_days,
        case boundaries.boundary
            when 1 then user_windows.trade_days_0
            when 2 then user_windows.trade_days_1
        end as next_trade_days,
        case boundaries.boundary
            when 1 then user_windows.net_revenue_0_usd
            when 2 then user_windows.net_revenue_1_usd
        end as next_net_revenue_usd
    from user_windows
    cross join boundaries
    where user_windows.age_days - 30 * boundaries.boundary >= 0
),

-- The band of an age is the last lower bound at or below it.
banded_pairs as (
    select
        case
            when window_pairs.age_days >= 365 then 365
            when window_pairs.age_days >= 270 then 270
            when window_pairs.age_days >= 180 then 180
            when window_pairs.age_days >= 120 then 120
            when window_pairs.age_days >= 90 then 90
            when window_pairs.age_days >= 60 then 60
            when window_pairs.age_days >= 30 then 30
            when window_pairs.age_days >= 14 then 14
            when window_pairs.age_days >= 7 then 7
            else 0
        end as band_start_days,
        window_pairs.last_trade_days > 0 as is_earning,
        window_pairs.last_trade_days,
        window_pairs.next_trade_days,
        window_pairs.next_net_revenue_usd
    from window_pairs
),

final as (
    select
        band_start_days,
        sum(case when is_earning then 1 else 0 end) as earning_pairs,
        sum(case when is_earning then last_trade_days else 0 end) as earning_last_trade_days,
        sum(case when is_earning then next_trade_days else 0 end) as earning_next_trade_days,
        sum(case when is_earning and next_trade_days <= 0 then 1 else 0 end) as dropped_out_pairs,
        sum(case when is_earning then 0 else 1 end) as idle_pairs,
        sum(case when is_earning then 0 else next_net_revenue_usd end) as idle_next_net_revenue_usd,
        sum(case when is_earning then 0 else next_trade_days end) as idle_next_trade_days,
        sum(case when not is_earning and next_trade_days > 0 then 1 else 0 end) as reactivated_pairs
    from banded_pairs
    group by band_start_days
)

select * from final
order by band_start_days
