-- Builds: `user_state` as of each of :as_of_dates, from the state as of :base_date (empty when
-- there is none) and the `user_daily` days after it, up to each date. A daily run folds one day
-- into yesterday's state; a run that late data sends back several days folds every restated date
-- in the same query. The base state and the new days are each scanned once: their rows are
-- stacked, the base row and one row per new day for every as-of date, then combined per user.
-- The trailing-window sums (trades, trading days and fees in the last 7, 30, 60, 90 and 120 days)
-- move with the as-of date: the base's sums, plus the days entering each window, minus the days
-- leaving it. A daily run so reads the new day and the five days that left a window, not the
-- windows' 120 days; the marts and the value model read the sums instead of user_daily.
-- Fees by age and the window sums are stored as bands (see `base` and `final`), and signup and KYC
-- times not at all (user_milestones keeps them): the fold reads and rewrites every stored column.
-- Grain: one row per user known on each as-of date.
with

as_of as (
    select as_of_date from :as_of_dates
),

base_state as (
    select * from user_state
    where dt = :base_date
),

-- The state stores fees by age band and trades by trailing-window band (mostly zero or null for
-- a user past the band, so they compress to little); the fold works on the cumulative sums.
base as (
    select
        base_state.*,
        -- The state keeps signup and KYC dates, not times (those are in user_milestones). The base's
        -- precede every new day's, so midnight of their date orders them as well as their time.
        cast(base_state.cohort_date as timestamp) as signup_at,
        cast(base_state.kyc_date as timestamp) as kyc_at,
        case when base_state.cohort_date is not null then coalesce(base_state.fees_ages_0_0_usd, 0) end as fees_age_0,
        case when base_state.cohort_date is not null then coalesce(base_state.fees_ages_0_0_usd, 0) + coalesce(base_state.fees_ages_1_1_usd, 0) end as fees_age_1,
        case when base_state.cohort_date is not null then coalesce(base_state.fees_ages_0_0_usd, 0) + coalesce(base_state.fees_ages_1_1_usd, 0) + coalesce(base_state.fees_ages_2_3_usd, 0) end as fees_age_3,
        case when base_state.cohort_date is not null then coalesce(base_state.fees_ages_0_0_usd, 0) + coalesce(base_state.fees_ages_1_1_usd, 0) + coalesce(base_state.fees_ages_2_3_usd, 0) + coalesce(base_state.fees_ages_4_7_usd, 0) end as fees_age_7,
        case when base_state.cohort_date is not null then coalesce(base_state.fees_ages_0_0_usd, 0) + coalesce(base_state.fees_ages_1_1_usd, 0) + coalesce(base_state.fees_ages_2_3_usd, 0) + coalesce(base_state.fees_ages_4_7_usd, 0) + coalesce(base_state.fees_ages_8_14_usd, 0) end as fees_age_14,
        case when base_state.cohort_date is not null then coalesce(base_state.fees_ages_0_0_usd, 0) + coalesce(base_state.fees_ages_1_1_usd, 0) + coalesce(base_state.fees_ages_2_3_usd, 0) + coalesce(base_state.fees_ages_4_7_usd, 0) + coalesce(base_state.fees_ages_8_14_usd, 0) + coalesce(base_state.fees_ages_15_30_usd, 0) end as fees_age_30,
        case when base_state.cohort_date is not null then coalesce(base_state.fees_ages_0_0_usd, 0) + coalesce(base_state.fees_ages_1_1_usd, 0) + coalesce(base_state.fees_ages_2_3_usd, 0) + coalesce(base_state.fees_ages_4_7_usd, 0) + coalesce(base_state.fees_ages_8_14_usd, 0) + coalesce(base_state.fees_ages_15_30_usd, 0) + coalesce(base_state.fees_ages_31_60_usd, 0) end as fees_age_60,
        case when base_state.cohort_date is not null then coalesce(base_state.fees_ages_0_0_usd, 0) + coalesce(base_state.fees_ages_1_1_usd, 0) + coalesce(base_state.fees_ages_2_3_usd, 0) + coalesce(base_state.fees_ages_4_7_usd, 0) + coalesce(base_state.fees_ages_8_14_usd, 0) + coalesce(base_state.fees_ages_15_30_usd, 0) + coalesce(base_state.fees_ages_31_60_usd, 0) + coalesce(base_state.fees_ages_61_90_usd, 0) end as fees_age_90,
        case when base_state.cohort_date is not null then coalesce(base_state.fees_ages_0_0_usd, 0) + coalesce(base_state.fees_ages_1_1_usd, 0) + coalesce(base_state.fees_ages_2_3_usd, 0) + coalesce(base_state.fees_ages_4_7_usd, 0) + coalesce(base_state.fees_ages_8_14_usd, 0) + coalesce(base_state.fees_ages_15_30_usd, 0) + coalesce(base_state.fees_ages_31_60_usd, 0) + coalesce(base_state.fees_ages_61_90_usd, 0) + coalesce(base_state.fees_ages_91_180_usd, 0) end as fees_age_180,
        case when base_state.cohort_date is not null then coalesce(base_state.fees_ages_0_0_usd, 0) + coalesce(base_state.fees_ages_1_1_usd, 0) + coalesce(base_state.fees_ages_2_3_usd, 0) + coalesce(base_state.fees_ages_4_7_usd, 0) + coalesce(base_state.fees_ages_8_14_usd, 0) + coalesce(base_state.fees_ages_15_30_usd, 0) + coalesce(base_state.fees_ages_31_60_usd, 0) + coalesce(base_state.fees_ages_61_90_usd, 0) + coalesce(base_state.fees_ages_91_180_usd, 0) + coalesce(base_state.fees_ages_181_365_usd, 0) end as fees_age_365,
        base_state.trades_7d + base_state.trades_8_30d as trades_30d,
        base_state.trade_days_7d + base_state.trade_days_8_30d as trade_days_30d,
        base_state.fees_7d_usd + base_state.fees_8_30d_usd as fees_30d_usd,
        base_state.trades_7d + base_state.trades_8_30d + base_state.trades_31_60d as trades_60d,
        base_state.trade_days_7d + base_state.trade_days_8_30d + base_state.trade_days_31_60d as trade_days_60d,
        base_state.fees_7d_usd + base_state.fees_8_30d_usd + base_state.fees_31_60d_usd as fees_60d_usd,
        base_state.trades_7d + base_state.trades_8_30d + base_state.trades_31_60d + base_state.trades_61_90d as trades_90d,
        base_state.trade_days_7d + base_state.trade_days_8_30d + base_state.trade_days_31_60d + base_state.trade_days_61_90d as trade_days_90d,
        base_state.fees_7d_usd + base_state.fees_8_30d_usd + base_state.fees_31_60d_usd + base_state.fees_61_90d_usd as fees_90d_usd,
        base_state.trades_7d + base_state.trades_8_30d + base_state.trades_31_60d + base_state.trades_61_90d + base_state.trades_91_120d as trades_120d,
        base_state.trade_days_7d + base_state.trade_days_8_30d + base_state.trade_days_31_60d + base_state.trade_days_61_90d + base_state.trade_days_91_120d as trade_days_120d,
        base_state.fees_7d_usd + base_state.fees_8_30d_usd + base_state.fees_31_60d_usd + base_state.fees_61_90d_usd + base_state.fees_91_120d_usd as fees_120d_usd
    from base_state
),

