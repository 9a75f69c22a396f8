-- Builds: the acquisition funnel of the last 8 cohort weeks (Mondays in (R - 56, R]) per partner.
-- Grain: one row per partner and cohort week.
with

recent_weeks as (
    select * from funnel
    where cohort_week > date_add('day', -56, :run_date)
        and cohort_week <= :run_date
),

final as (
    select
        partner_id,
        cohort_week,
        signups,
        kyc_users,
        funded_users,
        traded_users
    from recent_weeks
)

select * from final
