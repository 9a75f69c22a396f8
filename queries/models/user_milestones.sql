-- Builds: `user_milestones` for the given dates (partitions), from user_daily of those dates: the
-- day's earliest signup and KYC verification of every user who had one. They never change once
-- the day's events are in, so they live here rather than in user_state, which every daily fold
-- reads and rewrites whole; the `users` view takes a user's signup_at from the day of their
-- cohort_date and kyc_at from the day of their kyc_date.
-- Grain: one row per user and UTC day with a signup or a KYC verification.
with

days as (
    select * from user_daily
    where dt in (:dates)
        and (first_signup_at is not null or first_kyc_at is not null)
),

final as (
    select
        user_id,
        first_signup_at as signup_at,
        first_kyc_at as kyc_at,
        dt
    from days
)

select * from final
