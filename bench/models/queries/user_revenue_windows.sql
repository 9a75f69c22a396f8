-- Grain: one row per attributed user as of :run_date and 30-day window ending on or before
-- :run_date in which the user traded: trading days and net revenue. Window 0 is
-- (:run_date - 30, :run_date], window 1 the 30 days before it, and so on to window 3 (120 days
-- back); windows without a trade have no row. Each window is made of the trailing-window bands
-- `user_state` keeps (window 0 of the first two), so no day of `user_daily` is read.
-- For the holdout bench's per-user forecasts; the daily run reads these windows summed per age
-- band (queries/recommend/persistence_band_sums.sql) and per cohort (cohort_value_sums.sql).
with

state as (
    select * from user_state
    where dt = :run_date
        and cohort_date is not null
        and trade_days_7d + trade_days_8_30d + trade_days_31_60d + trade_days_61_90d + trade_days_91_120d > 0
),

registry as (
    select * from partners
),

window_indexes as (
    select window_index from (values (0), (1), (2), (3)) as windows (window_index)
),

windows as (
    select
        state.user_id,
        state.partner_id,
        window_indexes.window_index,
        case window_indexes.window_index
            when 0 then state.trade_days_7d + state.trade_days_8_30d
            when 1 then state.trade_days_31_60d
            when 2 then state.trade_days_61_90d
            when 3 then state.trade_days_91_120d
        end as trade_days,
        case window_indexes.window_index
            when 0 then state.fees_7d_usd + state.fees_8_30d_usd
            when 1 then state.fees_31_60d_usd
            when 2 then state.fees_61_90d_usd
            when 3 then state.fees_91_120d_usd
        end as fees_usd
    from state
    cross join window_indexes
),

final as (
    select
        windows.user_id,
        windows.window_index,
        windows.trade_days,
        cast(windows.fees_usd as double) * (1 - coalesce(registry.revshare_rate, 0)) as net_revenue_usd
    from windows
    left join registry
        on windows.partner_id = registry.partner_id
    where windows.trade_days > 0
)

select * from final
order by user_id, window_index
