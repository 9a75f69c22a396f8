-- Builds: the partners the publications for run date :run_date name: every registry partner and
-- every other partner value (organic, unattributed, unknown ids) that partner_performance reports
-- for R or R - 7, with the registry's name, channel and status (null outside the registry).
-- Grain: one row per partner.
with

registry as (
    select * from partners
),

performance as (
    select * from partner_performance
    where run_date in (:run_date, date_add('day', -7, :run_date))
),

partner_ids as (
    select partner_id from registry
    union
    select partner_id from performance
),

final as (
    select
        partner_ids.partner_id,
        coalesce(nullif(registry.name, ''), partner_ids.partner_id) as partner_name,
        registry.channel,
        registry.status,
        registry.partner_id is not null as is_registered
    from partner_ids
    left join registry
        on partner_ids.partner_id = registry.partner_id
)

select * from final