new_days as (
    select * from user_daily
    where dt > :base_date
        and dt <= :last_date
),

-- The days that enter a trailing window (the new days) or leave one (for an N-day window, the
-- days N days before the new days), listed by the run (all days for a build from scratch).
window_days as (
    select * from user_daily
    where dt in (:window_dates)
),

window_day_weights as (
    select
        as_of.as_of_date,
        window_days.user_id,
        window_days.trades,
        case when window_days.trades > 0 then 1 else 0 end as trade_day,
        window_days.fees_usd,
        case
            when window_days.dt > :base_date and window_days.dt <= as_of.as_of_date then 1
            else 0
        end as is_entering,
        case
            when window_days.dt > date_add('day', -7, :base_date)
                and window_days.dt <= date_add('day', -7, as_of.as_of_date)
                then 1
            else 0
        end as is_leaving_7d,
        case
            when window_days.dt > date_add('day', -30, :base_date)
                and window_days.dt <= date_add('day', -30, as_of.as_of_date)
                then 1
            else 0
        end as is_leaving_30d,
        case
            when window_days.dt > date_add('day', -60, :base_date)
                and window_days.dt <= date_add('day', -60, as_of.as_of_date)
                then 1
            else 0
        end as is_leaving_60d,
        case
            when window_days.dt > date_add('day', -90, :base_date)
                and window_days.dt <= date_add('day', -90, as_of.as_of_date)
                then 1
            else 0
        end as is_leaving_90d,
        case
            when window_days.dt > date_add('day', -120, :base_date)
                and window_days.dt <= date_add('day', -120, as_of.as_of_date)
                then 1
            else 0
        end as is_leaving_120d
    from window_days
    cross join as_of
),

