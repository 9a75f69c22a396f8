-- Builds: the Tracking section of the publications for :run_date: every tracker_reconciliation
-- row of R, and for the partner `unmapped` the source key that most needs a tracker-map row (the
-- one with the most conversions of that source in the window) and how many unmapped keys the
-- window has, so the digest can say which row to add. No tracker ingested yet: no rows.
-- Grain: one row per source, partner and window (7 or 30 days) of tracker_reconciliation on R.
with

reconciliation as (
    select * from tracker_reconciliation
    where run_date = :run_date
),

-- The 30-day window holds the 7-day one, so one read of conversions serves both.
unmapped_conversions as (
    select * from tracker_conversions
    where partner_id = 'unmapped'
        and cast(occurred_at as date) between date_add('day', -29, :run_date) and :run_date
),

windows as (
    select * from (values (7), (30)) as window_lengths (window_days)
),

unmapped_conversions_by_key as (
    select
        unmapped_conversions.source,
        windows.window_days,
        unmapped_conversions.source_key,
        count(*) as conversions
    from unmapped_conversions
    cross join windows
    where cast(unmapped_conversions.occurred_at as date)
        >= date_add('day', 1 - windows.window_days, :run_date)
    group by
        unmapped_conversions.source,
        windows.window_days,
        unmapped_conversions.source_key
),

ranked_unmapped_keys as (
    select
        source,
        window_days,
        source_key,
        -- Ties go to the first key in text order, so the digest names the same key on both engines.
        row_number() over (
            partition by source, window_days
            order by conversions desc, source_key
        ) as key_rank,
        count(*) over (partition by source, window_days) as unmapped_source_keys
    from unmapped_conversions_by_key
),

top_unmapped_keys as (
    select
        source,
        window_days,
        source_key as top_unmapped_source_key,
        unmapped_source_keys
    from ranked_unmapped_keys
    where key_rank = 1
),

final as (
    select
        reconciliation.source,
        reconciliation.partner_id,
        reconciliation.window_days,
        reconciliation.tracker_signups,
        reconciliation.platform_signups,
        reconciliation.matched_users,
        reconciliation.tracker_only_users,
        reconciliation.platform_only_users,
        reconciliation.conflicting_users,
        reconciliation.tracker_ftds,
        reconciliation.platform_ftds,
        reconciliation.payout_usd,
        reconciliation.signup_gap_rate,
        reconciliation.status,
        top_unmapped_keys.top_unmapped_source_key,
        coalesce(top_unmapped_keys.unmapped_source_keys, 0) as unmapped_source_keys
    from reconciliation
    left join top_unmapped_keys
        on reconciliation.partner_id = 'unmapped'
        and reconciliation.source = top_unmapped_keys.source
        and reconciliation.window_days = top_unmapped_keys.window_days
)

select * from final
