-- Builds: what the demo sets its targets from: sign-ups, GMV and KOL spend per day over the 28 days
-- ending on :last_date (a plan made from the recent past, as a growth team would).
-- Grain: one row.
with

recent_events as (
    select * from events
    where dt > date_add('day', -28, :last_date)
        and dt <= :last_date
),

recent_spend as (
    select * from spend
    where dt > date_add('day', -28, :last_date)
        and dt <= :last_date
),

registry as (
    select * from partners
),

event_rates as (
    select
        count_if(event_type = 'signup') / 28.0 as signups_per_day,
        coalesce(sum(case when event_type = 'trade' then amount_usd end), 0) / 28.0 as gmv_usd_per_day
    from recent_events
),

kol_spend_rate as (
    select coalesce(sum(recent_spend.spend_usd), 0) / 28.0 as kol_spend_usd_per_day
    from recent_spend
    inner join registry
        on recent_spend.partner_id = registry.partner_id
    where registry.channel = 'kol'
),

final as (
    select
        cast(event_rates.signups_per_day as double) as signups_per_day,
        cast(event_rates.gmv_usd_per_day as double) as gmv_usd_per_day,
        cast(kol_spend_rate.kol_spend_usd_per_day as double) as kol_spend_usd_per_day
    from event_rates
    cross join kol_spend_rate
)

select * from final
