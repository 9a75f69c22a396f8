-- Grain: one row per campaign with results for :run_date: its primary metric's row, for the run's
-- summary (arms, uplift with its confidence interval, verdict).
with

results as (
    select * from campaign_results
    where run_date = :run_date
        and is_primary
),

final as (
    select
        campaign_id,
        metric,
        n_treatment,
        n_control,
        uplift_abs,
        ci_low,
        ci_high,
        verdict
    from results
)

select * from final
order by campaign_id
