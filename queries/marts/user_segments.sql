-- Defines: the `user_segments` view (docs/contract.md, user_segments): the snapshot of each date R is the
-- user_state of R, whose fold stratifies every user as of its date. No files: a filter on
-- snapshot_date reaches user_state's dt, so a query of one snapshot reads one state partition
-- (and of it only the columns asked for), and a snapshot restated by late data is current as soon
-- as its state is.
-- Grain: one row per user known on each as-of date of user_state.
with

state as (
    select * from user_state
),

final as (
    select
        user_id,
        lifecycle,
        value_tier,
        funnel_stage,
        tenure_bucket,
        trade_frequency,
        product_mix,
        partner_id,
        cohort_date,
        last_active_date,
        cast(deposits_usd - withdrawals_usd as double) as net_deposits_usd,
        cast(trades_7d + trades_8_30d as bigint) as trades_30d,
        dt as snapshot_date
    from state
)

select * from final
