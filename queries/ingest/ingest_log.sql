-- Builds: the `ingest_log` row of one ingest; written last, it marks the ingest as done.
-- Grain: one row per ingested file.
select
    :ingest_id as ingest_id,
    :file as file,
    :kind as kind,
    :ingested_at as ingested_at,
    cast(:rows_read as bigint) as rows_read,
    cast(:rows_accepted as bigint) as rows_accepted,
    cast(:rows_duplicate as bigint) as rows_duplicate,
    cast(:rows_quarantined as bigint) as rows_quarantined
