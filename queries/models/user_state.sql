-- Builds: `user_state` as of :run_date, from the state as of :base_date (empty when there is none)
-- and `user_daily` of the days after it. A daily run folds one day into yesterday's state, so its
-- cost follows the new day's data and the number of users, never the length of history.
-- Grain: one row per user known on :run_date.
with

base as (
    select * from user_state
    where dt = :base_date
),

new_days as (
    select * from user_daily
    where dt > :base_date
        and dt <= :run_date
),

ranked_new_signups as (
    select
        user_id,
        first_signup_at,
        first_signup_partner_id,
        row_number() over (partition by user_id order by first_signup_at, dt) as signup_rank
    from new_days
    where first_signup_at is not null
),

first_new_signups as (
    select
        user_id,
        first_signup_at,
        first_signup_partner_id
    from ranked_new_signups
    where signup_rank = 1
),

new_totals as (
    select
        user_id,
        min(first_kyc_at) as kyc_at,
        min(first_funded_deposit_at) as first_funded_deposit_at,
        min(case when trades > 0 then dt end) as first_trade_date,
        max(case when trades > 0 then dt end) as last_trade_date,
        count_if(trades > 0) as trade_days,
        min(dt) as first_active_date,
        sum(deposits_usd) as deposits_usd,
        sum(withdrawals_usd) as withdrawals_usd,
        sum(trades) as trades,
        sum(spot_trades) as spot_trades,
        sum(futures_trades) as futures_trades,
        sum(volume_usd) as volume_usd,
        sum(fees_usd) as fees_usd
    from new_days
    group by user_id
),

new_first_trade_days as (
    select
        user_id,
        fees_usd as first_trade_day_fees_usd,
        row_number() over (partition by user_id order by dt) as trade_day_rank
    from new_days
    where trades > 0
),

new_active_days as (
    select
        user_id,
        dt,
        row_number() over (partition by user_id order by dt desc) as recency_rank
    from new_days
),

new_last_two_days as (
    select
        user_id,
        max(case when recency_rank = 1 then dt end) as last_active_date,
        max(case when recency_rank = 2 then dt end) as second_last_active_date
    from new_active_days
    where recency_rank <= 2
    group by user_id
),

known_users as (
    select user_id from base
    union
    select user_id from new_totals
),

cohorts as (
    select
        known_users.user_id,
        coalesce(base.signup_at, first_new_signups.first_signup_at) as signup_at,
        cast(coalesce(base.signup_at, first_new_signups.first_signup_at) as date) as cohort_date,
        case
            when base.signup_at is not null then base.partner_id
            when first_new_signups.first_signup_at is not null
                then coalesce(first_new_signups.first_signup_partner_id, 'organic')
            else 'unattributed'
        end as partner_id
    from known_users
    left join base
        on known_users.user_id = base.user_id
    left join first_new_signups
        on known_users.user_id = first_new_signups.user_id
),

new_fees_by_age as (
    select
        new_days.user_id,
        sum(case when date_diff('day', cohorts.cohort_date, new_days.dt) <= 0 then new_days.fees_usd else 0 end) as fees_age_0,
        sum(case when date_diff('day', cohorts.cohort_date, new_days.dt) <= 1 then new_days.fees_usd else 0 end) as fees_age_1,
        sum(case when date_diff('day', cohorts.cohort_date, new_days.dt) <= 3 then new_days.fees_usd else 0 end) as fees_age_3,
        sum(case when date_diff('day', cohorts.cohort_date, new_days.dt) <= 7 then new_days.fees_usd else 0 end) as fees_age_7,
        sum(case when date_diff('day', cohorts.cohort_date, new_days.dt) <= 14 then new_days.fees_usd else 0 end) as fees_age_14,
        sum(case when date_diff('day', cohorts.cohort_date, new_days.dt) <= 30 then new_days.fees_usd else 0 end) as fees_age_30,
        sum(case when date_diff('day', cohorts.cohort_date, new_days.dt) <= 60 then new_days.fees_usd else 0 end) as fees_age_60,
        sum(case when date_diff('day', cohorts.cohort_date, new_days.dt) <= 90 then new_days.fees_usd else 0 end) as fees_age_90,
        sum(case when date_diff('day', cohorts.cohort_date, new_days.dt) <= 180 then new_days.fees_usd else 0 end) as fees_age_180,
        sum(case when date_diff('day', cohorts.cohort_date, new_days.dt) <= 365 then new_days.fees_usd else 0 end) as fees_age_365,
        max(case when date_diff('day', cohorts.cohort_date, new_days.dt) = 1 then 1 else 0 end) as active_day_1,
        max(case when date_diff('day', cohorts.cohort_date, new_days.dt) = 7 then 1 else 0 end) as active_day_7,
        max(case when date_diff('day', cohorts.cohort_date, new_days.dt) = 30 then 1 else 0 end) as active_day_30,
        max(case when date_diff('day', cohorts.cohort_date, new_days.dt) = 90 then 1 else 0 end) as active_day_90
    from new_days
    inner join cohorts
        on new_days.user_id = cohorts.user_id
    where cohorts.cohort_date is not null
    group by new_days.user_id
),

