-- Builds: the Plan section of the publications for :run_date: every plan_pacing row of R.
-- Grain: one row per period, scope and metric whose period contains R.
with

pacing as (
    select * from plan_pacing
    where run_date = :run_date
),

final as (
    select
        period,
        scope,
        metric,
        target,
        actual_to_date,
        days_elapsed,
        days_in_period,
        expected_to_date,
        run_rate_7d,
        forecast_end,
        forecast_attainment,
        status
    from pacing
)

select * from final
order by period, scope, metric
