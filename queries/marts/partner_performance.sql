-- Builds: the `partner_performance` partitions of the run dates :run_dates (docs/contract.md, partner_performance), in one
-- statement: the daily run builds R and every earlier run date late or restated data reached.
-- Each run date D reads its own state only for what moves with D, the fees of trades dated in its
-- windows (the trailing-window sums, net revenue's and GMV's) and its partners. Everything else comes from the state of the
-- latest of the run dates, :state_date, which is current (the run folds it first) and settled by D:
-- a user whose cohort date, or first deposit date, is on or before D has the same one, and the same
-- partner, in every later state (an earlier signup or deposit would be dated on or before D too,
-- and the fold would have restated D); one whose cohort date is after D was unattributed on D; and
-- the fees at age <= N of a cohort on or before D - N are of trades dated on or before D. So a
-- restated date reads three columns of its state instead of seven.
-- Grain: one row per run date, partner and window (7 or 30 days ending on the run date).
with

run_dates as (
    select run_date from :run_dates
),

latest_state as (
    select * from user_state
    where dt = :state_date
),

own_state as (
    select * from user_state
    where dt in (:dates)
),

registry as (
    select * from partners
),

-- The compact spend per date and partner, not every date's partition of raw spend.
spend_to_date as (
    select * from spend_daily
    where spend_date <= :state_date
),

windows as (
    select window_days from (values (7), (30)) as window_lengths (window_days)
),

partner_ids as (
    select run_dates.run_date, registry.partner_id
    from registry
    cross join run_dates
    union
    select distinct own_state.dt as run_date, own_state.partner_id
    from own_state
    union
    select distinct run_dates.run_date, spend_to_date.partner_id
    from spend_to_date
    inner join run_dates
        on spend_to_date.spend_date <= run_dates.run_date
),

spend_in_window as (
    select
        run_dates.run_date,
        windows.window_days,
        spend_to_date.partner_id,
        sum(spend_to_date.spend_usd) as spend_usd
    from spend_to_date
    cross join run_dates
    cross join windows
    where spend_to_date.spend_date > date_add('day', -windows.window_days, run_dates.run_date)
        and spend_to_date.spend_date <= run_dates.run_date
    group by run_dates.run_date, windows.window_days, spend_to_date.partner_id
),

signups_in_window as (
    select
        run_dates.run_date,
        windows.window_days,
        latest_state.partner_id,
        count(*) as signups
    from latest_state
    cross join run_dates
    cross join windows
    where latest_state.cohort_date > date_add('day', -windows.window_days, run_dates.run_date)
        and latest_state.cohort_date <= run_dates.run_date
    group by run_dates.run_date, windows.window_days, latest_state.partner_id
),

-- The partner on D of a user with a first deposit by D: theirs if they had signed up by D.
ftds_in_window as (
    select
        run_dates.run_date,
        windows.window_days,
        case
            when latest_state.cohort_date <= run_dates.run_date then latest_state.partner_id
            else 'unattributed'
        end as partner_id,
        count(*) as ftds
    from latest_state
    cross join run_dates
    cross join windows
    where latest_state.ftd_date > date_add('day', -windows.window_days, run_dates.run_date)
        and latest_state.ftd_date <= run_dates.run_date
    group by
        run_dates.run_date,
        windows.window_days,
        case
            when latest_state.cohort_date <= run_dates.run_date then latest_state.partner_id
            else 'unattributed'
        end
),

-- Fees and volume (GMV) of trades dated in the window, from each user's trailing-window sums on the run date.
fees_in_window as (
    select
        own_state.dt as run_date,
        windows.window_days,
        own_state.partner_id,
        sum(
            case windows.window_days
                when 7 then own_state.fees_7d_usd
                else own_state.fees_7d_usd + own_state.fees_8_30d_usd
            end
        ) as fees_usd,
        sum(
            case windows.window_days
                when 7 then own_state.volume_7d_usd
                else own_state.volume_7d_usd + own_state.volume_8_30d_usd
            end
        ) as volume_usd
    from own_state
    cross join windows
    group by own_state.dt, windows.window_days, own_state.partner_id
),

