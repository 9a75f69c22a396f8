-- Builds: `retention` as of :run_date: the share of each cohort active 1, 7, 30 and 90 days after signup.
-- Grain: one row per cohort date and partner.
with

state as (
    select * from user_state
    where dt = :run_date
        and cohort_date is not null
),

cohorts as (
    select
        cohort_date,
        partner_id,
        count(*) as cohort_users,
        count_if(active_day_1) as active_d1_users,
        count_if(active_day_7) as active_d7_users,
        count_if(active_day_30) as active_d30_users,
        count_if(active_day_90) as active_d90_users
    from state
    group by cohort_date, partner_id
),

final as (
    select
        cohort_date,
        partner_id,
        cohort_users,
        active_d1_users,
        case
            when date_add('day', 1, cohort_date) <= :run_date then cast(active_d1_users as double) / cohort_users
        end as retention_d1,
        active_d7_users,
        case
            when date_add('day', 7, cohort_date) <= :run_date then cast(active_d7_users as double) / cohort_users
        end as retention_d7,
        active_d30_users,
        case
            when date_add('day', 30, cohort_date) <= :run_date then cast(active_d30_users as double) / cohort_users
        end as retention_d30,
        active_d90_users,
        case
            when date_add('day', 90, cohort_date) <= :run_date then cast(active_d90_users as double) / cohort_users
        end as retention_d90,
        :run_date as run_date
    from cohorts
)

select * from final
