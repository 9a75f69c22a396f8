-- Builds: the Campaigns section of the publications for :run_date: every campaign_results row
-- of R with the campaign's registry name and owner (playbook campaigns, `playbook:<action>`,
-- have no registry row), and the verdict the same campaign and metric had on R - 1, so the
-- digest can say which campaigns reached a verdict since yesterday.
-- Grain: one row per campaign and metric with a result on R.
with

results as (
    select * from campaign_results
    where run_date = :run_date
),

previous_results as (
    select * from campaign_results
    where run_date = date_add('day', -1, :run_date)
),

registry as (
    select * from campaigns
),

final as (
    select
        results.campaign_id,
        coalesce(nullif(registry.name, ''), results.campaign_id) as campaign_name,
        nullif(registry.owner, '') as owner,
        registry.campaign_id is not null as is_registered,
        results.metric,
        results.is_primary,
        results.n_treatment,
        results.n_control,
        results.n_switched,
        results.mean_treatment,
        results.mean_control,
        results.uplift_abs,
        results.uplift_rel,
        results.ci_low,
        results.ci_high,
        results.p_value,
        results.cs_low,
        results.cs_high,
        results.srm_p_value,
        results.srm_flag,
        results.incremental_total,
        results.cost_usd,
        results.roi,
        results.verdict,
        previous_results.verdict as previous_verdict,
        -- "Reached a verdict since yesterday": decided on R, undecided or not yet measured on
        -- R - 1. A result that was `srm` yesterday is not new news of an uplift, so it stays out.
        results.verdict in ('win', 'loss')
            and coalesce(previous_results.verdict, 'inconclusive') = 'inconclusive' as is_new_verdict
    from results
    left join previous_results
        on results.campaign_id = previous_results.campaign_id
        and results.metric = previous_results.metric
    left join registry
        on results.campaign_id = registry.campaign_id
)

select * from final
