-- Defines: the `user_segments` view (docs/contract.md, user_segments): the snapshot of each date R is the
-- user_state of R, whose fold stratifies every user as of its date. No files: a filter on
-- snapshot_date reaches user_state's dt, so a query of one snapshot reads one state partition
-- (and of it only the columns asked for), and a snapshot restated by late data is current as soon
-- as its state is.
-- p_active_30d scores each user with the churn model of the snapshot's own run date (churn_model,
-- a few dozen coefficients per run date, fitted by the run; lambdas/churn/): the intercept plus the
-- coefficient of each of the user's levels, through the logistic function. A snapshot whose run
-- date has no model (built before the model existed) has null p_active_30d and churn_risk.
-- Grain: one row per user known on each as-of date of user_state.
with

state as (
    select * from user_state
),

churn_input as (
    select * from state
),

-- churn levels: begin (the same text in queries/marts/user_segments.sql and
-- queries/churn/churn_training_cells.sql, and the levels of lambdas/churn/features.ts: a test holds
-- them equal). Each user's level of each dimension of the churn model, as of the row's dt.
churn_days as (
    select
        churn_input.*,
        date_diff('day', churn_input.last_active_date, churn_input.dt) as churn_days_since_active,
        date_diff('day', churn_input.prev_active_date, churn_input.last_active_date) as churn_gap_days,
        date_diff('day', churn_input.prev2_active_date, churn_input.prev_active_date) as churn_gap2_days,
        churn_input.trade_days_7d + churn_input.trade_days_8_30d as churn_trade_days_30d,
        churn_input.trade_days_31_60d + churn_input.trade_days_61_90d as churn_trade_days_31_90d,
        date_diff('day', churn_input.first_active_date, churn_input.dt) as churn_tenure_days,
        -- The span of the last two gaps between active days (of the last one with two active days)
        -- and how many gaps it holds: days since active over span / gaps is how overdue the user
        -- is against their own rhythm, compared in integers.
        coalesce(
            date_diff('day', churn_input.prev2_active_date, churn_input.last_active_date),
            date_diff('day', churn_input.prev_active_date, churn_input.last_active_date)
        ) as churn_rhythm_span_days,
        case
            when churn_input.prev2_active_date is not null then 2
            when churn_input.prev_active_date is not null then 1
        end as churn_rhythm_gaps
    from churn_input
),

churn_levels as (
    select
        churn_days.*,
        case
            when churn_days_since_active <= 3 then cast(churn_days_since_active as varchar)
            when churn_days_since_active <= 6 then '4-6'
            when churn_days_since_active <= 9 then '7-9'
            when churn_days_since_active <= 13 then '10-13'
            when churn_days_since_active <= 20 then '14-20'
            when churn_days_since_active <= 29 then '21-29'
            when churn_days_since_active <= 44 then '30-44'
            when churn_days_since_active <= 59 then '45-59'
            when churn_days_since_active <= 89 then '60-89'
            when churn_days_since_active <= 179 then '90-179'
            else '180+'
        end as recency_level,
        case
            when churn_gap_days is null then 'none'
            when churn_gap_days <= 1 then '1'
            when churn_gap_days <= 3 then '2-3'
            when churn_gap_days <= 7 then '4-7'
            when churn_gap_days <= 14 then '8-14'
            when churn_gap_days <= 30 then '15-30'
            else '31+'
        end as gap_level,
        case
            when churn_gap2_days is null then 'none'
            when churn_gap2_days <= 1 then '1'
            when churn_gap2_days <= 3 then '2-3'
            when churn_gap2_days <= 7 then '4-7'
            when churn_gap2_days <= 14 then '8-14'
            when churn_gap2_days <= 30 then '15-30'
            else '31+'
        end as gap2_level,
        case
            when churn_trade_days_30d = 0 then '0'
            when churn_trade_days_30d = 1 then '1'
            when churn_trade_days_30d <= 4 then '2-4'
            when churn_trade_days_30d <= 9 then '5-9'
            else '10+'
        end as trade_days_30d_level,
        case
            when churn_trade_days_31_90d = 0 then '0'
            when churn_trade_days_31_90d <= 2 then '1-2'
            when churn_trade_days_31_90d <= 9 then '3-9'
            else '10+'
        end as trade_days_31_90d_level,
        case
            when churn_tenure_days <= 7 then '0-7'
            when churn_tenure_days <= 30 then '8-30'
            when churn_tenure_days <= 90 then '31-90'
            when churn_tenure_days <= 180 then '91-180'
            else '181+'
        end as tenure_level,
        churn_days.value_tier as value_tier_level,
        case
            when churn_rhythm_gaps is null then 'none'
            when churn_days_since_active = 0 then '0'
            when 2 * churn_days_since_active * churn_rhythm_gaps <= churn_rhythm_span_days then '0-0.5'
            when churn_days_since_active * churn_rhythm_gaps <= churn_rhythm_span_days then '0.5-1'
            when churn_days_since_active * churn_rhythm_gaps <= 2 * churn_rhythm_span_days then '1-2'
            when churn_days_since_active * churn_rhythm_gaps <= 4 * churn_rhythm_span_days then '2-4'
            when churn_days_since_active * churn_rhythm_gaps <= 8 * churn_rhythm_span_days then '4-8'
            when churn_days_since_active * churn_rhythm_gaps <= 16 * churn_rhythm_span_days then '8-16'
            else '16+'
        end as overdue_level
    from churn_days
),
-- churn levels: end

