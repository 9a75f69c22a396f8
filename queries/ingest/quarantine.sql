-- Builds: the `quarantine` rows of one ingest.
-- Grain: one row per rejected line of the file.
with

staged as (
    select * from staged_quarantine
    where staging_id = :staging_id
),

final as (
    select
        :ingest_id as ingest_id,
        :file as file,
        cast(line as bigint) as line,
        reason,
        coalesce(raw, '') as raw
    from staged
)

select * from final
