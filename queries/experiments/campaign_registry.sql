-- Grain: one row per registry campaign: the design the results and the campaign state read.
with

registry as (
    select * from campaigns
),

final as (
    select
        campaign_id,
        window_days,
        pre_days,
        holdout_share,
        cost_per_treated_usd,
        primary_metric
    from registry
)

select * from final
