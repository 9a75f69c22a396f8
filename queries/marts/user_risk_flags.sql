-- Builds: the `user_risk_flags` partitions of the snapshot dates :dates (docs/contract.md, Traffic
-- quality): for each snapshot date R, each user of the cohorts C = [R - 29, R] (the users
-- partner_quality counts) once for every signal that holds for them as of R, with its evidence.
-- Grain: one row per snapshot date, user and flag.
with

signals as (
    select * from user_quality_signals
    where dt in (:dates)
),

-- Seconds and shares with three decimals ('3.250', '-2.000', '0.900').
fast_signups as (
    select
        dt,
        user_id,
        'fast_signup' as flag,
        cast(cast(cast(click_to_signup_ms as double) / 1000 as decimal(18, 3)) as varchar) as evidence
    from signals
    where is_fast_signup
),

shared_devices as (
    select
        dt,
        user_id,
        'shared_device' as flag,
        device_sharers as evidence
    from signals
    where has_shared_device
),

shared_funding as (
    select
        dt,
        user_id,
        'shared_funding' as flag,
        funding_sharers as evidence
    from signals
    where has_shared_funding
),

bonus_abuse as (
    select
        dt,
        user_id,
        'bonus_abuse' as flag,
        cast(cast(first_week_withdrawn_share as decimal(18, 3)) as varchar) as evidence
    from signals
    where is_bonus_abuse
),

final as (
    select user_id, flag, evidence, dt as snapshot_date from fast_signups
    union all
    select user_id, flag, evidence, dt as snapshot_date from shared_devices
    union all
    select user_id, flag, evidence, dt as snapshot_date from shared_funding
    union all
    select user_id, flag, evidence, dt as snapshot_date from bonus_abuse
)

select * from final
