-- Grain: one row per date to which one Impact ingest added rows: the rows it stored there, and how
-- many of them are duplicates. Counted over the stored rows, so that a row lost on the way to
-- `impact_actions` shows in the ingest's accounting.
with

ingested as (
    select * from impact_actions
    where ingest_id = :ingest_id
),

final as (
    select
        dt,
        count(*) as rows_stored,
        cast(sum(case when is_duplicate then 1 else 0 end) as bigint) as rows_duplicate
    from ingested
    group by dt
)

select * from final
