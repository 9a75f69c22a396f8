-- Builds: segment sizes and lifecycle transitions on :run_date, and users per churn_risk band (the
-- churn model's forecast in user_segments; no band before the model's first run date).
-- Grain: one row per dimension and segment.
with

summary as (
    select * from segment_summary
    where snapshot_date = :run_date
),

snapshot as (
    select * from user_segments
    where snapshot_date = :run_date
),

churn_bands as (
    select
        churn_risk as segment,
        count(*) as users
    from snapshot
    where churn_risk is not null
    group by churn_risk
),

churn_total as (
    select sum(users) as all_users from churn_bands
),

final as (
    select
        dimension,
        segment,
        from_lifecycle,
        to_lifecycle,
        users,
        share
    from summary
    union all
    select
        'churn_risk' as dimension,
        churn_bands.segment,
        cast(null as varchar) as from_lifecycle,
        cast(null as varchar) as to_lifecycle,
        churn_bands.users,
        cast(churn_bands.users as double) / churn_total.all_users as share
    from churn_bands
    cross join churn_total
)

select * from final
