-- Builds: the `spend` partitions (dates) whose Impact spend changed (see impact_spend_changes): their
-- Impact rows (cost type cpa, campaign `impact:<CampaignId>`) replaced by :impact_rows, in USD, and
-- every other spend row of those dates kept as it is.
-- Grain: one row per spend date, partner, campaign and cost type.
with

impact_rows as (
    select * from :impact_rows
),

kept_rows as (
    select * from spend
    where dt in (:dates)
        and not (cost_type = 'cpa' and campaign_id like 'impact:%')
),

derived_rows as (
    select
        cast(spend_date as date) as spend_date,
        partner_id,
        campaign_id,
        'cpa' as cost_type,
        cast(spend_usd as double) as spend_original,
        'USD' as currency,
        cast(1 as double) as usd_per_unit,
        cast(spend_usd as double) as spend_usd,
        cast(null as bigint) as impressions,
        cast(null as bigint) as clicks,
        :file as source_file,
        cast(null as bigint) as source_line,
        :ingested_at as ingested_at,
        cast(spend_date as date) as dt
    from impact_rows
    where partner_id is not null
),

final as (
    select
        spend_date,
        partner_id,
        campaign_id,
        cost_type,
        spend_original,
        currency,
        usd_per_unit,
        spend_usd,
        impressions,
        clicks,
        source_file,
        source_line,
        ingested_at,
        dt
    from kept_rows
    union all
    select * from derived_rows
)

select * from final
