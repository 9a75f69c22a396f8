-- Builds: the `plan_pacing` partition of :run_date (docs/contract.md, plan_pacing): every target whose
-- period contains R, its metric to date in its scope against the pro-rata target, and a forecast to
-- the period's end at the last 7 days' rate.
-- Sign-ups and FTDs come from the state of R (cohort and first-deposit dates, the partner as of R),
-- spend from spend_daily, net revenue and GMV from the fees and volume of user_daily's days with the
-- partner of R: the per-user daily model, not the events. A period that contains R starts at most
-- 91 days before it (a quarter), so the days read are the 92 ending on R, which also cover [R - 6, R].
-- Grain: one row per run date, period, scope and metric.
with

active_targets as (
    select * from targets
    where period_start <= :run_date
        and period_end >= :run_date
),

state as (
    select * from user_state
    where dt = :run_date
),

recent_days as (
    select * from user_daily
    where dt > date_add('day', -92, :run_date)
        and dt <= :run_date
),

registry as (
    select * from partners
),

recent_spend as (
    select * from spend_daily
    where spend_date > date_add('day', -92, :run_date)
        and spend_date <= :run_date
),

-- Each metric per date and partner value, over the 92 days ending on R.
partner_days as (
    select cohort_date as metric_date, partner_id, 'signups' as metric, cast(count(*) as double) as value
    from state
    where cohort_date > date_add('day', -92, :run_date)
    group by cohort_date, partner_id
    union all
    select ftd_date as metric_date, partner_id, 'ftds' as metric, cast(count(*) as double) as value
    from state
    where ftd_date > date_add('day', -92, :run_date)
    group by ftd_date, partner_id
    union all
    select spend_date as metric_date, partner_id, 'spend_usd' as metric, cast(sum(spend_usd) as double) as value
    from recent_spend
    group by spend_date, partner_id
    union all
    select
        recent_days.dt as metric_date,
        state.partner_id,
        'net_revenue_usd' as metric,
        cast(sum(recent_days.fees_usd) as double) * (1 - coalesce(max(registry.revshare_rate), 0)) as value
    from recent_days
    inner join state
        on recent_days.user_id = state.user_id
    left join registry
        on state.partner_id = registry.partner_id
    group by recent_days.dt, state.partner_id
    union all
    select
        recent_days.dt as metric_date,
        state.partner_id,
        'gmv_usd' as metric,
        cast(sum(recent_days.volume_usd) as double) as value
    from recent_days
    inner join state
        on recent_days.user_id = state.user_id
    group by recent_days.dt, state.partner_id
),

-- A channel's partners are its registry partners, paused ones included; `all` is every partner
-- value (organic, unattributed and ids outside the registry too).
scoped_days as (
    select
        active_targets.period,
        active_targets.scope,
        active_targets.metric,
        partner_days.metric_date,
        partner_days.value
    from active_targets
    inner join partner_days
        on active_targets.metric = partner_days.metric
    left join registry
        on partner_days.partner_id = registry.partner_id
    where active_targets.scope_type = 'all'
        or (active_targets.scope_type = 'channel' and registry.channel = active_targets.scope_id)
        or (active_targets.scope_type = 'partner' and partner_days.partner_id = active_targets.scope_id)
),

scoped_totals as (
    select
        scoped_days.period,
        scoped_days.scope,
        scoped_days.metric,
        sum(
            case when scoped_days.metric_date >= active_targets.period_start then scoped_days.value else 0 end
        ) as actual_to_date,
        sum(
            case when scoped_days.metric_date > date_add('day', -7, :run_date) then scoped_days.value else 0 end
        ) as last_7_days
    from scoped_days
    inner join active_targets
        on scoped_days.period = active_targets.period
        and scoped_days.scope = active_targets.scope
        and scoped_days.metric = active_targets.metric
    group by scoped_days.period, scoped_days.scope, scoped_days.metric
),

paced as (
    select
        active_targets.period,
        active_targets.scope,
        active_targets.metric,
        active_targets.target,
        coalesce(scoped_totals.actual_to_date, 0) as actual_to_date,
        date_diff('day', active_targets.period_start, :run_date) + 1 as days_elapsed,
        date_diff('day', active_targets.period_start, active_targets.period_end) + 1 as days_in_period,
        coalesce(scoped_totals.last_7_days, 0) / 7 as run_rate_7d
    from active_targets
    left join scoped_totals
        on active_targets.period = scoped_totals.period
        and active_targets.scope = scoped_totals.scope
        and active_targets.metric = scoped_totals.metric
),

forecast as (
    select
        paced.*,
        paced.actual_to_date + paced.run_rate_7d * (paced.days_in_period - paced.days_elapsed) as forecast_end
    from paced
),

final as (
    select
        period,
        scope,
        metric,
        target,
        actual_to_date,
        cast(days_elapsed as bigint) as days_elapsed,
        cast(days_in_period as bigint) as days_in_period,
        target * days_elapsed / days_in_period as expected_to_date,
        run_rate_7d,
        forecast_end,
        forecast_end / target as forecast_attainment,
        case
            when metric = 'spend_usd' and forecast_end / target > 1.1 then 'over'
            when metric = 'spend_usd' and forecast_end / target >= 0.9 then 'on_track'
            when metric = 'spend_usd' then 'under'
            when forecast_end / target >= 1.0 then 'on_track'
            when forecast_end / target >= 0.9 then 'at_risk'
            else 'off_track'
        end as status,
        :run_date as run_date
    from forecast
)

select * from final
