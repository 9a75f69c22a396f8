-- Builds: `user_daily` for the given dates (partitions), from the events of those dates only.
-- Grain: one row per user and UTC day with at least one event.
with

day_events as (
    select * from events
    where dt in (:dates)
),

ranked_signups as (
    select
        user_id,
        dt,
        occurred_at,
        partner_id,
        row_number() over (partition by user_id, dt order by occurred_at, event_id) as signup_rank
    from day_events
    where event_type = 'signup'
),

first_signups as (
    select
        user_id,
        dt,
        occurred_at as first_signup_at,
        partner_id as first_signup_partner_id
    from ranked_signups
    where signup_rank = 1
),

activity as (
    select
        user_id,
        dt,
        count(*) as events,
        count_if(event_type = 'login') as logins,
        count_if(event_type = 'signup') as signups,
        min(case when event_type = 'kyc_verified' then occurred_at end) as first_kyc_at,
        count_if(event_type = 'deposit') as deposits,
        coalesce(sum(case when event_type = 'deposit' then cast(amount_usd as decimal(38, 9)) end), 0) as deposits_usd,
        min(case when event_type = 'deposit' and amount_usd > 0 then occurred_at end) as first_funded_deposit_at,
        count_if(event_type = 'withdrawal') as withdrawals,
        coalesce(sum(case when event_type = 'withdrawal' then cast(amount_usd as decimal(38, 9)) end), 0) as withdrawals_usd,
        count_if(event_type = 'trade') as trades,
        count_if(event_type = 'trade' and product = 'spot') as spot_trades,
        count_if(event_type = 'trade' and product = 'futures') as futures_trades,
        coalesce(sum(case when event_type = 'trade' then cast(amount_usd as decimal(38, 9)) end), 0) as volume_usd,
        coalesce(sum(case when event_type = 'trade' then cast(fee_usd as decimal(38, 9)) end), 0) as fees_usd
    from day_events
    group by user_id, dt
),

final as (
    select
        activity.user_id,
        activity.events,
        activity.logins,
        activity.signups,
        first_signups.first_signup_at,
        first_signups.first_signup_partner_id,
        activity.first_kyc_at,
        activity.deposits,
        activity.deposits_usd,
        activity.first_funded_deposit_at,
        activity.withdrawals,
        activity.withdrawals_usd,
        activity.trades,
        activity.spot_trades,
        activity.futures_trades,
        activity.volume_usd,
        activity.fees_usd,
        activity.dt
    from activity
    left join first_signups
        on activity.user_id = first_signups.user_id
        and activity.dt = first_signups.dt
)

select * from final
