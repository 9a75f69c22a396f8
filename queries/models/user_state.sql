-- Builds: `user_state` as of each of :as_of_dates, from the state as of :base_date (empty when
-- there is none) and the `user_daily` days after it, up to each date. A daily run folds one day
-- into yesterday's state; a run that late data sends back several days folds every restated date
-- in the same query. The new days up to each as-of date are ranked and grouped per user into
-- what they add (`additions`); the base's row of every user is then joined with them, one row per
-- user and as-of date. So the ranking and grouping cost the new days' rows, and the base (most
-- users, most of them without a new day) only a join: on the 360-day bench lake the fold's write
-- took 1.55 s instead of 3.0 s when it stacked the base's rows with the new days' and grouped them
-- all. The base state is read once in full, and once more for two columns (its cohort dates, for
-- the new days' ages; Trino scans a WITH query at each reference).
-- The trailing-window sums (trades, trading days and fees in the last 7, 30, 60, 90 and 120 days)
-- move with the as-of date: the base's sums, plus the days entering each window (the new days),
-- minus the days leaving it. A daily run so reads the new day and the five days that left a window,
-- not the windows' 120 days; the marts and the value model read the sums instead of user_daily.
-- Fees by age and the window sums are stored as bands, and the fold moves the bands themselves: a
-- new day's fees go into its age band (`additions`), and a day that leaves a window moves from one
-- window band to the next (`window_changes`). Signup and KYC times are not stored at all
-- (user_milestones keeps them): the fold reads and rewrites every stored column. Trading volume
-- (GMV) moves the same way, in the age bands up to 365 days and the 7 and 30-day window bands.
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
-- a user past the band, so they compress to little).
base as (
    select
        base_state.*,
        -- The state keeps signup and KYC dates, not times (those are in user_milestones). The base's
        -- precede every new day's, so midnight of their date orders them as well as their time.
        cast(base_state.cohort_date as timestamp) as signup_at,
        cast(base_state.kyc_date as timestamp) as kyc_at,
        -- Whether the user ever traded each product: what product_mix says, so the state needs no counts.
        case when base_state.product_mix in ('spot', 'both') then 1 else 0 end as has_spot,
        case when base_state.product_mix in ('futures', 'both') then 1 else 0 end as has_futures
    from base_state
),

new_days as (
    select * from user_daily
    where dt > :base_date
        and dt <= :last_date
),

-- The days that leave a trailing window: for an N-day window, the days N days before the new
-- days, listed by the run (for a build from scratch, every day at least 7 days before the last).
leaving_days as (
    select * from user_daily
    where dt in (:leaving_dates)
),

-- The new days enter every window; the leaving days leave one. A day can be both (in a fold over
-- more than 7 days), so each source's rows are weighed apart.
window_day_rows as (
    select dt, user_id, trades, fees_usd, volume_usd, true as is_new from new_days
    union all
    select dt, user_id, trades, fees_usd, volume_usd, false as is_new from leaving_days
),

window_day_weights as (
    select
        as_of.as_of_date,
        window_day_rows.user_id,
        window_day_rows.trades,
        case when window_day_rows.trades > 0 then 1 else 0 end as trade_day,
        window_day_rows.fees_usd,
        window_day_rows.volume_usd,
        case
            when window_day_rows.is_new and window_day_rows.dt <= as_of.as_of_date then 1
            else 0
        end as is_entering,
        case
            when not window_day_rows.is_new
                and window_day_rows.dt > date_add('day', -7, :base_date)
                and window_day_rows.dt <= date_add('day', -7, as_of.as_of_date)
                then 1
            else 0
        end as is_leaving_7d,
        case
            when not window_day_rows.is_new
                and window_day_rows.dt > date_add('day', -30, :base_date)
                and window_day_rows.dt <= date_add('day', -30, as_of.as_of_date)
                then 1
            else 0
        end as is_leaving_30d,
        case
            when not window_day_rows.is_new
                and window_day_rows.dt > date_add('day', -60, :base_date)
                and window_day_rows.dt <= date_add('day', -60, as_of.as_of_date)
                then 1
            else 0
        end as is_leaving_60d,
        case
            when not window_day_rows.is_new
                and window_day_rows.dt > date_add('day', -90, :base_date)
                and window_day_rows.dt <= date_add('day', -90, as_of.as_of_date)
                then 1
            else 0
        end as is_leaving_90d,
        case
            when not window_day_rows.is_new
                and window_day_rows.dt > date_add('day', -120, :base_date)
                and window_day_rows.dt <= date_add('day', -120, as_of.as_of_date)
                then 1
            else 0
        end as is_leaving_120d
    from window_day_rows
    cross join as_of
),

