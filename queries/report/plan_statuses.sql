-- Grain: one row per target paced on :run_date (plan_pacing), for run summaries.
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
        forecast_end,
        forecast_attainment,
        status
    from pacing
)

select * from final
order by period, scope, metric
