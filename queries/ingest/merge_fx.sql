-- Builds: `fx`, with one file's rates added and any earlier rate of the same date and currency replaced.
-- Grain: one row per date and currency.
with

staged as (
    select * from staged_fx
    where staging_id = :staging_id
),

incoming as (
    select
        cast(fx_date as date) as fx_date,
        currency,
        cast(usd_per_unit as double) as usd_per_unit
    from staged
),

kept as (
    select fx.fx_date, fx.currency, fx.usd_per_unit
    from fx
    left join incoming
        on fx.fx_date = incoming.fx_date
        and fx.currency = incoming.currency
    where incoming.currency is null
),

final as (
    select * from incoming
    union all
    select * from kept
)

select * from final
