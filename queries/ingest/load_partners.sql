-- Builds: `partners`, replaced whole by one registry snapshot.
-- Grain: one row per partner.
with

staged as (
    select * from staged_partners
    where staging_id = :staging_id
),

final as (
    select
        partner_id,
        coalesce(name, '') as name,
        channel,
        nullif(network, '') as network,
        cast(revshare_rate as double) as revshare_rate,
        status,
        cast(nullif(min_daily_budget_usd, '') as double) as min_daily_budget_usd,
        cast(nullif(max_daily_budget_usd, '') as double) as max_daily_budget_usd
    from staged
)

select * from final
