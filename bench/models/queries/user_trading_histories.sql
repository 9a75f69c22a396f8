-- Grain: one row per attributed user as of :run_date who had traded by then, in the shape the
-- BG/NBD and Gamma-Gamma models take: the first trading day is the acquisition, each later trading
-- day a repeat transaction, and net revenue the value (the first day's kept apart, as repeat value
-- excludes it). It reads every day of user_daily up to :run_date: it serves the holdout bench
-- that compares those models with the persistence model, not the daily run, whose state carries
-- only what the persistence model needs.
with

state as (
    select * from user_state
    where dt = :run_date
        and cohort_date is not null
),

trading_days as (
    select * from user_daily
    where dt <= :run_date
        and trades > 0
),

registry as (
    select * from partners
),

ranked_days as (
    select
        user_id,
        dt,
        fees_usd,
        row_number() over (partition by user_id order by dt) as day_rank
    from trading_days
),

histories as (
    select
        user_id,
        count(*) as trade_days,
        min(dt) as first_trade_date,
        max(dt) as last_trade_date,
        sum(case when day_rank = 1 then fees_usd end) as first_trade_day_fees_usd
    from ranked_days
    group by user_id
),

final as (
    select
        state.user_id,
        histories.trade_days,
        date_diff('day', histories.first_trade_date, histories.last_trade_date) as recency_days,
        date_diff('day', histories.first_trade_date, :run_date) as trading_age_days,
        cast(histories.first_trade_day_fees_usd as double)
            * (1 - coalesce(registry.revshare_rate, 0)) as first_day_net_revenue_usd
    from state
    inner join histories
        on state.user_id = histories.user_id
    left join registry
        on state.partner_id = registry.partner_id
)

select * from final
order by user_id
