-- Builds: one action's audience CSV: the users of the treated arm, by user_id. :audience is the
-- rendered audiences/audience query of :run_date for the one action. Read in batches as the engine
-- hands them over (Engine.queryBatches), so the code holds one batch of the CSV, not the audience.
-- Grain: one row per user of the action's treated arm.
with

audience as (
    select * from :audience
),

treated as (
    select *
    from audience
    where arm = 'treatment'
),

final as (
    select * from treated
)

select * from final
order by user_id
