/** Data-quality tables: what every ingest read, stored and rejected. */
import { INPUT_KINDS } from './input-kinds.ts';
import { col, type TableDef } from './table-def.ts';

/** One row per ingested file. */
export const INGEST_LOG: TableDef = {
  name: 'ingest_log',
  layer: 'quality',
  description:
    'One row per ingested file (docs/contract.md, ingest_log and quarantine); rows_read = rows_accepted + rows_duplicate + rows_quarantined.',
  grain: 'one row per ingested file',
  key: ['ingest_id'],
  columns: [
    col('ingest_id', 'varchar', "The SHA-256 of the file's bytes: the same bytes are ingested once."),
    col('file', 'varchar', 'The file as it was named to ingest.'),
    col('kind', 'varchar', `The input kind: ${INPUT_KINDS.join(', ')}.`),
    col('ingested_at', 'timestamp', 'When it was ingested, UTC.'),
    col('rows_read', 'bigint', 'Non-blank lines (JSON) or data rows (CSV) read.'),
    col('rows_accepted', 'bigint', 'Rows stored, exposures counted as duplicates left out.'),
    col(
      'rows_duplicate',
      'bigint',
      'Rows counted as duplicates: an event_id already accepted, an earlier line of a key that a later line of the file replaced, or an exposure whose campaign and user an earlier line or file already had (stored all the same).',
    ),
    col('rows_quarantined', 'bigint', 'Rows rejected with a reason in quarantine.'),
  ],
  location: 'quality/ingest_log',
  appendOnly: true,
  format: 'parquet',
  example: {
    question: 'Which files had the highest quarantine rate this week?',
    sql: "select file, rows_quarantined * 1.0 / rows_read as quarantine_rate from ingest_log where ingested_at >= timestamp '2026-11-15 00:00:00' order by quarantine_rate desc",
  },
};

/** One row per rejected input row. */
export const QUARANTINE: TableDef = {
  name: 'quarantine',
  layer: 'quality',
  description:
    'Every rejected input row with a one-line reason (docs/contract.md, ingest_log and quarantine).',
  grain: 'one row per rejected row',
  // Not the file's name: a corrected file landed under the same name is another ingest, whose bad
  // lines may have the same numbers.
  key: ['ingest_id', 'line'],
  columns: [
    col('ingest_id', 'varchar', 'The ingest that rejected it.'),
    col('file', 'varchar', 'The file it came from.'),
    col('line', 'bigint', 'Its 1-based line number in that file (the header is line 1 in CSV).'),
    col('reason', 'varchar', 'Why it was rejected, in one line.'),
    col('raw', 'varchar', 'The line as it was read.'),
  ],
  location: 'quality/quarantine',
  appendOnly: true,
  format: 'parquet',
  example: {
    question: 'What are the most common rejection reasons?',
    sql: 'select reason, count(*) as rows_rejected from quarantine group by reason order by rows_rejected desc',
  },
};

/**
 * How many ingests' own files of ingest_partitions the daily run leaves before it gathers them into
 * one (see lambdas/pipeline/ingest-partitions.ts).
 */
export const MAX_LOOSE_INGEST_PARTITION_FILES = 32;

/** Which dates each ingest added rows to: the run's to-do list for incremental work. */
export const INGEST_PARTITIONS: TableDef = {
  name: 'ingest_partitions',
  layer: 'quality',
  description:
    'Which dates each ingest added rows to; the daily run reads it to find late data. Each ingest adds ' +
    `a small file; once there are more than ${MAX_LOOSE_INGEST_PARTITION_FILES}, the run gathers them into one (a run that fails ` +
    'between writing that file and removing the small ones leaves their rows twice until the next ' +
    'run: count distinct rows).',
  grain: 'one row per ingest and date',
  key: ['ingest_id', 'kind', 'dt'],
  columns: [
    col('ingest_id', 'varchar', 'The ingest.'),
    col('kind', 'varchar', 'events, spend or exposures: the kinds stored by date.'),
    col('dt', 'date', 'A date the ingest added rows to.'),
    col('rows_accepted', 'bigint', 'How many rows it added to that date.'),
  ],
  location: 'quality/ingest_partitions',
  appendOnly: true,
  format: 'parquet',
  sortedBy: ['kind', 'dt', 'ingest_id'],
};