-- Matured cohorts for ROI at age N: C = [D - N - w + 1, D - N]. Only the cohorts of the last
-- 30 + 30 days before the run date can be in one.
matured_cohort_fees as (
    select
        run_dates.run_date,
        windows.window_days,
        latest_state.partner_id,
        sum(
            case
                when latest_state.cohort_date > date_add('day', -7 - windows.window_days, run_dates.run_date)
                    and latest_state.cohort_date <= date_add('day', -7, run_dates.run_date)
                    -- Fees at age <= 7: the sum of the age bands up to 7.
                    then coalesce(latest_state.fees_ages_0_0_usd, 0)
                        + coalesce(latest_state.fees_ages_1_1_usd, 0)
                        + coalesce(latest_state.fees_ages_2_3_usd, 0)
                        + coalesce(latest_state.fees_ages_4_7_usd, 0)
                else 0
            end
        ) as fees_d7,
        sum(
            case
                when latest_state.cohort_date > date_add('day', -30 - windows.window_days, run_dates.run_date)
                    and latest_state.cohort_date <= date_add('day', -30, run_dates.run_date)
                    then coalesce(latest_state.fees_ages_0_0_usd, 0)
                        + coalesce(latest_state.fees_ages_1_1_usd, 0)
                        + coalesce(latest_state.fees_ages_2_3_usd, 0)
                        + coalesce(latest_state.fees_ages_4_7_usd, 0)
                        + coalesce(latest_state.fees_ages_8_14_usd, 0)
                        + coalesce(latest_state.fees_ages_15_30_usd, 0)
                else 0
            end
        ) as fees_d30
    from latest_state
    cross join run_dates
    cross join windows
    where latest_state.cohort_date > date_add('day', -60, run_dates.run_date)
        and latest_state.cohort_date <= date_add('day', -7, run_dates.run_date)
    group by run_dates.run_date, windows.window_days, latest_state.partner_id
),

matured_cohort_spend as (
    select
        run_dates.run_date,
        windows.window_days,
        spend_to_date.partner_id,
        sum(
            case
                when spend_to_date.spend_date > date_add('day', -7 - windows.window_days, run_dates.run_date)
                    and spend_to_date.spend_date <= date_add('day', -7, run_dates.run_date)
                    then spend_to_date.spend_usd
                else 0
            end
        ) as spend_d7,
        sum(
            case
                when spend_to_date.spend_date > date_add('day', -30 - windows.window_days, run_dates.run_date)
                    and spend_to_date.spend_date <= date_add('day', -30, run_dates.run_date)
                    then spend_to_date.spend_usd
                else 0
            end
        ) as spend_d30
    from spend_to_date
    cross join run_dates
    cross join windows
    group by run_dates.run_date, windows.window_days, spend_to_date.partner_id
),

combined as (
    select
        partner_ids.run_date,
        partner_ids.partner_id,
        windows.window_days,
        coalesce(cast(spend_in_window.spend_usd as double), 0) as spend_usd,
        coalesce(signups_in_window.signups, 0) as signups,
        coalesce(ftds_in_window.ftds, 0) as ftds,
        coalesce(cast(fees_in_window.fees_usd as double), 0) * (1 - coalesce(registry.revshare_rate, 0)) as net_revenue_usd,
        coalesce(cast(fees_in_window.volume_usd as double), 0) as gmv_usd,
        coalesce(cast(matured_cohort_fees.fees_d7 as double), 0) * (1 - coalesce(registry.revshare_rate, 0)) as revenue_d7,
        coalesce(cast(matured_cohort_fees.fees_d30 as double), 0) * (1 - coalesce(registry.revshare_rate, 0)) as revenue_d30,
        coalesce(cast(matured_cohort_spend.spend_d7 as double), 0) as spend_d7,
        coalesce(cast(matured_cohort_spend.spend_d30 as double), 0) as spend_d30,
        registry.channel
    from partner_ids
    cross join windows
    left join registry
        on partner_ids.partner_id = registry.partner_id
    left join spend_in_window
        on partner_ids.run_date = spend_in_window.run_date
        and partner_ids.partner_id = spend_in_window.partner_id
        and windows.window_days = spend_in_window.window_days
    left join signups_in_window
        on partner_ids.run_date = signups_in_window.run_date
        and partner_ids.partner_id = signups_in_window.partner_id
        and windows.window_days = signups_in_window.window_days
    left join ftds_in_window
        on partner_ids.run_date = ftds_in_window.run_date
        and partner_ids.partner_id = ftds_in_window.partner_id
        and windows.window_days = ftds_in_window.window_days
    left join fees_in_window
        on partner_ids.run_date = fees_in_window.run_date
        and partner_ids.partner_id = fees_in_window.partner_id
        and windows.window_days = fees_in_window.window_days
    left join matured_cohort_fees
        on partner_ids.run_date = matured_cohort_fees.run_date
        and partner_ids.partner_id = matured_cohort_fees.partner_id
        and windows.window_days = matured_cohort_fees.window_days
    left join matured_cohort_spend
        on partner_ids.run_date = matured_cohort_spend.run_date
        and partner_ids.partner_id = matured_cohort_spend.partner_id
        and windows.window_days = matured_cohort_spend.window_days
),

final as (
    select
        partner_id,
        cast(window_days as bigint) as window_days,
        spend_usd,
        cast(signups as bigint) as signups,
        cast(ftds as bigint) as ftds,
        case when ftds > 0 then spend_usd / ftds end as cac_usd,
        case when signups > 0 then spend_usd / signups end as cost_per_signup_usd,
        net_revenue_usd,
        gmv_usd,
        case when spend_d7 > 0 then (revenue_d7 - spend_d7) / spend_d7 end as roi_d7,
        case when spend_d30 > 0 then (revenue_d30 - spend_d30) / spend_d30 end as roi_d30,
        channel,
        run_date
    from combined
)

select * from final
