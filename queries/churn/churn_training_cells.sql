-- Grain: one row per combination of levels present at the cut-off.
-- Reads: what the churn model of run date :run_date is fitted on (docs/contract.md, user_segments:
-- p_active_30d): every user known at the cut-off :cutoff_date (R - 30), their levels as of it, and
-- whether they had an event in (cut-off, R] (their last active date at R is after the cut-off).
-- Counted per combination of levels: the fit needs only how many users share a design row and how
-- many of them were active (sufficient statistics), so the result grows with the combinations that
-- occur, not with the users (1,331 rows for 2,856 users on the small churn bench lake). Empty when
-- there is no state as of the cut-off.
with

churn_input as (
    select * from user_state
    where dt = :cutoff_date
),

outcome as (
    select user_id, last_active_date from user_state
    where dt = :run_date
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

labelled as (
    select
        churn_levels.*,
        case when outcome.last_active_date > churn_levels.dt then 1 else 0 end as is_active_next
    from churn_levels
    left join outcome
        on churn_levels.user_id = outcome.user_id
),

final as (
    select
        recency_level,
        gap_level,
        gap2_level,
        trade_days_30d_level,
        trade_days_31_90d_level,
        tenure_level,
        value_tier_level,
        overdue_level,
        count(*) as users,
        sum(is_active_next) as active_users
    from labelled
    group by 1, 2, 3, 4, 5, 6, 7, 8
)

select * from final
