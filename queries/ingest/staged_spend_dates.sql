-- Grain: one row per spend date of one staged spend file, with its staged row count.
with

staged as (
    select * from staged_spend
    where staging_id = :staging_id
),

final as (
    select
        spend_date,
        count(*) as rows_staged
    from staged
    group by spend_date
)

select * from final
