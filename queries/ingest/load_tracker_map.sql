-- Builds: `tracker_map`, replaced whole by one snapshot.
-- Grain: one row per source and partner key.
with

staged as (
    select * from staged_tracker_map
    where staging_id = :staging_id
),

final as (
    select
        source,
        source_key,
        partner_id
    from staged
)

select * from final
