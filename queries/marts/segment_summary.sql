-- Builds: the `segment_summary` partition of :run_date: users per segment value on every dimension of
-- `user_segments`, and the lifecycle transitions since the snapshot of the day before.
-- One scan of one state partition: a grouping set per dimension, one for the transitions and one
-- for the total. Each user's lifecycle of the day before is kept in their state row
-- (previous_lifecycle), so the transitions need no join with yesterday's snapshot, only the
-- knowledge that it exists (a row count, which Parquet's footers answer).
-- Grain: one row per dimension and segment.
with

today as (
    select
        state.lifecycle,
        state.value_tier,
        state.funnel_stage,
        state.tenure_bucket,
        state.trade_frequency,
        state.product_mix,
        state.previous_lifecycle
    from user_state as state
    where state.dt = :run_date
),

has_yesterday as (
    select count(*) > 0 as is_present from user_state
    where dt = date_add('day', -1, :run_date)
),

-- Segment columns are never null, so a null in a grouped column only means "not grouped by it".
counts as (
    select
        case
            when grouping(previous_lifecycle) = 0 then 'lifecycle_transition'
            when grouping(lifecycle) = 0 then 'lifecycle'
            when grouping(value_tier) = 0 then 'value_tier'
            when grouping(funnel_stage) = 0 then 'funnel_stage'
            when grouping(tenure_bucket) = 0 then 'tenure_bucket'
            when grouping(trade_frequency) = 0 then 'trade_frequency'
            when grouping(product_mix) = 0 then 'product_mix'
            else 'all'
        end as dimension,
        coalesce(lifecycle, value_tier, funnel_stage, tenure_bucket, trade_frequency, product_mix) as segment,
        previous_lifecycle,
        lifecycle,
        count(*) as users
    from today
    group by grouping sets (
        (lifecycle),
        (value_tier),
        (funnel_stage),
        (tenure_bucket),
        (trade_frequency),
        (product_mix),
        (previous_lifecycle, lifecycle),
        ()
    )
),

snapshot_size as (
    select users as all_users from counts
    where dimension = 'all'
),

combined as (
    select
        counts.dimension,
        case
            when counts.dimension = 'lifecycle_transition' then counts.previous_lifecycle || '>' || counts.lifecycle
            else counts.segment
        end as segment,
        case when counts.dimension = 'lifecycle_transition' then counts.previous_lifecycle end as from_lifecycle,
        case when counts.dimension = 'lifecycle_transition' then counts.lifecycle end as to_lifecycle,
        counts.users
    from counts
    cross join has_yesterday
    where counts.users > 0
        and counts.dimension <> 'all'
        and (counts.dimension <> 'lifecycle_transition' or has_yesterday.is_present)
),

final as (
    select
        combined.dimension,
        combined.segment,
        combined.from_lifecycle,
        combined.to_lifecycle,
        cast(combined.users as bigint) as users,
        cast(combined.users as double) / snapshot_size.all_users as share,
        :run_date as snapshot_date
    from combined
    cross join snapshot_size
)

select * from final
