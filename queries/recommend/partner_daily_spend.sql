-- Grain: one row per registry partner and day of the trailing window (:window_start to :run_date),
-- with its spend in USD (0 on days without spend).
with

registry as (
    select * from partners
),

window_spend as (
    select * from spend
    where dt between :window_start and :run_date
),

days as (
    select distinct spend_date as day from window_spend
),

spend_by_day as (
    select
        partner_id,
        spend_date as day,
        cast(sum(cast(spend_usd as decimal(38, 9))) as double) as spend_usd
    from window_spend
    group by partner_id, spend_date
),

final as (
    select
        registry.partner_id,
        days.day,
        coalesce(spend_by_day.spend_usd, 0) as spend_usd
    from registry
    cross join days
    left join spend_by_day
        on registry.partner_id = spend_by_day.partner_id
        and days.day = spend_by_day.day
)

select * from final
order by partner_id, day
