-- Builds: `campaigns`, replaced whole by one registry snapshot.
-- Grain: one row per campaign.
with

staged as (
    select * from staged_campaigns
    where staging_id = :staging_id
),

final as (
    select
        campaign_id,
        coalesce(name, '') as name,
        nullif(owner, '') as owner,
        cast(start_date as date) as start_date,
        cast(nullif(end_date, '') as date) as end_date,
        cast(window_days as bigint) as window_days,
        cast(pre_days as bigint) as pre_days,
        cast(holdout_share as double) as holdout_share,
        cast(cost_per_treated_usd as double) as cost_per_treated_usd,
        primary_metric
    from staged
)

select * from final