-- Per user and as-of date: how much each trailing-window band moved since the base. A new day
-- enters the 7-day band; a day leaving the N-day window leaves its band for the next one (or, past
-- 120 days, every band).
window_changes as (
    select
        as_of_date,
        user_id,
        sum(trades * (is_entering - is_leaving_7d)) as trades_7d_change,
        sum(trade_day * (is_entering - is_leaving_7d)) as trade_days_7d_change,
        sum(fees_usd * (is_entering - is_leaving_7d)) as fees_7d_usd_change,
        sum(trades * (is_leaving_7d - is_leaving_30d)) as trades_8_30d_change,
        sum(trade_day * (is_leaving_7d - is_leaving_30d)) as trade_days_8_30d_change,
        sum(fees_usd * (is_leaving_7d - is_leaving_30d)) as fees_8_30d_usd_change,
        sum(trades * (is_leaving_30d - is_leaving_60d)) as trades_31_60d_change,
        sum(trade_day * (is_leaving_30d - is_leaving_60d)) as trade_days_31_60d_change,
        sum(fees_usd * (is_leaving_30d - is_leaving_60d)) as fees_31_60d_usd_change,
        sum(trades * (is_leaving_60d - is_leaving_90d)) as trades_61_90d_change,
        sum(trade_day * (is_leaving_60d - is_leaving_90d)) as trade_days_61_90d_change,
        sum(fees_usd * (is_leaving_60d - is_leaving_90d)) as fees_61_90d_usd_change,
        sum(trades * (is_leaving_90d - is_leaving_120d)) as trades_91_120d_change,
        sum(trade_day * (is_leaving_90d - is_leaving_120d)) as trade_days_91_120d_change,
        sum(fees_usd * (is_leaving_90d - is_leaving_120d)) as fees_91_120d_usd_change,
        -- Volume (GMV) is kept for the 7 and 30-day windows only: partner_performance's.
        sum(volume_usd * (is_entering - is_leaving_7d)) as volume_7d_usd_change,
        sum(volume_usd * (is_leaving_7d - is_leaving_30d)) as volume_8_30d_usd_change
    from window_day_weights
    group by as_of_date, user_id
),

-- The cohort date of each user the base has one for: a new day's fees count at their age from it
-- (a base's signup precedes every new day's).
base_cohorts as (
    select user_id, cohort_date from base_state
    where cohort_date is not null
),

-- Each new day of a user up to each as-of date, ranked from the latest, with the earliest signup of
-- those days and the day's age from the user's signup date.
new_day_rows as (
    select
        as_of.as_of_date,
        new_days.*,
        row_number() over (
            partition by as_of.as_of_date, new_days.user_id
            order by new_days.dt desc
        ) as recency_rank,
        min(new_days.first_signup_at) over (
            partition by as_of.as_of_date, new_days.user_id
        ) as new_signup_at
    from new_days
    inner join as_of
        on new_days.dt <= as_of.as_of_date
),

new_day_ages as (
    select
        new_day_rows.*,
        date_diff(
            'day',
            coalesce(base_cohorts.cohort_date, cast(new_day_rows.new_signup_at as date)),
            new_day_rows.dt
        ) as age_days
    from new_day_rows
    left join base_cohorts
        on new_day_rows.user_id = base_cohorts.user_id
),

