-- Builds: `cohort_ltv` as of :run_date (docs/contract.md, cohort_ltv).
-- Grain: one row per cohort date, partner and age day, for every (date, partner) with signups or spend.
with

state as (
    select * from user_state
    where dt = :run_date
        and cohort_date is not null
),

registry as (
    select * from partners
),

-- The compact spend per date and partner, not every date's partition of raw spend.
spend_to_date as (
    select * from spend_daily
    where spend_date <= :run_date
),

ages as (
    select age_day from (values (0), (1), (3), (7), (14), (30), (60), (90), (180), (365)) as age_days (age_day)
),

user_ages as (
    select
        state.cohort_date,
        state.partner_id,
        ages.age_day,
        case
            when state.ftd_date is not null and date_diff('day', state.cohort_date, state.ftd_date) <= ages.age_day
                then 1
            else 0
        end as is_funded,
        -- The fees of the band of ages that ends at this age day; cohort_ages adds up the bands.
        case ages.age_day
            when 0 then state.fees_ages_0_0_usd
            when 1 then state.fees_ages_1_1_usd
            when 3 then state.fees_ages_2_3_usd
            when 7 then state.fees_ages_4_7_usd
            when 14 then state.fees_ages_8_14_usd
            when 30 then state.fees_ages_15_30_usd
            when 60 then state.fees_ages_31_60_usd
            when 90 then state.fees_ages_61_90_usd
            when 180 then state.fees_ages_91_180_usd
            when 365 then state.fees_ages_181_365_usd
        end as band_fees_usd,
        -- The volume (GMV) of the same band.
        case ages.age_day
            when 0 then state.volume_ages_0_0_usd
            when 1 then state.volume_ages_1_1_usd
            when 3 then state.volume_ages_2_3_usd
            when 7 then state.volume_ages_4_7_usd
            when 14 then state.volume_ages_8_14_usd
            when 30 then state.volume_ages_15_30_usd
            when 60 then state.volume_ages_31_60_usd
            when 90 then state.volume_ages_61_90_usd
            when 180 then state.volume_ages_91_180_usd
            when 365 then state.volume_ages_181_365_usd
        end as band_volume_usd
    from state
    cross join ages
),

cohort_bands as (
    select
        cohort_date,
        partner_id,
        age_day,
        count(*) as cohort_users,
        sum(is_funded) as funded_users,
        sum(band_fees_usd) as band_fees_usd,
        sum(band_volume_usd) as band_volume_usd
    from user_ages
    group by cohort_date, partner_id, age_day
),

-- Fees and volume at age <= age_day: the sum of the cohort's bands up to it.
cohort_ages as (
    select
        cohort_date,
        partner_id,
        age_day,
        cohort_users,
        funded_users,
        sum(band_fees_usd) over (
            partition by cohort_date, partner_id
            order by age_day
        ) as fees_usd,
        sum(band_volume_usd) over (
            partition by cohort_date, partner_id
            order by age_day
        ) as volume_usd
    from cohort_bands
),

spend_by_day as (
    select
        spend_date as cohort_date,
        partner_id,
        cast(sum(spend_usd) as double) as spend_usd
    from spend_to_date
    group by spend_date, partner_id
),

cohort_keys as (
    select distinct cohort_date, partner_id from cohort_ages
    union
    select cohort_date, partner_id from spend_by_day
),

revenue as (
    select
        cohort_keys.cohort_date,
        cohort_keys.partner_id,
        ages.age_day,
        coalesce(cohort_ages.cohort_users, 0) as cohort_users,
        coalesce(cohort_ages.funded_users, 0) as funded_users,
        coalesce(cast(cohort_ages.fees_usd as double), 0) * (1 - coalesce(registry.revshare_rate, 0)) as cum_net_revenue_usd,
        coalesce(cast(cohort_ages.volume_usd as double), 0) as cum_gmv_usd,
        coalesce(spend_by_day.spend_usd, 0) as spend_usd
    from cohort_keys
    cross join ages
    left join cohort_ages
        on cohort_keys.cohort_date = cohort_ages.cohort_date
        and cohort_keys.partner_id = cohort_ages.partner_id
        and ages.age_day = cohort_ages.age_day
    left join spend_by_day
        on cohort_keys.cohort_date = spend_by_day.cohort_date
        and cohort_keys.partner_id = spend_by_day.partner_id
    left join registry
        on cohort_keys.partner_id = registry.partner_id
),

final as (
    select
        cohort_date,
        partner_id,
        cast(age_day as bigint) as age_day,
        cast(cohort_users as bigint) as cohort_users,
        cast(funded_users as bigint) as funded_users,
        cum_net_revenue_usd,
        case when cohort_users > 0 then cum_net_revenue_usd / cohort_users end as ltv_usd,
        spend_usd,
        case when spend_usd > 0 then cum_net_revenue_usd / spend_usd end as roas,
        case when spend_usd > 0 then (cum_net_revenue_usd - spend_usd) / spend_usd end as roi,
        cum_gmv_usd,
        date_add('day', age_day, cohort_date) <= :run_date as is_complete,
        :run_date as run_date
    from revenue
)

select * from final
