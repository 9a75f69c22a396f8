-- Grain: the `ingest_log` row of one file's bytes, if they were ingested before.
with

log as (
    select * from ingest_log
    where ingest_id = :ingest_id
),

final as (
    select
        file,
        kind,
        rows_read,
        rows_accepted,
        rows_duplicate,
        rows_quarantined
    from log
)

select * from final