-- Per user and as-of date: what the new days up to it add. Only users with a new day are here, so
-- the ranking and grouping above cost the new days' rows, not the base's.
additions as (
    select
        as_of_date,
        user_id,
        min(first_signup_at) as signup_at,
        max(
            case when first_signup_at = new_signup_at then coalesce(first_signup_partner_id, 'organic') end
        ) as signup_partner_id,
        min(first_kyc_at) as kyc_at,
        min(cast(first_funded_deposit_at as date)) as ftd_date,
        min(case when trades > 0 then dt end) as first_trade_date,
        min(dt) as first_active_date,
        max(dt) as last_active_date,
        max(case when recency_rank = 2 then dt end) as second_active_date,
        max(case when recency_rank = 3 then dt end) as third_active_date,
        count(*) as active_days,
        sum(deposits_usd) as deposits_usd,
        sum(withdrawals_usd) as withdrawals_usd,
        sum(trades) as trades,
        max(case when spot_trades > 0 then 1 else 0 end) as has_spot,
        max(case when futures_trades > 0 then 1 else 0 end) as has_futures,
        sum(volume_usd) as volume_usd,
        sum(fees_usd) as fees_usd,
        -- The new days' fees by age band (a day before the signup date counts at age 0).
        sum(case when age_days <= 0 then fees_usd end) as fees_ages_0_0_usd,
        sum(case when age_days = 1 then fees_usd end) as fees_ages_1_1_usd,
        sum(case when age_days between 2 and 3 then fees_usd end) as fees_ages_2_3_usd,
        sum(case when age_days between 4 and 7 then fees_usd end) as fees_ages_4_7_usd,
        sum(case when age_days between 8 and 14 then fees_usd end) as fees_ages_8_14_usd,
        sum(case when age_days between 15 and 30 then fees_usd end) as fees_ages_15_30_usd,
        sum(case when age_days between 31 and 60 then fees_usd end) as fees_ages_31_60_usd,
        sum(case when age_days between 61 and 90 then fees_usd end) as fees_ages_61_90_usd,
        sum(case when age_days between 91 and 180 then fees_usd end) as fees_ages_91_180_usd,
        sum(case when age_days between 181 and 365 then fees_usd end) as fees_ages_181_365_usd,
        sum(case when age_days > 365 then fees_usd end) as fees_ages_over_365_usd,
        -- The new days' volume (GMV) by the same age bands, up to 365 days: cohort_ltv's ages.
        sum(case when age_days <= 0 then volume_usd end) as volume_ages_0_0_usd,
        sum(case when age_days = 1 then volume_usd end) as volume_ages_1_1_usd,
        sum(case when age_days between 2 and 3 then volume_usd end) as volume_ages_2_3_usd,
        sum(case when age_days between 4 and 7 then volume_usd end) as volume_ages_4_7_usd,
        sum(case when age_days between 8 and 14 then volume_usd end) as volume_ages_8_14_usd,
        sum(case when age_days between 15 and 30 then volume_usd end) as volume_ages_15_30_usd,
        sum(case when age_days between 31 and 60 then volume_usd end) as volume_ages_31_60_usd,
        sum(case when age_days between 61 and 90 then volume_usd end) as volume_ages_61_90_usd,
        sum(case when age_days between 91 and 180 then volume_usd end) as volume_ages_91_180_usd,
        sum(case when age_days between 181 and 365 then volume_usd end) as volume_ages_181_365_usd,
        bool_or(age_days = 1) as active_day_1,
        bool_or(age_days = 7) as active_day_7,
        bool_or(age_days = 30) as active_day_30,
        bool_or(age_days = 90) as active_day_90
    from new_day_ages
    group by as_of_date, user_id
),

base_rows as (
    select as_of.as_of_date, base.*
    from base
    cross join as_of
),

