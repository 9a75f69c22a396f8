-- Builds: the `tracker_reconciliation` partitions of the run dates :run_dates (docs/contract.md,
-- Tracking tools): for each source and each partner it tracked (a conversion dated on or before
-- the run date R, after mapping), over W = [R - window_days + 1, R], the sign-ups and first
-- deposits the tracker reports against those the platform attributes to the partner. The platform
-- side comes from the state as of each R (:dates), never from raw events.
-- Grain: one row per run date, source, partner and window (7 or 30 days ending on the run date).
with

run_dates as (
    select run_date from :run_dates
),

run_states as (
    select * from user_state
    where dt in (:dates)
),

conversions as (
    select * from tracker_conversions
),

windows as (
    select window_days from (values (7), (30)) as window_lengths (window_days)
),

dated_conversions as (
    select
        source,
        partner_id,
        step,
        user_id,
        state,
        payout_usd,
        cast(occurred_at as date) as conversion_date
    from conversions
),

tracked_partners as (
    select distinct
        run_dates.run_date,
        dated_conversions.source,
        dated_conversions.partner_id
    from dated_conversions
    inner join run_dates
        on dated_conversions.conversion_date <= run_dates.run_date
),

report_windows as (
    select
        run_dates.run_date,
        windows.window_days,
        date_add('day', 1 - windows.window_days, run_dates.run_date) as window_start
    from run_dates
    cross join windows
),

report_rows as (
    select
        tracked_partners.run_date,
        tracked_partners.source,
        tracked_partners.partner_id,
        report_windows.window_days,
        report_windows.window_start
    from tracked_partners
    inner join report_windows
        on tracked_partners.run_date = report_windows.run_date
),

window_conversions as (
    select
        report_rows.run_date,
        report_rows.source,
        report_rows.partner_id,
        report_rows.window_days,
        report_rows.window_start,
        dated_conversions.step,
        dated_conversions.user_id,
        dated_conversions.state,
        dated_conversions.payout_usd
    from report_rows
    inner join dated_conversions
        on report_rows.source = dated_conversions.source
        and report_rows.partner_id = dated_conversions.partner_id
        and dated_conversions.conversion_date between report_rows.window_start and report_rows.run_date
),

-- A user counts once per step however many conversions the tracker reported for them.
tracker_users as (
    select distinct
        run_date,
        source,
        partner_id,
        window_days,
        window_start,
        step,
        user_id
    from window_conversions
    where step in ('signup', 'ftd')
        and user_id is not null
),

tracker_counts as (
    select
        run_date,
        source,
        partner_id,
        window_days,
        sum(case when step = 'signup' then 1 else 0 end) as tracker_signups,
        sum(case when step = 'ftd' then 1 else 0 end) as tracker_ftds
    from tracker_users
    group by run_date, source, partner_id, window_days
),

-- Each tracked sign-up against the platform's attribution of the same user as of R: matched when
-- the platform attributes them to this partner with a cohort date in W; conflicting when it
-- attributes them to another partner (not organic, not unattributed).
signup_matches as (
    select
        tracker_users.run_date,
        tracker_users.source,
        tracker_users.partner_id,
        tracker_users.window_days,
        sum(
            case
                when run_states.partner_id = tracker_users.partner_id
                    and run_states.cohort_date between tracker_users.window_start and tracker_users.run_date
                    then 1
                else 0
            end
        ) as matched_users,
        sum(
            case
                when run_states.partner_id <> tracker_users.partner_id
                    and run_states.partner_id not in ('organic', 'unattributed')
                    then 1
                else 0
            end
        ) as conflicting_users
    from tracker_users
    left join run_states
        on tracker_users.run_date = run_states.dt
        and tracker_users.user_id = run_states.user_id
    where tracker_users.step = 'signup'
    group by tracker_users.run_date, tracker_users.source, tracker_users.partner_id, tracker_users.window_days
),

platform_counts as (
    select
        report_windows.run_date,
        report_windows.window_days,
        run_states.partner_id,
        sum(
            case when run_states.cohort_date between report_windows.window_start and report_windows.run_date then 1 else 0 end
        ) as platform_signups,
        sum(
            case when run_states.ftd_date between report_windows.window_start and report_windows.run_date then 1 else 0 end
        ) as platform_ftds
    from run_states
    inner join report_windows
        on run_states.dt = report_windows.run_date
    group by report_windows.run_date, report_windows.window_days, run_states.partner_id
),

payouts as (
    select
        run_date,
        source,
        partner_id,
        window_days,
        sum(payout_usd) as payout_usd
    from window_conversions
    where state <> 'REVERSED'
    group by run_date, source, partner_id, window_days
),

counted as (
    select
        report_rows.run_date,
        report_rows.source,
        report_rows.partner_id,
        report_rows.window_days,
        coalesce(tracker_counts.tracker_signups, 0) as tracker_signups,
        coalesce(platform_counts.platform_signups, 0) as platform_signups,
        coalesce(signup_matches.matched_users, 0) as matched_users,
        coalesce(signup_matches.conflicting_users, 0) as conflicting_users,
        coalesce(tracker_counts.tracker_ftds, 0) as tracker_ftds,
        coalesce(platform_counts.platform_ftds, 0) as platform_ftds,
        case when report_rows.source = 'impact' then coalesce(payouts.payout_usd, 0) end as payout_usd
    from report_rows
    left join tracker_counts
        on report_rows.run_date = tracker_counts.run_date
        and report_rows.source = tracker_counts.source
        and report_rows.partner_id = tracker_counts.partner_id
        and report_rows.window_days = tracker_counts.window_days
    left join signup_matches
        on report_rows.run_date = signup_matches.run_date
        and report_rows.source = signup_matches.source
        and report_rows.partner_id = signup_matches.partner_id
        and report_rows.window_days = signup_matches.window_days
    left join platform_counts
        on report_rows.run_date = platform_counts.run_date
        and report_rows.partner_id = platform_counts.partner_id
        and report_rows.window_days = platform_counts.window_days
    left join payouts
        on report_rows.run_date = payouts.run_date
        and report_rows.source = payouts.source
        and report_rows.partner_id = payouts.partner_id
        and report_rows.window_days = payouts.window_days
),

gaps as (
    select
        *,
        case
            when platform_signups = 0 then cast(null as double)
            else cast(tracker_signups - platform_signups as double) / platform_signups
        end as signup_gap_rate
    from counted
),

final as (
    select
        source,
        partner_id,
        cast(window_days as bigint) as window_days,
        cast(tracker_signups as bigint) as tracker_signups,
        cast(platform_signups as bigint) as platform_signups,
        cast(matched_users as bigint) as matched_users,
        cast(tracker_signups - matched_users as bigint) as tracker_only_users,
        cast(platform_signups - matched_users as bigint) as platform_only_users,
        cast(conflicting_users as bigint) as conflicting_users,
        cast(tracker_ftds as bigint) as tracker_ftds,
        cast(platform_ftds as bigint) as platform_ftds,
        cast(payout_usd as double) as payout_usd,
        signup_gap_rate,
        case
            when (tracker_signups = 0 and platform_signups >= 5)
                or (platform_signups = 0 and tracker_signups >= 5)
                then 'broken'
            when abs(signup_gap_rate) > 0.10 then 'warn'
            else 'ok'
        end as status,
        run_date
    from gaps
)

select * from final
