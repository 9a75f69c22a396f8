-- Grain: what partner_roi_forecast needs beside the cohort forecasts, per registry partner: the
-- matured ROI of partner_performance's 30-day row of :run_date and the spend of each date of the
-- window [R - 29, R] (spend_daily, so restated spend counts as it stands). Rows: one row per registry partner and window date with spend, plus one row (spend_date null)
-- per registry partner carrying its matured ROI.
with

registry as (
    select * from partners
),

performance as (
    select * from partner_performance
    where run_date = :run_date
        and window_days = 30
),

window_spend as (
    select * from spend_daily
    where spend_date > date_add('day', -30, :run_date)
        and spend_date <= :run_date
),

matured as (
    select
        registry.partner_id,
        cast(null as date) as spend_date,
        cast(null as double) as spend_usd,
        performance.roi_d7,
        performance.roi_d30
    from registry
    left join performance
        on registry.partner_id = performance.partner_id
),

daily as (
    select
        registry.partner_id,
        window_spend.spend_date,
        cast(sum(window_spend.spend_usd) as double) as spend_usd,
        cast(null as double) as roi_d7,
        cast(null as double) as roi_d30
    from registry
    inner join window_spend
        on registry.partner_id = window_spend.partner_id
    group by registry.partner_id, window_spend.spend_date
),

final as (
    select * from matured
    union all
    select * from daily
)

select * from final
