-- Grain: one row per partner-registry ingest: a registry replaces the previous one, and the marts
-- that list every registry partner (partner_quality) go stale with each new one.
with

registry_ingests as (
    select * from ingest_log
    where kind = 'partners'
),

final as (
    select distinct ingest_id from registry_ingests
)

select * from final
