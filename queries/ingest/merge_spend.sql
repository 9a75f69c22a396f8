-- Builds: the `spend` partitions (dates) that one spend file touches, with restatements applied.
-- Grain: one row per spend date, partner, campaign and cost type: the row ingested last wins.
with

staged as (
    select * from staged_spend
    where staging_id = :staging_id
),

incoming as (
    select
        cast(spend_date as date) as spend_date,
        partner_id,
        coalesce(campaign_id, '') as campaign_id,
        cost_type,
        cast(spend_original as double) as spend_original,
        currency,
        cast(usd_per_unit as double) as usd_per_unit,
        cast(spend_usd as double) as spend_usd,
        cast(nullif(impressions, '') as bigint) as impressions,
        cast(nullif(clicks, '') as bigint) as clicks,
        :file as source_file,
        cast(line as bigint) as source_line,
        :ingested_at as ingested_at,
        1 as precedence
    from staged
),

touched_dates as (
    select distinct spend_date from incoming
),

current_rows as (
    select
        spend.spend_date,
        spend.partner_id,
        spend.campaign_id,
        spend.cost_type,
        spend.spend_original,
        spend.currency,
        spend.usd_per_unit,
        spend.spend_usd,
        spend.impressions,
        spend.clicks,
        spend.source_file,
        spend.source_line,
        spend.ingested_at,
        0 as precedence
    from spend
    inner join touched_dates
        on spend.dt = touched_dates.spend_date
),

candidates as (
    select * from incoming
    union all
    select * from current_rows
),

ranked as (
    select
        *,
        row_number() over (
            partition by spend_date, partner_id, campaign_id, cost_type
            order by precedence desc, source_line desc
        ) as rank_in_key
    from candidates
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
        spend_date as dt
    from ranked
    where rank_in_key = 1
)

select * from final
