-- Builds: the budget recommendations of :run_date with their reasons.
-- Grain: one row per registry partner.
with

recommendations as (
    select * from budget_recommendations
    where run_date = :run_date
),

final as (
    select
        partner_id,
        current_daily_spend_usd,
        recommended_daily_spend_usd,
        change_pct,
        expected_marginal_roas,
        confidence,
        reason,
        binding_constraint
    from recommendations
)

select * from final
