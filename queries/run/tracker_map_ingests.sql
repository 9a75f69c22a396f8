-- Grain: one row per tracker-map ingest: the tracker tables apply the current map, so each new one
-- makes them stale.
with

map_ingests as (
    select * from ingest_log
    where kind = 'tracker-map'
),

final as (
    select distinct ingest_id from map_ingests
)

select * from final