-- The logit: the intercept of the snapshot date's model plus the coefficient of each of the user's
-- levels (0 for a level the model has no row for); null without a model for the date. churn_model
-- is joined by name, not through an import CTE: DuckDB materializes a CTE referenced more than
-- once, and a query of the view then read every column of the state (a lifecycle count of one
-- snapshot of the small churn bench lake read 73 KB that way, 30 KB so; 2 KB before the model).
scored as (
    select
        churn_levels.*,
        intercept.coefficient
            + coalesce(recency.coefficient, 0)
            + coalesce(gap.coefficient, 0)
            + coalesce(gap2.coefficient, 0)
            + coalesce(trade_days_30d.coefficient, 0)
            + coalesce(trade_days_31_90d.coefficient, 0)
            + coalesce(tenure.coefficient, 0)
            + coalesce(value_tier.coefficient, 0)
            + coalesce(overdue.coefficient, 0) as churn_logit
    from churn_levels
    left join churn_model as intercept
        on intercept.run_date = churn_levels.dt
        and intercept.feature = 'intercept'
    left join churn_model as recency
        on recency.run_date = churn_levels.dt
        and recency.feature = 'recency'
        and recency.level = churn_levels.recency_level
    left join churn_model as gap
        on gap.run_date = churn_levels.dt
        and gap.feature = 'gap'
        and gap.level = churn_levels.gap_level
    left join churn_model as gap2
        on gap2.run_date = churn_levels.dt
        and gap2.feature = 'gap2'
        and gap2.level = churn_levels.gap2_level
    left join churn_model as trade_days_30d
        on trade_days_30d.run_date = churn_levels.dt
        and trade_days_30d.feature = 'trade_days_30d'
        and trade_days_30d.level = churn_levels.trade_days_30d_level
    left join churn_model as trade_days_31_90d
        on trade_days_31_90d.run_date = churn_levels.dt
        and trade_days_31_90d.feature = 'trade_days_31_90d'
        and trade_days_31_90d.level = churn_levels.trade_days_31_90d_level
    left join churn_model as tenure
        on tenure.run_date = churn_levels.dt
        and tenure.feature = 'tenure'
        and tenure.level = churn_levels.tenure_level
    left join churn_model as value_tier
        on value_tier.run_date = churn_levels.dt
        and value_tier.feature = 'value_tier'
        and value_tier.level = churn_levels.value_tier_level
    left join churn_model as overdue
        on overdue.run_date = churn_levels.dt
        and overdue.feature = 'overdue'
        and overdue.level = churn_levels.overdue_level
),

forecast as (
    select
        scored.*,
        1 / (1 + exp(-churn_logit)) as p_active_30d
    from scored
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
        cast(p_active_30d as double) as p_active_30d,
        case
            when p_active_30d >= 0.7 then 'low'
            when p_active_30d >= 0.3 then 'medium'
            when p_active_30d < 0.3 then 'high'
        end as churn_risk,
        dt as snapshot_date
    from forecast
)

select * from final
