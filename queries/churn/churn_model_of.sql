-- Grain: one row per coefficient of that run date's model.
-- Reads: the churn model of :run_date (its coefficients), to score a later window as its holdout.
with

model as (
    select * from churn_model
    where run_date = :run_date
),

final as (
    select
        feature,
        level,
        coefficient
    from model
)

select * from final