-- Per user and as-of date: how much each trailing-window sum moved since the base.
window_changes as (
    select
        as_of_date,
        user_id,
        sum(trades * (is_entering - is_leaving_7d)) as trades_7d_change,
        sum(trade_day * (is_entering - is_leaving_7d)) as trade_days_7d_change,
        sum(fees_usd * (is_entering - is_leaving_7d)) as fees_7d_usd_change,
        sum(trades * (is_entering - is_leaving_30d)) as trades_30d_change,
        sum(trade_day * (is_entering - is_leaving_30d)) as trade_days_30d_change,
        sum(fees_usd * (is_entering - is_leaving_30d)) as fees_30d_usd_change,
        sum(trades * (is_entering - is_leaving_60d)) as trades_60d_change,
        sum(trade_day * (is_entering - is_leaving_60d)) as trade_days_60d_change,
        sum(fees_usd * (is_entering - is_leaving_60d)) as fees_60d_usd_change,
        sum(trades * (is_entering - is_leaving_90d)) as trades_90d_change,
        sum(trade_day * (is_entering - is_leaving_90d)) as trade_days_90d_change,
        sum(fees_usd * (is_entering - is_leaving_90d)) as fees_90d_usd_change,
        sum(trades * (is_entering - is_leaving_120d)) as trades_120d_change,
        sum(trade_day * (is_entering - is_leaving_120d)) as trade_days_120d_change,
        sum(fees_usd * (is_entering - is_leaving_120d)) as fees_120d_usd_change
    from window_day_weights
    group by as_of_date, user_id
),

