-- Builds: each partner's performance in the three periods the publications compare: the 7 days
-- ending on :run_date ('week'), the 7 days before them ('previous_week', the run of R - 7) and the
-- 30 days ending on R ('month').
-- Grain: one row per partner and period.
with

performance as (
    select * from partner_performance
    where run_date in (:run_date, date_add('day', -7, :run_date))
),

periods as (
    select
        partner_id,
        case
            when run_date = :run_date and window_days = 7 then 'week'
            when run_date = :run_date and window_days = 30 then 'month'
            when window_days = 7 then 'previous_week'
        end as period,
        spend_usd,
        signups,
        ftds,
        net_revenue_usd,
        gmv_usd,
        roi_d7,
        roi_d30
    from performance
),

final as (
    select
        partner_id,
        period,
        coalesce(spend_usd, 0) as spend_usd,
        coalesce(signups, 0) as signups,
        coalesce(ftds, 0) as ftds,
        net_revenue_usd,
        gmv_usd,
        roi_d7,
        roi_d30
    from periods
    where period is not null
)

select * from final
