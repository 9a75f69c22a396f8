-- Grain: one row per date and currency: every FX rate the lake holds, for converting spend.
with

rates as (
    select * from fx
),

final as (
    select
        cast(fx_date as varchar) as fx_date,
        currency,
        usd_per_unit
    from rates
)

select * from final
