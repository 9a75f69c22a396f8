-- Builds: the rows of ingest_partitions in one file (run by compactIngestPartitions in
-- lambdas/pipeline/ingest-partitions.ts): every row of its files, once (a compaction that stopped
-- before removing the files it gathered left them twice).
-- Grain: one row per ingest, input kind and date.
with

partitions as (
    select * from ingest_partitions
),

final as (
    select distinct
        ingest_id,
        kind,
        dt,
        rows_accepted
    from partitions
)

select * from final
