-- Builds: `signup_clicks` for the given dates (partitions), from the events of those dates only:
-- each day's first sign-up of a user (ranked as user_daily ranks them) with its click_at. A user's
-- first sign-up ever is the first of their cohort date's, so the quality signals read the few rows
-- of their cohorts' dates here, never the raw events.
-- Grain: one row per user and UTC day with a signup event.
with

day_signups as (
    select * from events
    where dt in (:dates)
        and event_type = 'signup'
),

ranked_signups as (
    select
        user_id,
        occurred_at,
        click_at,
        dt,
        row_number() over (partition by user_id, dt order by occurred_at, event_id) as signup_rank
    from day_signups
),

final as (
    select
        user_id,
        occurred_at as signup_at,
        click_at,
        dt
    from ranked_signups
    where signup_rank = 1
)

select * from final
