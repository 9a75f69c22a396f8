-- Grain: one row per built state partition, with the fingerprint of the inputs it was built from.
with

manifest as (
    select * from build_manifest
),

final as (
    select
        table_name,
        dt,
        inputs_hash
    from manifest
)

select * from final
