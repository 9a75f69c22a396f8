-- Builds: the `user_quality_signals` partitions of the run dates :run_dates (docs/contract.md,
-- Traffic quality): for each run date R, each user of the cohorts C = [R - 29, R] with the signals
-- partner_quality counts and user_risk_flags lists, so both read one definition of each rule. The
-- state as of R gives cohort, partner, KYC and FTD; signup_clicks of the cohort date gives the
-- first sign-up's click; identifier_users (the first uses of each device and funding id) gives
-- the sharing, joined on the cohort's own ids only; user_daily from :ftd_from (the earliest FTD
-- whose week counts, found by the run) gives each FTD's first week. So a run reads no raw events,
-- and of the daily models about 30 days of sign-ups and the FTD weeks. :signups_from is 29 days
-- before the first run date, :last_date the last run date.
-- Grain: one row per run date and user with cohort_date in C.
with

run_dates as (
    select run_date from :run_dates
),

states as (
    select * from user_state
    where dt in (:dates)
),

signups as (
    select * from signup_clicks
    where dt between :signups_from and :last_date
),

uses as (
    select * from identifier_users
),

activity as (
    select * from user_daily
    where dt between :ftd_from and :last_date
),

cohort as (
    select
        states.user_id,
        states.partner_id,
        states.cohort_date,
        states.kyc_date,
        states.ftd_date,
        states.last_active_date,
        run_dates.run_date
    from states
    inner join run_dates
        on states.dt = run_dates.run_date
    where states.cohort_date between date_add('day', -29, run_dates.run_date) and run_dates.run_date
),

-- The user's first sign-up is the first of their cohort date.
click_gaps as (
    select
        user_id,
        dt as cohort_date,
        date_diff('millisecond', click_at, signup_at) as click_to_signup_ms
    from signups
    where click_at is not null
),

cohort_uses as (
    select
        cohort.run_date,
        uses.kind,
        uses.identifier,
        uses.user_id
    from uses
    inner join cohort
        on uses.user_id = cohort.user_id
    where uses.first_used_date <= cohort.run_date
),

cohort_identifiers as (
    select distinct
        kind,
        identifier
    from cohort_uses
),

-- The first six users of each of those ids: of the users of an id by R, another than the user is
-- always among them (the id's first user, or its second when the user is the first), and so are
-- the five named (ranks follow first use, so the users by R hold the first ranks).
first_users as (
    select
        uses.kind,
        uses.identifier,
        uses.user_id,
        uses.first_used_date
    from uses
    inner join cohort_identifiers
        on uses.kind = cohort_identifiers.kind
        and uses.identifier = cohort_identifiers.identifier
    where uses.user_rank <= 6
),

other_users as (
    select
        cohort_uses.run_date,
        cohort_uses.kind,
        cohort_uses.user_id,
        first_users.user_id as other_user_id,
        min(first_users.first_used_date) as other_first_used_date
    from cohort_uses
    inner join first_users
        on cohort_uses.kind = first_users.kind
        and cohort_uses.identifier = first_users.identifier
        and cohort_uses.user_id <> first_users.user_id
    where first_users.first_used_date <= cohort_uses.run_date
    group by cohort_uses.run_date, cohort_uses.kind, cohort_uses.user_id, first_users.user_id
),

ranked_others as (
    select
        run_date,
        kind,
        user_id,
        other_user_id,
        row_number() over (
            partition by run_date, kind, user_id
            order by other_first_used_date, other_user_id
        ) as other_rank
    from other_users
),

-- The five other users who used a shared id first, in that order, comma-separated.
sharing as (
    select
        run_date,
        kind,
        user_id,
        max(case when other_rank = 1 then other_user_id end)
            || coalesce(',' || max(case when other_rank = 2 then other_user_id end), '')
            || coalesce(',' || max(case when other_rank = 3 then other_user_id end), '')
            || coalesce(',' || max(case when other_rank = 4 then other_user_id end), '')
            || coalesce(',' || max(case when other_rank = 5 then other_user_id end), '') as other_user_ids
    from ranked_others
    where other_rank <= 5
    group by run_date, kind, user_id
),

bonus_eligible as (
    select
        run_date,
        user_id,
        ftd_date
    from cohort
    where ftd_date <= date_add('day', -6, run_date)
),

-- The FTD's week [ftd_date, ftd_date + 6], the FTD itself included.
first_weeks as (
    select
        bonus_eligible.run_date,
        bonus_eligible.user_id,
        sum(activity.deposits_usd) as deposits_usd,
        sum(activity.withdrawals_usd) as withdrawals_usd,
        sum(activity.trades) as trades
    from bonus_eligible
    inner join activity
        on bonus_eligible.user_id = activity.user_id
        and activity.dt between bonus_eligible.ftd_date and date_add('day', 6, bonus_eligible.ftd_date)
    group by bonus_eligible.run_date, bonus_eligible.user_id
),

final as (
    select
        cohort.user_id,
        cohort.partner_id,
        cohort.cohort_date,
        cohort.kyc_date is not null as has_kyc,
        cohort.ftd_date is not null as has_ftd,
        click_gaps.click_to_signup_ms,
        -- Compared in whole milliseconds: 9.999 s is fast, 10 s is not; a click after the sign-up is fast.
        click_gaps.click_to_signup_ms < 10000 as is_fast_signup,
        cast(first_weeks.withdrawals_usd as double) / cast(first_weeks.deposits_usd as double)
            as first_week_withdrawn_share,
        -- "At least 0.9 times the deposits", exactly: 10 w >= 9 d in decimals.
        case
            when first_weeks.user_id is not null
                then 10 * first_weeks.withdrawals_usd >= 9 * first_weeks.deposits_usd
                    and first_weeks.trades = 0
        end as is_bonus_abuse,
        device_sharing.user_id is not null as has_shared_device,
        device_sharing.other_user_ids as device_sharers,
        funding_sharing.user_id is not null as has_shared_funding,
        funding_sharing.other_user_ids as funding_sharers,
        -- Retained: active a week or more after signing up, of users who signed up at least 7 days before R.
        case
            when cohort.cohort_date <= date_add('day', -7, cohort.run_date)
                then cohort.last_active_date >= date_add('day', 7, cohort.cohort_date)
        end as is_retained,
        cohort.run_date as dt
    from cohort
    left join click_gaps
        on cohort.user_id = click_gaps.user_id
        and cohort.cohort_date = click_gaps.cohort_date
    left join first_weeks
        on cohort.run_date = first_weeks.run_date
        and cohort.user_id = first_weeks.user_id
    left join sharing as device_sharing
        on cohort.run_date = device_sharing.run_date
        and cohort.user_id = device_sharing.user_id
        and device_sharing.kind = 'device'
    left join sharing as funding_sharing
        on cohort.run_date = funding_sharing.run_date
        and cohort.user_id = funding_sharing.user_id
        and funding_sharing.kind = 'funding'
)

select * from final
