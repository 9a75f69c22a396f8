-- Builds: the `partner_performance` partition of :run_date (CONTRACT.md 3.2).
-- Grain: one row per partner and window (7 or 30 days ending on :run_date).
with

state as (
    select * from user_state
    where dt = :run_date
),

registry as (
    select * from partners
),

spend_to_date as (
    select * from spend
    where dt <= :run_date
),

windows as (
    select window_days from (values (7), (30)) as window_lengths (window_days)
),

partner_ids as (
    select partner_id from registry
    union
    select distinct partner_id from state
    union
    select distinct partner_id from spend_to_date
),

spend_in_window as (
    select
        windows.window_days,
        spend_to_date.partner_id,
        sum(cast(spend_to_date.spend_usd as decimal(38, 9))) as spend_usd
    from spend_to_date
    cross join windows
    where spend_to_date.spend_date > date_add('day', -windows.window_days, :run_date)
    group by windows.window_days, spend_to_date.partner_id
),

signups_in_window as (
    select
        windows.window_days,
        state.partner_id,
        count(*) as signups
    from state
    cross join windows
    where state.cohort_date > date_add('day', -windows.window_days, :run_date)
    group by windows.window_days, state.partner_id
),

ftds_in_window as (
    select
        windows.window_days,
        state.partner_id,
        count(*) as ftds
    from state
    cross join windows
    where state.ftd_date > date_add('day', -windows.window_days, :run_date)
    group by windows.window_days, state.partner_id
),

-- Fees of trades dated in the window, from each user's trailing-window sums.
fees_in_window as (
    select
        windows.window_days,
        state.partner_id,
        sum(case windows.window_days when 7 then state.fees_7d_usd else state.fees_30d_usd end) as fees_usd
    from state
    cross join windows
    group by windows.window_days, state.partner_id
),

-- Matured cohorts for ROI at age N: C = [R - N - w + 1, R - N].
matured_cohort_fees as (
    select
        windows.window_days,
        state.partner_id,
        sum(
            case
                when state.cohort_date > date_add('day', -7 - windows.window_days, :run_date)
                    and state.cohort_date <= date_add('day', -7, :run_date)
                    then state.fees_age_7
                else 0
            end
        ) as fees_d7,
        sum(
            case
                when state.cohort_date > date_add('day', -30 - windows.window_days, :run_date)
                    and state.cohort_date <= date_add('day', -30, :run_date)
                    then state.fees_age_30
                else 0
            end
        ) as fees_d30
    from state
    cross join windows
    where state.cohort_date is not null
    group by windows.window_days, state.partner_id
),

matured_cohort_spend as (
    select
        windows.window_days,
        spend_to_date.partner_id,
        sum(
            case
                when spend_to_date.spend_date > date_add('day', -7 - windows.window_days, :run_date)
                    and spend_to_date.spend_date <= date_add('day', -7, :run_date)
                    then cast(spend_to_date.spend_usd as decimal(38, 9))
                else 0
            end
        ) as spend_d7,
        sum(
            case
                when spend_to_date.spend_date > date_add('day', -30 - windows.window_days, :run_date)
                    and spend_to_date.spend_date <= date_add('day', -30, :run_date)
                    then cast(spend_to_date.spend_usd as decimal(38, 9))
                else 0
            end
        ) as spend_d30
    from spend_to_date
    cross join windows
    group by windows.window_days, spend_to_date.partner_id
),

combined as (
    select
        partner_ids.partner_id,
        windows.window_days,
        coalesce(cast(spend_in_window.spend_usd as double), 0) as spend_usd,
        coalesce(signups_in_window.signups, 0) as signups,
        coalesce(ftds_in_window.ftds, 0) as ftds,
        coalesce(cast(fees_in_window.fees_usd as double), 0) * (1 - coalesce(registry.revshare_rate, 0)) as net_revenue_usd,
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
        on partner_ids.partner_id = spend_in_window.partner_id
        and windows.window_days = spend_in_window.window_days
    left join signups_in_window
        on partner_ids.partner_id = signups_in_window.partner_id
        and windows.window_days = signups_in_window.window_days
    left join ftds_in_window
        on partner_ids.partner_id = ftds_in_window.partner_id
        and windows.window_days = ftds_in_window.window_days
    left join fees_in_window
        on partner_ids.partner_id = fees_in_window.partner_id
        and windows.window_days = fees_in_window.window_days
    left join matured_cohort_fees
        on partner_ids.partner_id = matured_cohort_fees.partner_id
        and windows.window_days = matured_cohort_fees.window_days
    left join matured_cohort_spend
        on partner_ids.partner_id = matured_cohort_spend.partner_id
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
        case when spend_d7 > 0 then (revenue_d7 - spend_d7) / spend_d7 end as roi_d7,
        case when spend_d30 > 0 then (revenue_d30 - spend_d30) / spend_d30 end as roi_d30,
        channel,
        :run_date as run_date
    from combined
)

select * from final
