-- Grain: one row per date and ingest that added events to it: the inputs of each user_daily partition.
with

partitions as (
    select * from ingest_partitions
    where kind = 'events'
),

final as (
    select distinct
        dt,
        ingest_id
    from partitions
)

select * from final
