-- Grain: one row per date to which one ingest added exposures: the rows it stored there, and how
-- many of them are duplicates: a row whose (campaign_id, user_id) an earlier line of the same file,
-- or any earlier ingest, already had. Counted over the stored rows, so that a row lost on the way
-- to `exposures` shows in the ingest's accounting.
with

ingested as (
    select * from exposures
    where ingest_id = :ingest_id
),

completed_ingests as (
    -- An ingest is earlier once it is logged as done. The rows of an interrupted ingest (this one's
    -- own earlier attempt included) do not count until ingesting its file again completes it; they
    -- then come after those of every ingest completed meanwhile.
    select ingest_id from ingest_log
    where kind = 'exposures'
),

ingested_pairs as (
    select distinct
        campaign_id,
        user_id
    from ingested
),

earlier_pairs as (
    select distinct
        exposures.campaign_id,
        exposures.user_id
    from exposures
    inner join ingested_pairs
        on exposures.campaign_id = ingested_pairs.campaign_id
        and exposures.user_id = ingested_pairs.user_id
    inner join completed_ingests
        on exposures.ingest_id = completed_ingests.ingest_id
),

numbered_lines as (
    select
        dt,
        campaign_id,
        user_id,
        row_number() over (
            partition by campaign_id, user_id
            order by source_line
        ) as line_number_in_pair
    from ingested
),

classified as (
    select
        numbered_lines.dt,
        numbered_lines.line_number_in_pair > 1
        or earlier_pairs.campaign_id is not null as is_duplicate
    from numbered_lines
    left join earlier_pairs
        on numbered_lines.campaign_id = earlier_pairs.campaign_id
        and numbered_lines.user_id = earlier_pairs.user_id
),

final as (
    select
        dt,
        count(*) as rows_stored,
        cast(sum(case when is_duplicate then 1 else 0 end) as bigint) as rows_duplicate
    from classified
    group by dt
)

select * from final
