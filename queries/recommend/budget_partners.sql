-- Grain: one row per registry partner: status, channel, budget bounds and current daily spend (the
-- mean over the 7 days ending on :run_date, days without spend counting as 0).
with

registry as (
    select * from partners
),

last_week_spend as (
    select
        partner_id,
        cast(sum(cast(spend_usd as decimal(38, 9))) as double) as spend_usd
    from spend
    where dt > date_add('day', -7, :run_date)
        and dt <= :run_date
    group by partner_id
),

final as (
    select
        registry.partner_id,
        registry.channel,
        registry.status,
        registry.min_daily_budget_usd,
        registry.max_daily_budget_usd,
        coalesce(last_week_spend.spend_usd, 0) / 7 as current_daily_spend_usd
    from registry
    left join last_week_spend
        on registry.partner_id = last_week_spend.partner_id
)

select * from final
order by partner_id
