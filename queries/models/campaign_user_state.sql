-- Builds: `campaign_user_state` as of each of :as_of_dates, from the state as of :base_date (empty
-- when there is none: a build from scratch) and what came after it, up to each date. A user's first
-- exposure has the earliest assigned_at, so their arm, assigned_date and pre-window never change once
-- they are in the state; a fold only adds the users first exposed after the base, the base users'
-- switches after it, and the new days of the outcome windows still open. So a daily run reads the
-- exposures of R, the user_daily of R joined with the users whose window is open, and, for the users
-- first exposed on R only, user_daily over their pre-window (:pre_from is the earliest date any of
-- them can need: 90 days before the first new date at most, :last_date itself when no exposure came,
-- so nothing is read). A run that late data sends back several days folds every restated date in the
-- same statement, as user_state does: the base, the new exposures and the new days are read once,
-- and each as-of date keeps what is dated on or before it (a user's first exposure, their switch,
-- the outcome days; the pre-window of a user in the state is complete, since it ends before their
-- exposure). A build from scratch reads user_daily from the first exposure's date on (:days_from).
-- kyc and ftd are not folded: the results read them from user_state, which keeps both dates.
-- Grain: one row per campaign and user whose first exposure is dated on or before each as-of date.
with

as_of as (
    select as_of_date from :as_of_dates
),

base_state as (
    select * from campaign_user_state
    where dt = :base_date
),

-- The exposures after the base (:exposures_from is the day after it), or, for a top-up of the
-- base's own date (:exposures_from = :base_date), that date's as well: its users already in the
-- base stay as they are, and only those not in it yet are added.
new_exposures as (
    select * from exposures
    where dt >= :exposures_from
        and dt <= :last_date
),

campaign_registry as (
    select * from campaigns
),

-- The days after the base (for a build from scratch, from the first exposure on).
new_days as (
    select * from user_daily
    where dt >= :days_from
        and dt <= :last_date
),

pre_window_days as (
    select * from user_daily
    where dt >= :pre_from
        and dt < :last_date
),