final as (
    select
        cohorts.user_id,
        cohorts.partner_id,
        cohorts.signup_at,
        cohorts.cohort_date,
        coalesce(base.kyc_at, new_totals.kyc_at) as kyc_at,
        coalesce(base.ftd_date, cast(new_totals.first_funded_deposit_at as date)) as ftd_date,
        coalesce(base.first_trade_date, new_totals.first_trade_date) as first_trade_date,
        coalesce(new_totals.last_trade_date, base.last_trade_date) as last_trade_date,
        coalesce(base.trade_days, 0) + coalesce(new_totals.trade_days, 0) as trade_days,
        case
            when base.first_trade_date is not null then base.first_trade_day_fees_usd
            else new_first_trade_days.first_trade_day_fees_usd
        end as first_trade_day_fees_usd,
        coalesce(base.first_active_date, new_totals.first_active_date) as first_active_date,
        coalesce(new_last_two_days.last_active_date, base.last_active_date) as last_active_date,
        case
            when new_last_two_days.second_last_active_date is not null then new_last_two_days.second_last_active_date
            when new_last_two_days.last_active_date is not null then base.last_active_date
            else base.prev_active_date
        end as prev_active_date,
        coalesce(base.deposits_usd, 0) + coalesce(new_totals.deposits_usd, 0) as deposits_usd,
        coalesce(base.withdrawals_usd, 0) + coalesce(new_totals.withdrawals_usd, 0) as withdrawals_usd,
        coalesce(base.trades, 0) + coalesce(new_totals.trades, 0) as trades,
        coalesce(base.spot_trades, 0) + coalesce(new_totals.spot_trades, 0) as spot_trades,
        coalesce(base.futures_trades, 0) + coalesce(new_totals.futures_trades, 0) as futures_trades,
        coalesce(base.volume_usd, 0) + coalesce(new_totals.volume_usd, 0) as volume_usd,
        coalesce(base.fees_usd, 0) + coalesce(new_totals.fees_usd, 0) as fees_usd,
        case
            when cohorts.cohort_date is null then null
            else coalesce(case when base.cohort_date is not null then base.fees_age_0 else base.fees_usd end, 0)
                + coalesce(new_fees_by_age.fees_age_0, 0)
        end as fees_age_0,
        case
            when cohorts.cohort_date is null then null
            else coalesce(case when base.cohort_date is not null then base.fees_age_1 else base.fees_usd end, 0)
                + coalesce(new_fees_by_age.fees_age_1, 0)
        end as fees_age_1,
        case
            when cohorts.cohort_date is null then null
            else coalesce(case when base.cohort_date is not null then base.fees_age_3 else base.fees_usd end, 0)
                + coalesce(new_fees_by_age.fees_age_3, 0)
        end as fees_age_3,
        case
            when cohorts.cohort_date is null then null
            else coalesce(case when base.cohort_date is not null then base.fees_age_7 else base.fees_usd end, 0)
                + coalesce(new_fees_by_age.fees_age_7, 0)
        end as fees_age_7,
        case
            when cohorts.cohort_date is null then null
            else coalesce(case when base.cohort_date is not null then base.fees_age_14 else base.fees_usd end, 0)
                + coalesce(new_fees_by_age.fees_age_14, 0)
        end as fees_age_14,
        case
            when cohorts.cohort_date is null then null
            else coalesce(case when base.cohort_date is not null then base.fees_age_30 else base.fees_usd end, 0)
                + coalesce(new_fees_by_age.fees_age_30, 0)
        end as fees_age_30,
        case
            when cohorts.cohort_date is null then null
            else coalesce(case when base.cohort_date is not null then base.fees_age_60 else base.fees_usd end, 0)
                + coalesce(new_fees_by_age.fees_age_60, 0)
        end as fees_age_60,
        case
            when cohorts.cohort_date is null then null
            else coalesce(case when base.cohort_date is not null then base.fees_age_90 else base.fees_usd end, 0)
                + coalesce(new_fees_by_age.fees_age_90, 0)
        end as fees_age_90,
        case
            when cohorts.cohort_date is null then null
            else coalesce(case when base.cohort_date is not null then base.fees_age_180 else base.fees_usd end, 0)
                + coalesce(new_fees_by_age.fees_age_180, 0)
        end as fees_age_180,
        case
            when cohorts.cohort_date is null then null
            else coalesce(case when base.cohort_date is not null then base.fees_age_365 else base.fees_usd end, 0)
                + coalesce(new_fees_by_age.fees_age_365, 0)
        end as fees_age_365,
        coalesce(base.active_day_1, false) or coalesce(new_fees_by_age.active_day_1, 0) = 1 as active_day_1,
        coalesce(base.active_day_7, false) or coalesce(new_fees_by_age.active_day_7, 0) = 1 as active_day_7,
        coalesce(base.active_day_30, false) or coalesce(new_fees_by_age.active_day_30, 0) = 1 as active_day_30,
        coalesce(base.active_day_90, false) or coalesce(new_fees_by_age.active_day_90, 0) = 1 as active_day_90,
        :run_date as dt
    from cohorts
    left join base
        on cohorts.user_id = base.user_id
    left join new_totals
        on cohorts.user_id = new_totals.user_id
    left join new_last_two_days
        on cohorts.user_id = new_last_two_days.user_id
    left join new_first_trade_days
        on cohorts.user_id = new_first_trade_days.user_id
        and new_first_trade_days.trade_day_rank = 1
    left join new_fees_by_age
        on cohorts.user_id = new_fees_by_age.user_id
)

select * from final
