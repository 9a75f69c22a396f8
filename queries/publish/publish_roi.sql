-- Builds: each registry partner's ROI story for the publications of :run_date: the matured ROI
-- beside the projection at the value horizon (partner_roi_forecast of R).
-- Grain: one row per registry partner.
with

forecasts as (
    select * from partner_roi_forecast
    where run_date = :run_date
),

final as (
    select
        partner_id,
        horizon_days,
        spend_usd,
        roi_d7,
        roi_d30,
        projected_roi,
        projected_roi_low,
        projected_roi_high,
        payback_day,
        payback_day_earliest,
        payback_day_latest
    from forecasts
)

select * from final
order by partner_id
