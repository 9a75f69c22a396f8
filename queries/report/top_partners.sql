-- Grain: one row per partner with spend in the 30 days ending on :run_date, best 30-day ROI first.
with

performance as (
    select * from partner_performance
    where run_date = :run_date
        and window_days = 30
        and spend_usd > 0
),

final as (
    select
        partner_id,
        channel,
        spend_usd,
        ftds,
        cac_usd,
        net_revenue_usd,
        roi_d7,
        roi_d30
    from performance
)

select * from final
order by coalesce(roi_d30, roi_d7, -1e9) desc, partner_id
