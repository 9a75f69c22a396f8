-- Builds: `funnel` as of :run_date: signup, KYC, first deposit and first trade per partner and cohort week.
-- Grain: one row per partner and cohort week (weeks start on Monday).
with

state as (
    select * from user_state
    where dt = :run_date
        and cohort_date is not null
),

journeys as (
    select
        partner_id,
        cast(date_trunc('week', cohort_date) as date) as cohort_week,
        cohort_date,
        kyc_date,
        ftd_date,
        first_trade_date
    from state
),

counts as (
    select
        partner_id,
        cohort_week,
        count(*) as signups,
        count(kyc_date) as kyc_users,
        count(ftd_date) as funded_users,
        count(first_trade_date) as traded_users
    from journeys
    group by partner_id, cohort_week
),

step_days as (
    select partner_id, cohort_week, 'signup_to_kyc' as step, date_diff('day', cohort_date, kyc_date) as days
    from journeys
    where kyc_date is not null
    union all
    select partner_id, cohort_week, 'kyc_to_ftd' as step, date_diff('day', kyc_date, ftd_date) as days
    from journeys
    where kyc_date is not null and ftd_date is not null
    union all
    select partner_id, cohort_week, 'ftd_to_first_trade' as step, date_diff('day', ftd_date, first_trade_date) as days
    from journeys
    where ftd_date is not null and first_trade_date is not null
),

ranked_step_days as (
    select
        partner_id,
        cohort_week,
        step,
        days,
        row_number() over (partition by partner_id, cohort_week, step order by days) as position,
        count(*) over (partition by partner_id, cohort_week, step) as step_users
    from step_days
),

-- The exact median: the middle value, or the mean of the two middle values.
medians as (
    select
        partner_id,
        cohort_week,
        step,
        avg(cast(days as double)) as median_days
    from ranked_step_days
    where position in ((step_users + 1) / 2, (step_users + 2) / 2)
    group by partner_id, cohort_week, step
),

final as (
    select
        counts.partner_id,
        counts.cohort_week,
        counts.signups,
        counts.kyc_users,
        counts.funded_users,
        counts.traded_users,
        signup_to_kyc.median_days as median_days_signup_to_kyc,
        kyc_to_ftd.median_days as median_days_kyc_to_ftd,
        ftd_to_first_trade.median_days as median_days_ftd_to_first_trade,
        :run_date as run_date
    from counts
    left join medians as signup_to_kyc
        on counts.partner_id = signup_to_kyc.partner_id
        and counts.cohort_week = signup_to_kyc.cohort_week
        and signup_to_kyc.step = 'signup_to_kyc'
    left join medians as kyc_to_ftd
        on counts.partner_id = kyc_to_ftd.partner_id
        and counts.cohort_week = kyc_to_ftd.cohort_week
        and kyc_to_ftd.step = 'kyc_to_ftd'
    left join medians as ftd_to_first_trade
        on counts.partner_id = ftd_to_first_trade.partner_id
        and counts.cohort_week = ftd_to_first_trade.cohort_week
        and ftd_to_first_trade.step = 'ftd_to_first_trade'
)

select * from final
