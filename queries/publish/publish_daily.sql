-- Builds: the daily time series of the 60 days ending on :run_date: spend (from spend), sign-ups
-- (users by cohort_date) and first deposits (users by ftd_date).
-- Grain: one row per date and partner with spend, sign-ups or FTDs that day.
with

recent_spend as (
    select * from spend
    where dt between date_add('day', -59, :run_date) and :run_date
),

-- The state of the run date, not the users view: the view is the latest run's, and it joins the
-- signup and KYC times, which this does not need.
recent_signups as (
    select * from user_state
    where dt = :run_date
        and cohort_date between date_add('day', -59, :run_date) and :run_date
),

recent_ftds as (
    select * from user_state
    where dt = :run_date
        and ftd_date between date_add('day', -59, :run_date) and :run_date
),

spend_by_day as (
    select
        dt as activity_date,
        partner_id,
        sum(spend_usd) as spend_usd,
        cast(0 as bigint) as signups,
        cast(0 as bigint) as ftds
    from recent_spend
    group by dt, partner_id
),

signups_by_day as (
    select
        cohort_date as activity_date,
        partner_id,
        cast(0 as double) as spend_usd,
        count(*) as signups,
        cast(0 as bigint) as ftds
    from recent_signups
    group by cohort_date, partner_id
),

ftds_by_day as (
    select
        ftd_date as activity_date,
        partner_id,
        cast(0 as double) as spend_usd,
        cast(0 as bigint) as signups,
        count(*) as ftds
    from recent_ftds
    group by ftd_date, partner_id
),

activity as (
    select * from spend_by_day
    union all
    select * from signups_by_day
    union all
    select * from ftds_by_day
),

final as (
    select
        activity_date,
        partner_id,
        sum(spend_usd) as spend_usd,
        sum(signups) as signups,
        sum(ftds) as ftds
    from activity
    group by activity_date, partner_id
)

select * from final
