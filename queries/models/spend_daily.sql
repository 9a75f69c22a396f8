-- Builds: `spend_daily`, whole, from its previous version and the curated spend of the dates
-- :dates, the dates whose spend was ingested since it was built (all of them the first time):
-- the other dates' rows are kept as they are. So a daily run reads one small file and the new or
-- restated dates of spend, not every date's partition of raw spend.
-- Grain: one row per spend date and partner with spend.
with

kept as (
    select * from spend_daily
    where spend_date not in (:dates)
),

restated as (
    select * from spend
    where dt in (:dates)
),

restated_days as (
    select
        spend_date,
        partner_id,
        sum(cast(spend_usd as decimal(38, 9))) as spend_usd
    from restated
    group by spend_date, partner_id
),

final as (
    select spend_date, partner_id, spend_usd from kept
    union all
    select spend_date, partner_id, spend_usd from restated_days
)

select * from final
