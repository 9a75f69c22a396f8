-- Builds: the rows of `impact_actions` one Impact ingest adds: every valid line, numbered as the
-- next versions of its action after those completed ingests stored. A line whose every column read
-- equals the version before it (an earlier line, or the latest stored version) is a duplicate.
-- Grain: one row per valid line of the ingested file.
with

staged as (
    select * from staged_impact
    where staging_id = :staging_id
),

completed_ingests as (
    -- An ingest counts once it is logged as done; the rows an interrupted attempt of this same
    -- ingest left are replaced.
    select ingest_id from ingest_log
    where kind = 'impact'
),

staged_ids as (
    select distinct action_id from staged
),

stored_versions as (
    select
        impact_actions.action_id,
        impact_actions.version,
        impact_actions.row_digest,
        row_number() over (
            partition by impact_actions.action_id
            order by impact_actions.version desc
        ) as rank_in_action
    from impact_actions
    inner join staged_ids
        on impact_actions.action_id = staged_ids.action_id
    inner join completed_ingests
        on impact_actions.ingest_id = completed_ingests.ingest_id
),

latest_stored as (
    select * from stored_versions
    where rank_in_action = 1
),

ordered_lines as (
    select
        staged.*,
        row_number() over (
            partition by action_id
            order by cast(line as bigint)
        ) as position_in_file,
        lag(row_digest) over (
            partition by action_id
            order by cast(line as bigint)
        ) as previous_line_digest
    from staged
),

classified as (
    select
        ordered_lines.*,
        coalesce(latest_stored.version, 0) + ordered_lines.position_in_file as version,
        coalesce(
            ordered_lines.row_digest = coalesce(ordered_lines.previous_line_digest, latest_stored.row_digest),
            false
        ) as is_duplicate
    from ordered_lines
    left join latest_stored
        on ordered_lines.action_id = latest_stored.action_id
),

final as (
    select
        action_id,
        cast(version as bigint) as version,
        campaign_id,
        nullif(action_tracker_name, '') as action_tracker_name,
        nullif(media_partner_id, '') as media_partner_id,
        nullif(media_partner_name, '') as media_partner_name,
        state,
        cast(occurred_at as timestamp) as occurred_at,
        cast(nullif(locking_at, '') as timestamp) as locking_at,
        cast(payout_original as double) as payout_original,
        currency,
        cast(usd_per_unit as double) as usd_per_unit,
        cast(payout_usd as double) as payout_usd,
        cast(nullif(amount, '') as double) as amount,
        nullif(customer_id, '') as customer_id,
        row_digest,
        is_duplicate,
        :file as source_file,
        cast(line as bigint) as source_line,
        :ingest_id as ingest_id,
        cast(cast(occurred_at as timestamp) as date) as dt
    from classified
)

select * from final
