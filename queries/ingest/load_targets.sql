-- Builds: `targets`, replaced whole by one targets snapshot.
-- Grain: one row per period, scope and metric.
with

staged as (
    select * from staged_targets
    where staging_id = :staging_id
),

final as (
    select
        period,
        scope,
        metric,
        cast(target as double) as target,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        scope_type,
        nullif(scope_id, '') as scope_id
    from staged
)

select * from final
