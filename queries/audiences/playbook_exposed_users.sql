-- Grain: one row per playbook campaign of :campaign_ids and user with an exposure dated before
-- :run_date: the users whose first appearance in that action's audience is already recorded, so
-- the audiences of :run_date record only the others. Exposures dated :run_date are left out, so a
-- rerun of the date finds the same first appearances as its first run.
with

playbook_exposures as (
    select * from exposures
    where dt < :run_date
        and campaign_id in (:campaign_ids)
),

final as (
    select distinct
        campaign_id,
        user_id
    from playbook_exposures
)

select * from final