-- The windows of each campaign measured: the registry's, and the playbook defaults for a playbook
-- campaign the registry lacks. A campaign in neither gets no rows (docs/contract.md: results appear
-- once it is registered; registering it changes the state's fingerprint, so the run rebuilds).
campaign_windows as (
    select
        campaign_id,
        window_days,
        pre_days
    from campaign_registry
    union all
    select distinct
        new_exposures.campaign_id,
        :playbook_window_days as window_days,
        :playbook_pre_days as pre_days
    from new_exposures
    left join campaign_registry
        on new_exposures.campaign_id = campaign_registry.campaign_id
    where campaign_registry.campaign_id is null
        and starts_with(new_exposures.campaign_id, 'playbook:')
),

-- Every new exposure row ranked per campaign and user: the earliest assigned_at first, on a tie the
-- row ingested first (its file's ingested_at, then its line; exposures carries both).
ranked_exposures as (
    select
        new_exposures.campaign_id,
        new_exposures.user_id,
        new_exposures.arm,
        new_exposures.dt,
        row_number() over (
            partition by new_exposures.campaign_id, new_exposures.user_id
            order by
                new_exposures.assigned_at,
                new_exposures.ingested_at,
                new_exposures.source_line,
                new_exposures.ingest_id
        ) as exposure_rank
    from new_exposures
),

-- Who the base knows and in which arm and window: a few small columns of it, which the joins below
-- read apart from the full rows (Trino scans a WITH query at each reference).
base_keys as (
    select campaign_id, user_id, arm, assigned_date, window_days from base_state
),

-- The users first exposed after the base: their first row is new, and the base does not know them
-- (every user with an exposure dated on or before the base date is in the base).
new_users as (
    select
        ranked_exposures.campaign_id,
        ranked_exposures.user_id,
        ranked_exposures.arm,
        ranked_exposures.dt as assigned_date,
        campaign_windows.window_days,
        campaign_windows.pre_days
    from ranked_exposures
    inner join campaign_windows
        on ranked_exposures.campaign_id = campaign_windows.campaign_id
    left join base_keys
        on ranked_exposures.campaign_id = base_keys.campaign_id
        and ranked_exposures.user_id = base_keys.user_id
    where ranked_exposures.exposure_rank = 1
        and base_keys.user_id is null
),

-- Every user of the state, base and new, by the small columns the switches and windows need.
assigned_keys as (
    select campaign_id, user_id, arm, assigned_date, window_days, false as is_new from base_keys
    union all
    select campaign_id, user_id, arm, assigned_date, window_days, true as is_new from new_users
),

-- Every user of the state as of each as-of date: the base's rows as they are, and the new users
-- first exposed on or before it, with nothing measured yet.
assigned as (
    select
        as_of.as_of_date,
        base_state.campaign_id,
        base_state.user_id,
        base_state.arm,
        base_state.assigned_date,
        base_state.switched_date,
        base_state.window_days,
        base_state.pre_days,
        base_state.active_days_outcome,
        base_state.active_days_pre,
        base_state.has_traded_outcome,
        base_state.has_traded_pre,
        base_state.deposits_outcome_usd,
        base_state.deposits_pre_usd,
        base_state.fees_outcome_usd,
        base_state.fees_pre_usd
    from base_state
    cross join as_of
    union all
    select
        as_of.as_of_date,
        new_users.campaign_id,
        new_users.user_id,
        new_users.arm,
        new_users.assigned_date,
        cast(null as date) as switched_date,
        new_users.window_days,
        new_users.pre_days,
        cast(null as bigint) as active_days_outcome,
        cast(null as bigint) as active_days_pre,
        cast(null as boolean) as has_traded_outcome,
        cast(null as boolean) as has_traded_pre,
        cast(null as decimal(38, 9)) as deposits_outcome_usd,
        cast(null as decimal(38, 9)) as deposits_pre_usd,
        cast(null as decimal(38, 9)) as fees_outcome_usd,
        cast(null as decimal(38, 9)) as fees_pre_usd
    from new_users
    inner join as_of
        on new_users.assigned_date <= as_of.as_of_date
),

-- The earliest new exposure in the other arm, per user (a base user's earlier switch wins below);
-- an as-of date before it sees no switch.
new_switches as (
    select
        assigned_keys.campaign_id,
        assigned_keys.user_id,
        min(new_exposures.dt) as switched_date
    from assigned_keys
    inner join new_exposures
        on assigned_keys.campaign_id = new_exposures.campaign_id
        and assigned_keys.user_id = new_exposures.user_id
        and assigned_keys.arm <> new_exposures.arm
    group by assigned_keys.campaign_id, assigned_keys.user_id
),

-- The users whose outcome window still takes days: the base's whose window goes past the base
-- date, and every new user.
open_windows as (
    select * from assigned_keys
    where is_new
        or date_add('day', window_days - 1, assigned_date) > :base_date
),

-- Each user_daily day that enters a window: the new days of the open outcome windows, and the
-- pre-window days of the new users (read once: a pre-window ends before the exposure, so it never
-- changes). `counted_from` is the first as-of date that counts the row: the outcome day's date, or
-- for a pre-window day the exposure's.
window_day_rows as (
    select
        open_windows.campaign_id,
        open_windows.user_id,
        true as is_outcome,
        new_days.dt as counted_from,
        new_days.events,
        new_days.trades,
        new_days.deposits_usd,
        new_days.fees_usd
    from open_windows
    inner join new_days
        on open_windows.user_id = new_days.user_id
        and new_days.dt >= open_windows.assigned_date
        -- A base user's days up to the base date are in the base already (a top-up reads that date).
        and (open_windows.is_new or new_days.dt > :base_date)
        and new_days.dt <= date_add('day', open_windows.window_days - 1, open_windows.assigned_date)
    union all
    select
        new_users.campaign_id,
        new_users.user_id,
        false as is_outcome,
        new_users.assigned_date as counted_from,
        pre_window_days.events,
        pre_window_days.trades,
        pre_window_days.deposits_usd,
        pre_window_days.fees_usd
    from new_users
    inner join pre_window_days
        on new_users.user_id = pre_window_days.user_id
        and pre_window_days.dt >= date_add('day', -new_users.pre_days, new_users.assigned_date)
        and pre_window_days.dt < new_users.assigned_date
),

-- What those days add, per as-of date, user and window (an outcome window is cut at the as-of date;
-- a base user's pre-window has no rows here: it is kept).
window_additions as (
    select
        as_of.as_of_date,
        window_day_rows.campaign_id,
        window_day_rows.user_id,
        count_if(window_day_rows.is_outcome and window_day_rows.events > 0) as active_days_outcome,
        count_if(not window_day_rows.is_outcome and window_day_rows.events > 0) as active_days_pre,
        bool_or(window_day_rows.is_outcome and window_day_rows.trades > 0) as has_traded_outcome,
        bool_or(not window_day_rows.is_outcome and window_day_rows.trades > 0) as has_traded_pre,
        sum(case when window_day_rows.is_outcome then window_day_rows.deposits_usd end) as deposits_outcome_usd,
        sum(case when not window_day_rows.is_outcome then window_day_rows.deposits_usd end) as deposits_pre_usd,
        sum(case when window_day_rows.is_outcome then window_day_rows.fees_usd end) as fees_outcome_usd,
        sum(case when not window_day_rows.is_outcome then window_day_rows.fees_usd end) as fees_pre_usd
    from window_day_rows
    inner join as_of
        on window_day_rows.counted_from <= as_of.as_of_date
    group by as_of.as_of_date, window_day_rows.campaign_id, window_day_rows.user_id
),

final as (
    select
        assigned.campaign_id,
        assigned.user_id,
        assigned.arm,
        assigned.assigned_date,
        coalesce(
            assigned.switched_date,
            case when new_switches.switched_date <= assigned.as_of_date then new_switches.switched_date end
        ) as switched_date,
        assigned.window_days,
        assigned.pre_days,
        coalesce(assigned.active_days_outcome, 0) + coalesce(window_additions.active_days_outcome, 0)
            as active_days_outcome,
        coalesce(assigned.active_days_pre, window_additions.active_days_pre, 0) as active_days_pre,
        coalesce(assigned.has_traded_outcome, false) or coalesce(window_additions.has_traded_outcome, false)
            as has_traded_outcome,
        coalesce(assigned.has_traded_pre, window_additions.has_traded_pre, false) as has_traded_pre,
        coalesce(assigned.deposits_outcome_usd, 0) + coalesce(window_additions.deposits_outcome_usd, 0)
            as deposits_outcome_usd,
        coalesce(assigned.deposits_pre_usd, window_additions.deposits_pre_usd, 0) as deposits_pre_usd,
        coalesce(assigned.fees_outcome_usd, 0) + coalesce(window_additions.fees_outcome_usd, 0)
            as fees_outcome_usd,
        coalesce(assigned.fees_pre_usd, window_additions.fees_pre_usd, 0) as fees_pre_usd,
        assigned.as_of_date as dt
    from assigned
    left join new_switches
        on assigned.campaign_id = new_switches.campaign_id
        and assigned.user_id = new_switches.user_id
    left join window_additions
        on assigned.as_of_date = window_additions.as_of_date
        and assigned.campaign_id = window_additions.campaign_id
        and assigned.user_id = window_additions.user_id
)

select * from final
