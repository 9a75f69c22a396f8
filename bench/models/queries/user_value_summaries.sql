-- Grain: one row per attributed user as of :run_date: cohort, partner, age, net revenue to date, and
-- net revenue at age <= each forecast horizon (90, 180, 365 days) for cohorts that have passed it.
-- For the holdout bench, whose competitor models take a row per user. :user_windows is the rendered
-- recommend/user_value_windows query of :run_date, which the daily run sums per cohort
-- (queries/recommend/cohort_value_sums.sql): the same values, by the same rule.
with

user_windows as (
    select * from :user_windows
),

final as (
    select
        user_id,
        partner_id,
        cohort_date,
        age_days,
        net_revenue_usd,
        net_revenue_age_90_usd,
        net_revenue_age_180_usd,
        net_revenue_age_365_usd
    from user_windows
)

select * from final
order by user_id
