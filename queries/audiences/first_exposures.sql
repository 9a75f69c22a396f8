-- Builds: the rows of `exposures` the playbook audiences of :run_date record, as one ingest
-- (:ingest_id) stores a file: each user's first appearance in an action's audience, in either arm,
-- assigned and ingested at :run_date 00:00:00, from the file playbook:<action>@<run date>.
-- :audience is the rendered audiences/audience query of :run_date; :exposed_before the rendered
-- audiences/playbook_exposed_users (who appeared before :run_date, so is not recorded again).
-- source_line numbers the rows of the whole ingest from 1: by the action's place in the playbook,
-- then the treated arm before the control arm, then user_id; a rerun of the date numbers them alike.
-- Grain: one row per playbook action and user in that action's audience for the first time.
with

audience as (
    select * from :audience
),

exposed_before as (
    select * from :exposed_before
),

first_appearances as (
    select audience.*
    from audience
    left join exposed_before
        on audience.campaign_id = exposed_before.campaign_id
        and audience.user_id = exposed_before.user_id
    where exposed_before.user_id is null
),

final as (
    select
        campaign_id,
        user_id,
        arm,
        cast(:run_date as timestamp) as assigned_at,
        campaign_id || '@' || cast(:run_date as varchar) as source_file,
        row_number() over (
            order by action_order, case when arm = 'treatment' then 0 else 1 end, user_id
        ) as source_line,
        :ingest_id as ingest_id,
        cast(:run_date as timestamp) as ingested_at,
        :run_date as dt
    from first_appearances
)

select * from final
