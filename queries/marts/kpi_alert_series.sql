-- Builds: the daily series kpi_alerts of :run_date is computed from (docs/contract.md, kpi_alerts), for
-- lambdas/alerts: each metric per date over [R - 28, R] in every scope, the program (`all`), each
-- channel (its registry partners, paused ones included) and each partner (`organic`, `unattributed`
-- and ids outside the registry included). Sufficient statistics only: a few rows per scope and day.
-- Sign-ups and FTDs come from the state of R (cohort and first-deposit dates, the partner as of R),
-- spend from spend_daily, net revenue from the fees of user_daily's days with the partner of R, as
-- plan_pacing counts them. A day without any value has no row (the series reads it as 0).
-- Grain: one row per scope, scope id, metric and date with a value.
with

state as (
    select * from user_state
    where dt = :run_date
),

recent_days as (
    select * from user_daily
    where dt >= date_add('day', -28, :run_date)
        and dt <= :run_date
),

registry as (
    select * from partners
),

recent_spend as (
    select * from spend_daily
    where spend_date >= date_add('day', -28, :run_date)
        and spend_date <= :run_date
),

partner_days as (
    select cohort_date as metric_date, partner_id, 'signups' as metric, cast(count(*) as double) as value
    from state
    where cohort_date >= date_add('day', -28, :run_date)
        and cohort_date <= :run_date
    group by cohort_date, partner_id
    union all
    select ftd_date as metric_date, partner_id, 'ftds' as metric, cast(count(*) as double) as value
    from state
    where ftd_date >= date_add('day', -28, :run_date)
        and ftd_date <= :run_date
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
),

scoped_days as (
    select 'partner' as scope, partner_id as scope_id, metric, metric_date, value
    from partner_days
    union all
    select 'channel' as scope, registry.channel as scope_id, partner_days.metric, partner_days.metric_date, partner_days.value
    from partner_days
    inner join registry
        on partner_days.partner_id = registry.partner_id
    union all
    select 'all' as scope, 'all' as scope_id, metric, metric_date, value
    from partner_days
),

final as (
    select
        scope,
        scope_id,
        metric,
        metric_date,
        sum(value) as value
    from scoped_days
    group by scope, scope_id, metric, metric_date
)

select * from final
