-- Builds: each partner's LTV curve over its cohorts of the 90 days ending on :run_date. At each
-- age only the cohorts that have fully lived it by R are pooled (sum of revenue / sum of users),
-- so young cohorts never drag the curve down.
-- Grain: one row per partner and age day.
with

recent_cohorts as (
    select * from cohort_ltv
    where cohort_date between date_add('day', -89, :run_date) and :run_date
        and cohort_users > 0
),

observed_ages as (
    select * from recent_cohorts
    where date_add('day', age_day, cohort_date) <= :run_date
),

final as (
    select
        partner_id,
        age_day,
        count(*) as cohorts,
        sum(cohort_users) as cohort_users,
        sum(cum_net_revenue_usd) as cum_net_revenue_usd
    from observed_ages
    group by partner_id, age_day
)

select * from final
