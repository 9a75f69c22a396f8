-- Builds: the Alerts section of the publications for :run_date: every kpi_alerts row of R.
-- Grain: one row per scope, scope id and metric with an alert on R.
with

alerts as (
    select * from kpi_alerts
    where run_date = :run_date
),

final as (
    select
        scope,
        scope_id,
        metric,
        value,
        expected,
        lower,
        upper,
        direction,
        severity,
        reason
    from alerts
)

select * from final
order by scope, scope_id, metric
