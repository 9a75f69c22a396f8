-- Builds: the traffic-quality flags each partner carries on :run_date, which hold its budget to no
-- increase (docs/contract.md, budget_recommendations). Unflagged partners have no row.
-- Grain: one row per partner with a non-empty partner_quality.flags on :run_date.
with

quality as (
    select * from partner_quality
    where run_date = :run_date
),

final as (
    select
        partner_id,
        flags
    from quality
    where flags <> ''
)

select * from final
order by partner_id