contributions as (
    select
        as_of.as_of_date,
        base.user_id,
        true as is_base,
        cast(null as date) as day,
        base.signup_at,
        case when base.signup_at is not null then base.partner_id end as signup_partner_id,
        base.kyc_at,
        base.ftd_date,
        base.first_trade_date,
        base.first_active_date,
        base.last_active_date,
        base.prev_active_date,
        base.prev2_active_date,
        base.deposits_usd,
        base.withdrawals_usd,
        base.trades,
        -- Whether the user ever traded each product: what product_mix says, so the state needs no counts.
        case when base.product_mix in ('spot', 'both') then 1 else 0 end as has_spot,
        case when base.product_mix in ('futures', 'both') then 1 else 0 end as has_futures,
        base.volume_usd,
        base.fees_usd,
        -- Null without a cohort: every fee so far came before the signup, counted at every age below.
        base.fees_age_0,
        base.fees_age_1,
        base.fees_age_3,
        base.fees_age_7,
        base.fees_age_14,
        base.fees_age_30,
        base.fees_age_60,
        base.fees_age_90,
        base.fees_age_180,
        base.fees_age_365,
        base.active_day_1,
        base.active_day_7,
        base.active_day_30,
        base.active_day_90,
        base.trades_7d,
        base.trade_days_7d,
        base.fees_7d_usd,
        base.trades_30d,
        base.trade_days_30d,
        base.fees_30d_usd,
        base.trades_60d,
        base.trade_days_60d,
        base.fees_60d_usd,
        base.trades_90d,
        base.trade_days_90d,
        base.fees_90d_usd,
        base.trades_120d,
        base.trade_days_120d,
        base.fees_120d_usd
    from base
    cross join as_of
    union all
    select
        as_of.as_of_date,
        new_days.user_id,
        false as is_base,
        new_days.dt as day,
        new_days.first_signup_at as signup_at,
        case
            when new_days.first_signup_at is not null then coalesce(new_days.first_signup_partner_id, 'organic')
        end as signup_partner_id,
        new_days.first_kyc_at as kyc_at,
        cast(new_days.first_funded_deposit_at as date) as ftd_date,
        case when new_days.trades > 0 then new_days.dt end as first_trade_date,
        new_days.dt as first_active_date,
        new_days.dt as last_active_date,
        cast(null as date) as prev_active_date,
        cast(null as date) as prev2_active_date,
        new_days.deposits_usd,
        new_days.withdrawals_usd,
        new_days.trades,
        case when new_days.spot_trades > 0 then 1 else 0 end as has_spot,
        case when new_days.futures_trades > 0 then 1 else 0 end as has_futures,
        new_days.volume_usd,
        new_days.fees_usd,
        cast(null as decimal(38, 9)) as fees_age_0,
        cast(null as decimal(38, 9)) as fees_age_1,
        cast(null as decimal(38, 9)) as fees_age_3,
        cast(null as decimal(38, 9)) as fees_age_7,
        cast(null as decimal(38, 9)) as fees_age_14,
        cast(null as decimal(38, 9)) as fees_age_30,
        cast(null as decimal(38, 9)) as fees_age_60,
        cast(null as decimal(38, 9)) as fees_age_90,
        cast(null as decimal(38, 9)) as fees_age_180,
        cast(null as decimal(38, 9)) as fees_age_365,
        cast(null as boolean) as active_day_1,
        cast(null as boolean) as active_day_7,
        cast(null as boolean) as active_day_30,
        cast(null as boolean) as active_day_90,
        cast(0 as bigint) as trades_7d,
        cast(0 as bigint) as trade_days_7d,
        cast(0 as decimal(38, 9)) as fees_7d_usd,
        cast(0 as bigint) as trades_30d,
        cast(0 as bigint) as trade_days_30d,
        cast(0 as decimal(38, 9)) as fees_30d_usd,
        cast(0 as bigint) as trades_60d,
        cast(0 as bigint) as trade_days_60d,
        cast(0 as decimal(38, 9)) as fees_60d_usd,
        cast(0 as bigint) as trades_90d,
        cast(0 as bigint) as trade_days_90d,
        cast(0 as decimal(38, 9)) as fees_90d_usd,
        cast(0 as bigint) as trades_120d,
        cast(0 as bigint) as trade_days_120d,
        cast(0 as decimal(38, 9)) as fees_120d_usd
    from new_days
    inner join as_of
        on new_days.dt <= as_of.as_of_date
),

