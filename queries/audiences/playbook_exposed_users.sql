-- Grain: one row per playbook campaign of :campaign_ids and user first exposed before :run_date:
-- the users whose first appearance in that action's audience is already recorded, so the audiences
-- of :run_date record only the others. Read from the campaign state as of :run_date, which the
-- transform step built before the audiences (every playbook campaign has a state, with the playbook
-- windows when the registry lacks it): one small file, where the exposures table holds a file per
-- date of history. A user's first exposure is their earliest, so "first exposed before R" is "has an
-- exposure dated before R"; exposures dated :run_date are left out, so a rerun of the date, whose
-- state then holds R's recorded exposures, finds the same first appearances as its first run.
with

playbook_states as (
    select * from campaign_user_state
    where dt = :run_date
        and campaign_id in (:campaign_ids)
        and assigned_date < :run_date
),

final as (
    select
        campaign_id,
        user_id
    from playbook_states
)

select * from final