-- Every user of the base on each as-of date, and every user with a new day up to it: the base's
-- values combined with the additions. The new days come after the base's, so the earliest of a
-- date is the base's when it has one, the latest the new days'.
folded as (
    select
        coalesce(base_rows.user_id, additions.user_id) as user_id,
        coalesce(
            case when base_rows.signup_at is not null then base_rows.partner_id end,
            additions.signup_partner_id,
            'unattributed'
        ) as partner_id,
        cast(coalesce(base_rows.signup_at, additions.signup_at) as date) as cohort_date,
        cast(coalesce(base_rows.kyc_at, additions.kyc_at) as date) as kyc_date,
        coalesce(base_rows.ftd_date, additions.ftd_date) as ftd_date,
        coalesce(base_rows.first_trade_date, additions.first_trade_date) as first_trade_date,
        coalesce(base_rows.first_active_date, additions.first_active_date) as first_active_date,
        coalesce(additions.last_active_date, base_rows.last_active_date) as last_active_date,
        -- The active day before the last: the base's own when no new day came, else the second of
        -- the new days, else the base's last.
        case
            when additions.user_id is null then base_rows.prev_active_date
            when additions.active_days >= 2 then additions.second_active_date
            else base_rows.last_active_date
        end as prev_active_date,
        -- And the one before that, the same way.
        case
            when additions.user_id is null then base_rows.prev2_active_date
            when additions.active_days >= 3 then additions.third_active_date
            when additions.active_days = 2 then base_rows.last_active_date
            else base_rows.prev_active_date
        end as prev2_active_date,
        coalesce(base_rows.deposits_usd + additions.deposits_usd, base_rows.deposits_usd, additions.deposits_usd) as deposits_usd,
        coalesce(base_rows.withdrawals_usd + additions.withdrawals_usd, base_rows.withdrawals_usd, additions.withdrawals_usd) as withdrawals_usd,
        coalesce(base_rows.trades + additions.trades, base_rows.trades, additions.trades) as trades,
        greatest(coalesce(base_rows.has_spot, 0), coalesce(additions.has_spot, 0)) as has_spot,
        greatest(coalesce(base_rows.has_futures, 0), coalesce(additions.has_futures, 0)) as has_futures,
        coalesce(base_rows.volume_usd + additions.volume_usd, base_rows.volume_usd, additions.volume_usd) as volume_usd,
        coalesce(base_rows.fees_usd + additions.fees_usd, base_rows.fees_usd, additions.fees_usd) as fees_usd,
        -- Each age band: the base's and the new days', null when empty (so always without a cohort:
        -- neither has a band then). Without a base cohort, every fee the base has came before the
        -- signup: counted at age 0 once there is a signup.
        nullif(
            coalesce(base_rows.fees_ages_0_0_usd, 0) + coalesce(additions.fees_ages_0_0_usd, 0)
                + case
                    when base_rows.cohort_date is null and additions.signup_at is not null
                        then coalesce(base_rows.fees_usd, 0)
                    else 0
                end,
            0
        ) as fees_ages_0_0_usd,
        nullif(coalesce(base_rows.fees_ages_1_1_usd, 0) + coalesce(additions.fees_ages_1_1_usd, 0), 0) as fees_ages_1_1_usd,
        nullif(coalesce(base_rows.fees_ages_2_3_usd, 0) + coalesce(additions.fees_ages_2_3_usd, 0), 0) as fees_ages_2_3_usd,
        nullif(coalesce(base_rows.fees_ages_4_7_usd, 0) + coalesce(additions.fees_ages_4_7_usd, 0), 0) as fees_ages_4_7_usd,
        nullif(coalesce(base_rows.fees_ages_8_14_usd, 0) + coalesce(additions.fees_ages_8_14_usd, 0), 0) as fees_ages_8_14_usd,
        nullif(coalesce(base_rows.fees_ages_15_30_usd, 0) + coalesce(additions.fees_ages_15_30_usd, 0), 0) as fees_ages_15_30_usd,
        nullif(coalesce(base_rows.fees_ages_31_60_usd, 0) + coalesce(additions.fees_ages_31_60_usd, 0), 0) as fees_ages_31_60_usd,
        nullif(coalesce(base_rows.fees_ages_61_90_usd, 0) + coalesce(additions.fees_ages_61_90_usd, 0), 0) as fees_ages_61_90_usd,
        nullif(coalesce(base_rows.fees_ages_91_180_usd, 0) + coalesce(additions.fees_ages_91_180_usd, 0), 0) as fees_ages_91_180_usd,
        nullif(coalesce(base_rows.fees_ages_181_365_usd, 0) + coalesce(additions.fees_ages_181_365_usd, 0), 0) as fees_ages_181_365_usd,
        nullif(coalesce(base_rows.fees_ages_over_365_usd, 0) + coalesce(additions.fees_ages_over_365_usd, 0), 0) as fees_ages_over_365_usd,
        -- The volume age bands, the same way.
        nullif(
            coalesce(base_rows.volume_ages_0_0_usd, 0) + coalesce(additions.volume_ages_0_0_usd, 0)
                + case
                    when base_rows.cohort_date is null and additions.signup_at is not null
                        then coalesce(base_rows.volume_usd, 0)
                    else 0
                end,
            0
        ) as volume_ages_0_0_usd,
        nullif(coalesce(base_rows.volume_ages_1_1_usd, 0) + coalesce(additions.volume_ages_1_1_usd, 0), 0) as volume_ages_1_1_usd,
        nullif(coalesce(base_rows.volume_ages_2_3_usd, 0) + coalesce(additions.volume_ages_2_3_usd, 0), 0) as volume_ages_2_3_usd,
        nullif(coalesce(base_rows.volume_ages_4_7_usd, 0) + coalesce(additions.volume_ages_4_7_usd, 0), 0) as volume_ages_4_7_usd,
        nullif(coalesce(base_rows.volume_ages_8_14_usd, 0) + coalesce(additions.volume_ages_8_14_usd, 0), 0) as volume_ages_8_14_usd,
        nullif(coalesce(base_rows.volume_ages_15_30_usd, 0) + coalesce(additions.volume_ages_15_30_usd, 0), 0) as volume_ages_15_30_usd,
        nullif(coalesce(base_rows.volume_ages_31_60_usd, 0) + coalesce(additions.volume_ages_31_60_usd, 0), 0) as volume_ages_31_60_usd,
        nullif(coalesce(base_rows.volume_ages_61_90_usd, 0) + coalesce(additions.volume_ages_61_90_usd, 0), 0) as volume_ages_61_90_usd,
        nullif(coalesce(base_rows.volume_ages_91_180_usd, 0) + coalesce(additions.volume_ages_91_180_usd, 0), 0) as volume_ages_91_180_usd,
        nullif(coalesce(base_rows.volume_ages_181_365_usd, 0) + coalesce(additions.volume_ages_181_365_usd, 0), 0) as volume_ages_181_365_usd,
        coalesce(base_rows.active_day_1, false) or coalesce(additions.active_day_1, false) as active_day_1,
        coalesce(base_rows.active_day_7, false) or coalesce(additions.active_day_7, false) as active_day_7,
        coalesce(base_rows.active_day_30, false) or coalesce(additions.active_day_30, false) as active_day_30,
        coalesce(base_rows.active_day_90, false) or coalesce(additions.active_day_90, false) as active_day_90,
        coalesce(base_rows.trades_7d, 0) + coalesce(window_changes.trades_7d_change, 0) as trades_7d,
        coalesce(base_rows.trade_days_7d, 0) + coalesce(window_changes.trade_days_7d_change, 0) as trade_days_7d,
        coalesce(base_rows.fees_7d_usd, 0) + coalesce(window_changes.fees_7d_usd_change, 0) as fees_7d_usd,
        coalesce(base_rows.trades_8_30d, 0) + coalesce(window_changes.trades_8_30d_change, 0) as trades_8_30d,
        coalesce(base_rows.trade_days_8_30d, 0) + coalesce(window_changes.trade_days_8_30d_change, 0) as trade_days_8_30d,
        coalesce(base_rows.fees_8_30d_usd, 0) + coalesce(window_changes.fees_8_30d_usd_change, 0) as fees_8_30d_usd,
        coalesce(base_rows.trades_31_60d, 0) + coalesce(window_changes.trades_31_60d_change, 0) as trades_31_60d,
        coalesce(base_rows.trade_days_31_60d, 0) + coalesce(window_changes.trade_days_31_60d_change, 0) as trade_days_31_60d,
        coalesce(base_rows.fees_31_60d_usd, 0) + coalesce(window_changes.fees_31_60d_usd_change, 0) as fees_31_60d_usd,
        coalesce(base_rows.trades_61_90d, 0) + coalesce(window_changes.trades_61_90d_change, 0) as trades_61_90d,
        coalesce(base_rows.trade_days_61_90d, 0) + coalesce(window_changes.trade_days_61_90d_change, 0) as trade_days_61_90d,
        coalesce(base_rows.fees_61_90d_usd, 0) + coalesce(window_changes.fees_61_90d_usd_change, 0) as fees_61_90d_usd,
        coalesce(base_rows.trades_91_120d, 0) + coalesce(window_changes.trades_91_120d_change, 0) as trades_91_120d,
        coalesce(base_rows.trade_days_91_120d, 0) + coalesce(window_changes.trade_days_91_120d_change, 0) as trade_days_91_120d,
        coalesce(base_rows.fees_91_120d_usd, 0) + coalesce(window_changes.fees_91_120d_usd_change, 0) as fees_91_120d_usd,
        coalesce(base_rows.volume_7d_usd, 0) + coalesce(window_changes.volume_7d_usd_change, 0) as volume_7d_usd,
        coalesce(base_rows.volume_8_30d_usd, 0) + coalesce(window_changes.volume_8_30d_usd_change, 0) as volume_8_30d_usd,
        coalesce(base_rows.as_of_date, additions.as_of_date) as dt
    from base_rows
    full outer join additions
        on base_rows.as_of_date = additions.as_of_date
        and base_rows.user_id = additions.user_id
    left join window_changes
        on coalesce(base_rows.as_of_date, additions.as_of_date) = window_changes.as_of_date
        and coalesce(base_rows.user_id, additions.user_id) = window_changes.user_id
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

-- The segments (docs/contract.md, user_segments), kept with the state they come from: the readers of a snapshot
-- (segment summaries, audiences, the dashboard) read these small columns, not the totals.
final as (
    select
        measured.*,
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
            when trades_7d + trades_8_30d = 0 then 'none'
            when trades_7d + trades_8_30d <= 4 then 'light'
            when trades_7d + trades_8_30d <= 19 then 'regular'
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
