-- Grain: one row per cohort date and partner of the users attributed as of :run_date: the sums the
-- persistence model forecasts the cohort from (lambdas/recommend/ltv-forecast.ts). Users, age, net
-- revenue to date and at age <= each forecast horizon (90, 180, 365 days: observed once the cohort
-- has passed it), net revenue and trading days in each of the last three 30-day windows (window 0
-- ends on :run_date), and the users with no trading day in the last two (idle). The daily run
-- holds one row per cohort, never one per user. :user_windows is the rendered
-- recommend/user_value_windows query of :run_date (one row per attributed user).
with

user_values as (
    select * from :user_windows
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
