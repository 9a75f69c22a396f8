-- Grain: one row per attributed user as of :run_date and 30-day window ending on or before
-- :run_date in which the user traded: trading days and net revenue. Window 0 is (:run_date - 30, :run_date], window 1
-- the 30 days before it, and so on back to :window_start; windows without revenue have no row.
-- The windowed persistence model (lambdas/recommend/persistence.ts) fits on consecutive windows
-- and forecasts from window 0.
with

state as (
    select
        user_id,
        partner_id
    from user_state
    where dt = :run_date
        and cohort_date is not null
),

registry as (
    select * from partners
),

recent_days as (
    select
        user_id,
        dt,
        trades,
        fees_usd
    from user_daily
    where dt >= :window_start
        and dt <= :run_date
        and trades > 0
),

windows as (
    select
        user_id,
        cast(floor(date_diff('day', dt, :run_date) / 30e0) as integer) as window_index,
        count(*) as trade_days,
        sum(fees_usd) as fees_usd
    from recent_days
    group by 1, 2
),

final as (
    select
        windows.user_id,
        windows.window_index,
        windows.trade_days,
        cast(windows.fees_usd as double) * (1 - coalesce(registry.revshare_rate, 0)) as net_revenue_usd
    from windows
    inner join state
        on windows.user_id = state.user_id
    left join registry
        on state.partner_id = registry.partner_id
)

select * from final
order by user_id, window_index
