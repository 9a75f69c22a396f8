-- Builds: the counts of `counts.csv` under published/<run date>/audiences/: per playbook action the
-- users of its treated arm (the CSV), of its control arm (held out), and its first appearances
-- recorded as exposures by the ingest :ingest_id (written before this query runs).
-- :audience is the rendered audiences/audience query of :run_date.
-- Grain: one row per playbook action of :actions, in playbook order.
with

actions as (
    select * from :actions
),

audience as (
    select * from :audience
),

recorded as (
    select * from exposures
    where dt = :run_date
        and ingest_id = :ingest_id
),

arms as (
    select
        action_id,
        sum(case when arm = 'treatment' then 1 else 0 end) as users,
        sum(case when arm = 'control' then 1 else 0 end) as held_out
    from audience
    group by action_id
),

first_appearances as (
    select
        campaign_id,
        count(*) as first_exposures
    from recorded
    group by campaign_id
),

final as (
    select
        actions.action_id,
        actions.action_order,
        cast(coalesce(arms.users, 0) as bigint) as users,
        cast(coalesce(arms.held_out, 0) as bigint) as held_out,
        cast(coalesce(first_appearances.first_exposures, 0) as bigint) as first_exposures
    from actions
    left join arms
        on actions.action_id = arms.action_id
    left join first_appearances
        on actions.campaign_id = first_appearances.campaign_id
)

select * from final
order by action_order
