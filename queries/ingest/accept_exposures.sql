-- Builds: the rows of `exposures` one ingest adds: every valid line of the file, repeats and arm
-- switches included, since each of them takes part in finding a user's first exposure.
-- Grain: one row per valid line of the ingested file.
with

staged as (
    select * from staged_exposures
    where staging_id = :staging_id
),

final as (
    select
        campaign_id,
        user_id,
        arm,
        cast(assigned_at as timestamp) as assigned_at,
        :file as source_file,
        cast(line as bigint) as source_line,
        :ingest_id as ingest_id,
        :ingested_at as ingested_at,
        cast(cast(assigned_at as timestamp) as date) as dt
    from staged
)

select * from final
