-- Builds: one page of an action's audience CSV: the users of the treated arm with user_id after
-- :after_user_id (null for the first page), at most :page_rows of them, by user_id, so that the pages
-- in turn give the whole CSV in user_id order. :audience is the rendered audiences/audience query
-- of :run_date for the one action.
-- Grain: one row per user of the action's treated arm, a page of them.
with

audience as (
    select * from :audience
),

treated as (
    select *
    from audience
    where arm = 'treatment'
        and (:after_user_id is null or user_id > :after_user_id)
),

final as (
    select * from treated
)

select * from final
order by user_id
limit :page_rows