-- Per user and as-of date: the earliest signup (the base's, when it has one: it precedes every
-- new day), the active days ranked from the latest, and the moves of the
-- trailing-window sums (the same on each of the user's rows).
ranked as (
    select
        contributions.*,
        min(contributions.signup_at) over (
            partition by contributions.as_of_date, contributions.user_id
        ) as user_signup_at,
        row_number() over (
            partition by contributions.as_of_date, contributions.user_id
            order by contributions.last_active_date desc nulls last
        ) as recency_rank,
        window_changes.trades_7d_change,
        window_changes.trade_days_7d_change,
        window_changes.fees_7d_usd_change,
        window_changes.trades_30d_change,
        window_changes.trade_days_30d_change,
        window_changes.fees_30d_usd_change,
        window_changes.trades_60d_change,
        window_changes.trade_days_60d_change,
        window_changes.fees_60d_usd_change,
        window_changes.trades_90d_change,
        window_changes.trade_days_90d_change,
        window_changes.fees_90d_usd_change,
        window_changes.trades_120d_change,
        window_changes.trade_days_120d_change,
        window_changes.fees_120d_usd_change
    from contributions
    left join window_changes
        on contributions.as_of_date = window_changes.as_of_date
        and contributions.user_id = window_changes.user_id
),

folded as (
    select
        user_id,
        coalesce(max(case when signup_at = user_signup_at then signup_partner_id end), 'unattributed') as partner_id,
        cast(min(signup_at) as date) as cohort_date,
        cast(min(kyc_at) as date) as kyc_date,
        min(ftd_date) as ftd_date,
        min(first_trade_date) as first_trade_date,
        min(first_active_date) as first_active_date,
        max(last_active_date) as last_active_date,
        -- The active day before the last: the base's own when no new day came.
        case
            when count(*) = 1 and bool_or(is_base) then max(prev_active_date)
            else max(case when recency_rank = 2 then last_active_date end)
        end as prev_active_date,
        -- And the one before that: the base's own when no new day came, the base's previous when
        -- one did (the base ranks second), else the third-latest of the new days and the base.
        case
            when count(*) = 1 and bool_or(is_base) then max(prev2_active_date)
            when bool_or(is_base and recency_rank = 2) then max(case when is_base then prev_active_date end)
            else max(case when recency_rank = 3 then last_active_date end)
        end as prev2_active_date,
        sum(deposits_usd) as deposits_usd,
        sum(withdrawals_usd) as withdrawals_usd,
        sum(trades) as trades,
        max(has_spot) as has_spot,
        max(has_futures) as has_futures,
        sum(volume_usd) as volume_usd,
        sum(fees_usd) as fees_usd,
        case
            when min(signup_at) is null then null
            else coalesce(sum(case when is_base then coalesce(fees_age_0, fees_usd) end), 0)
                + coalesce(sum(case when not is_base and date_diff('day', cast(user_signup_at as date), day) <= 0 then fees_usd end), 0)
        end as fees_age_0,
        case
            when min(signup_at) is null then null
            else coalesce(sum(case when is_base then coalesce(fees_age_1, fees_usd) end), 0)
                + coalesce(sum(case when not is_base and date_diff('day', cast(user_signup_at as date), day) <= 1 then fees_usd end), 0)
        end as fees_age_1,
        case
            when min(signup_at) is null then null
            else coalesce(sum(case when is_base then coalesce(fees_age_3, fees_usd) end), 0)
                + coalesce(sum(case when not is_base and date_diff('day', cast(user_signup_at as date), day) <= 3 then fees_usd end), 0)
        end as fees_age_3,
        case
            when min(signup_at) is null then null
            else coalesce(sum(case when is_base then coalesce(fees_age_7, fees_usd) end), 0)
                + coalesce(sum(case when not is_base and date_diff('day', cast(user_signup_at as date), day) <= 7 then fees_usd end), 0)
        end as fees_age_7,
        case
            when min(signup_at) is null then null
            else coalesce(sum(case when is_base then coalesce(fees_age_14, fees_usd) end), 0)
                + coalesce(sum(case when not is_base and date_diff('day', cast(user_signup_at as date), day) <= 14 then fees_usd end), 0)
        end as fees_age_14,
        case
            when min(signup_at) is null then null
            else coalesce(sum(case when is_base then coalesce(fees_age_30, fees_usd) end), 0)
                + coalesce(sum(case when not is_base and date_diff('day', cast(user_signup_at as date), day) <= 30 then fees_usd end), 0)
        end as fees_age_30,
        case
            when min(signup_at) is null then null
            else coalesce(sum(case when is_base then coalesce(fees_age_60, fees_usd) end), 0)
                + coalesce(sum(case when not is_base and date_diff('day', cast(user_signup_at as date), day) <= 60 then fees_usd end), 0)
        end as fees_age_60,
        case
            when min(signup_at) is null then null
            else coalesce(sum(case when is_base then coalesce(fees_age_90, fees_usd) end), 0)
                + coalesce(sum(case when not is_base and date_diff('day', cast(user_signup_at as date), day) <= 90 then fees_usd end), 0)
        end as fees_age_90,
        case
            when min(signup_at) is null then null
            else coalesce(sum(case when is_base then coalesce(fees_age_180, fees_usd) end), 0)
                + coalesce(sum(case when not is_base and date_diff('day', cast(user_signup_at as date), day) <= 180 then fees_usd end), 0)
        end as fees_age_180,
        case
            when min(signup_at) is null then null
            else coalesce(sum(case when is_base then coalesce(fees_age_365, fees_usd) end), 0)
                + coalesce(sum(case when not is_base and date_diff('day', cast(user_signup_at as date), day) <= 365 then fees_usd end), 0)
        end as fees_age_365,
        coalesce(bool_or(active_day_1), false)
            or coalesce(bool_or(not is_base and date_diff('day', cast(user_signup_at as date), day) = 1), false) as active_day_1,
        coalesce(bool_or(active_day_7), false)
            or coalesce(bool_or(not is_base and date_diff('day', cast(user_signup_at as date), day) = 7), false) as active_day_7,
        coalesce(bool_or(active_day_30), false)
            or coalesce(bool_or(not is_base and date_diff('day', cast(user_signup_at as date), day) = 30), false) as active_day_30,
        coalesce(bool_or(active_day_90), false)
            or coalesce(bool_or(not is_base and date_diff('day', cast(user_signup_at as date), day) = 90), false) as active_day_90,
        coalesce(sum(trades_7d), 0) + coalesce(max(trades_7d_change), 0) as trades_7d,
        coalesce(sum(trade_days_7d), 0) + coalesce(max(trade_days_7d_change), 0) as trade_days_7d,
        coalesce(sum(fees_7d_usd), 0) + coalesce(max(fees_7d_usd_change), 0) as fees_7d_usd,
        coalesce(sum(trades_30d), 0) + coalesce(max(trades_30d_change), 0) as trades_30d,
        coalesce(sum(trade_days_30d), 0) + coalesce(max(trade_days_30d_change), 0) as trade_days_30d,
        coalesce(sum(fees_30d_usd), 0) + coalesce(max(fees_30d_usd_change), 0) as fees_30d_usd,
        coalesce(sum(trades_60d), 0) + coalesce(max(trades_60d_change), 0) as trades_60d,
        coalesce(sum(trade_days_60d), 0) + coalesce(max(trade_days_60d_change), 0) as trade_days_60d,
        coalesce(sum(fees_60d_usd), 0) + coalesce(max(fees_60d_usd_change), 0) as fees_60d_usd,
        coalesce(sum(trades_90d), 0) + coalesce(max(trades_90d_change), 0) as trades_90d,
        coalesce(sum(trade_days_90d), 0) + coalesce(max(trade_days_90d_change), 0) as trade_days_90d,
        coalesce(sum(fees_90d_usd), 0) + coalesce(max(fees_90d_usd_change), 0) as fees_90d_usd,
        coalesce(sum(trades_120d), 0) + coalesce(max(trades_120d_change), 0) as trades_120d,
        coalesce(sum(trade_days_120d), 0) + coalesce(max(trade_days_120d_change), 0) as trade_days_120d,
        coalesce(sum(fees_120d_usd), 0) + coalesce(max(fees_120d_usd_change), 0) as fees_120d_usd,
        as_of_date as dt
    from ranked
    group by as_of_date, user_id
),

-- What the stratification reads, as of the as-of date and as of the day before (from the same
-- row: yesterday's last active day is the previous one when the user was active today).
measured as (
    select
        folded.*,
        date_diff('day', folded.cohort_date, folded.dt) as days_since_signup,
        date_diff('day', folded.last_active_date, folded.dt) as days_since_active,
        folded.deposits_usd - folded.withdrawals_usd as net_deposits,
        case when folded.first_active_date < folded.dt then 1 else 0 end as was_known,
        case when folded.cohort_date < folded.dt then date_diff('day', folded.cohort_date, folded.dt) - 1 end
            as days_since_signup_before,
        case
            when folded.last_active_date = folded.dt
                then date_diff('day', folded.prev_active_date, folded.dt) - 1
            else date_diff('day', folded.last_active_date, folded.dt) - 1
        end as days_since_active_before,
        case
            when folded.last_active_date = folded.dt
                then date_diff('day', folded.prev2_active_date, folded.dt) - 1
            else date_diff('day', folded.prev_active_date, folded.dt) - 1
        end as days_since_previous_active_before
    from folded
),

-- The segments of CONTRACT.md 3.3, kept with the state they come from: the readers of a snapshot
-- (segment summaries, audiences, the dashboard) read these small columns, not the totals.
final as (
    select
        measured.*,
        -- Stored as bands (see base): fees at ages (previous age, age], window sums beyond the shorter window.
        nullif(fees_age_0, 0) as fees_ages_0_0_usd,
        nullif(fees_age_1 - fees_age_0, 0) as fees_ages_1_1_usd,
        nullif(fees_age_3 - fees_age_1, 0) as fees_ages_2_3_usd,
        nullif(fees_age_7 - fees_age_3, 0) as fees_ages_4_7_usd,
        nullif(fees_age_14 - fees_age_7, 0) as fees_ages_8_14_usd,
        nullif(fees_age_30 - fees_age_14, 0) as fees_ages_15_30_usd,
        nullif(fees_age_60 - fees_age_30, 0) as fees_ages_31_60_usd,
        nullif(fees_age_90 - fees_age_60, 0) as fees_ages_61_90_usd,
        nullif(fees_age_180 - fees_age_90, 0) as fees_ages_91_180_usd,
        nullif(fees_age_365 - fees_age_180, 0) as fees_ages_181_365_usd,
        nullif(fees_usd - fees_age_365, 0) as fees_ages_over_365_usd,
        trades_30d - trades_7d as trades_8_30d,
        trade_days_30d - trade_days_7d as trade_days_8_30d,
        fees_30d_usd - fees_7d_usd as fees_8_30d_usd,
        trades_60d - trades_30d as trades_31_60d,
        trade_days_60d - trade_days_30d as trade_days_31_60d,
        fees_60d_usd - fees_30d_usd as fees_31_60d_usd,
        trades_90d - trades_60d as trades_61_90d,
        trade_days_90d - trade_days_60d as trade_days_61_90d,
        fees_90d_usd - fees_60d_usd as fees_61_90d_usd,
        trades_120d - trades_90d as trades_91_120d,
        trade_days_120d - trade_days_90d as trade_days_91_120d,
        fees_120d_usd - fees_90d_usd as fees_91_120d_usd,
        case
            when days_since_signup <= 6 then 'new'
            when days_since_active = 0 and date_diff('day', prev_active_date, dt) >= 30 then 'resurrected'
            when days_since_active <= 6 then 'active'
            when days_since_active <= 29 then 'at_risk'
            when days_since_active <= 89 then 'dormant'
            else 'churned'
        end as lifecycle,
        case
            when net_deposits >= 100000 then 'whale'
            when net_deposits >= 10000 then 'high'
            when net_deposits >= 1000 then 'mid'
            when net_deposits > 0 then 'low'
            else 'zero'
        end as value_tier,
        case
            when first_trade_date is not null then 'trader'
            when ftd_date is not null then 'funded'
            when kyc_date is not null then 'kyc'
            else 'registered'
        end as funnel_stage,
        case
            when cohort_date is null then 'unknown'
            when days_since_signup <= 7 then '0-7'
            when days_since_signup <= 30 then '8-30'
            when days_since_signup <= 90 then '31-90'
            when days_since_signup <= 180 then '91-180'
            else '181+'
        end as tenure_bucket,
        case
            when trades_30d = 0 then 'none'
            when trades_30d <= 4 then 'light'
            when trades_30d <= 19 then 'regular'
            else 'heavy'
        end as trade_frequency,
        case
            when has_spot = 1 and has_futures = 1 then 'both'
            when has_spot = 1 then 'spot'
            when has_futures = 1 then 'futures'
            else 'none'
        end as product_mix,
        -- The lifecycle of the day before, by the same rules, from that day's dates.
        case
            when was_known = 0 then 'none'
            when days_since_signup_before <= 6 then 'new'
            when days_since_active_before = 0 and days_since_previous_active_before >= 30 then 'resurrected'
            when days_since_active_before <= 6 then 'active'
            when days_since_active_before <= 29 then 'at_risk'
            when days_since_active_before <= 89 then 'dormant'
            else 'churned'
        end as previous_lifecycle
    from measured
)

select * from final
