-- Grain: one row per input kind, date and ingest that added rows to it: what each built partition
-- and each run date depends on.
with

partitions as (
    select * from ingest_partitions
    where kind in ('events', 'spend', 'exposures', 'appsflyer', 'adjust', 'impact')
),

final as (
    select distinct
        kind,
        dt,
        ingest_id
    from partitions
)

select * from final
