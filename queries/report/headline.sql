-- Grain: one row per window (7 and 30 days ending on :run_date): spend, sign-ups, FTDs, CAC,
-- net revenue and GMV over all partners, for run summaries.
with

performance as (
    select * from partner_performance
    where run_date = :run_date
),

totals as (
    select
        window_days,
        sum(spend_usd) as spend_usd,
        sum(signups) as signups,
        sum(ftds) as ftds,
        sum(net_revenue_usd) as net_revenue_usd,
        sum(gmv_usd) as gmv_usd
    from performance
    group by window_days
),

final as (
    select
        window_days,
        spend_usd,
        signups,
        ftds,
        case when ftds > 0 then spend_usd / ftds end as cac_usd,
        net_revenue_usd,
        gmv_usd
    from totals
)

select * from final
order by window_days
