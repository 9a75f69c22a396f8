-- Builds: the `segment_summary` partition of :run_date: users per segment value on every dimension of
-- `user_segments`, and the lifecycle transitions since the snapshot of the day before.
-- One state partition is read: each user's lifecycle of the day before is kept in their state
-- row (previous_lifecycle), so the transitions need no join with yesterday's snapshot, only
-- the knowledge that it exists (a row count, which Parquet's footers answer).
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

snapshot_size as (
    select count(*) as all_users from today
),

has_yesterday as (
    select count(*) > 0 as is_present from user_state
    where dt = date_add('day', -1, :run_date)
),

dimension_counts as (
    select 'lifecycle' as dimension, lifecycle as segment, count(*) as users from today group by lifecycle
    union all
    select 'value_tier' as dimension, value_tier as segment, count(*) as users from today group by value_tier
    union all
    select 'funnel_stage' as dimension, funnel_stage as segment, count(*) as users from today group by funnel_stage
    union all
    select 'tenure_bucket' as dimension, tenure_bucket as segment, count(*) as users from today group by tenure_bucket
    union all
    select 'trade_frequency' as dimension, trade_frequency as segment, count(*) as users from today group by trade_frequency
    union all
    select 'product_mix' as dimension, product_mix as segment, count(*) as users from today group by product_mix
),

transitions as (
    select
        today.previous_lifecycle as from_lifecycle,
        today.lifecycle as to_lifecycle,
        count(*) as users
    from today
    cross join has_yesterday
    where has_yesterday.is_present
    group by today.previous_lifecycle, today.lifecycle
),

combined as (
    select
        dimension,
        segment,
        cast(null as varchar) as from_lifecycle,
        cast(null as varchar) as to_lifecycle,
        users
    from dimension_counts
    union all
    select
        'lifecycle_transition' as dimension,
        from_lifecycle || '>' || to_lifecycle as segment,
        from_lifecycle,
        to_lifecycle,
        users
    from transitions
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
