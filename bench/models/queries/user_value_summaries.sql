-- Grain: one row per attributed user as of :run_date: cohort, partner, age, net revenue to date, and
-- net revenue at age <= each forecast horizon (90, 180, 365 days) for cohorts that have passed it.
-- For the holdout bench, whose competitor models take a row per user; the daily run reads these
-- sums per cohort (queries/recommend/cohort_value_sums.sql).
with

state_bands as (
    select * from user_state
    where dt = :run_date
        and cohort_date is not null
),

-- Fees at age <= each forecast horizon: all fees less those of the later age bands, which are
-- sparse (a user has them only once past the horizon), so four columns are read instead of ten.
state as (
    select
        state_bands.*,
        state_bands.fees_usd - coalesce(state_bands.fees_ages_over_365_usd, 0) as fees_age_365,
        state_bands.fees_usd
            - coalesce(state_bands.fees_ages_over_365_usd, 0)
            - coalesce(state_bands.fees_ages_181_365_usd, 0) as fees_age_180,
        state_bands.fees_usd
            - coalesce(state_bands.fees_ages_over_365_usd, 0)
            - coalesce(state_bands.fees_ages_181_365_usd, 0)
            - coalesce(state_bands.fees_ages_91_180_usd, 0) as fees_age_90
    from state_bands
),

registry as (
    select * from partners
),

final as (
    select
        state.user_id,
        state.partner_id,
        state.cohort_date,
        date_diff('day', state.cohort_date, :run_date) as age_days,
        cast(state.fees_usd as double) * (1 - coalesce(registry.revshare_rate, 0)) as net_revenue_usd,
        cast(state.fees_age_90 as double) * (1 - coalesce(registry.revshare_rate, 0)) as net_revenue_age_90_usd,
        cast(state.fees_age_180 as double) * (1 - coalesce(registry.revshare_rate, 0)) as net_revenue_age_180_usd,
        cast(state.fees_age_365 as double) * (1 - coalesce(registry.revshare_rate, 0)) as net_revenue_age_365_usd
    from state
    left join registry
        on state.partner_id = registry.partner_id
)

select * from final
order by user_id
