/**
 * The table registry: the one place a table's name, columns, grain, key and partitioning live.
 * The DuckDB views, the Glue tables and the table docs are all derived from it.
 */

/** Column types, named as Trino/Athena names them. */
export type ColumnType = 'varchar' | 'double' | 'bigint' | 'boolean' | 'date' | 'timestamp';

/** One column of a table. */
export interface ColumnDef {
  readonly name: string;
  readonly type: ColumnType;
  readonly description: string;
}

/** Where a table sits in the lake and who reads it. */
export type TableLayer = 'curated' | 'quality' | 'staging' | 'state' | 'mart';

/** How a table's files are laid out under its location. */
export type StorageFormat = 'parquet' | 'csv';

/** A table of the lake. */
export interface TableDef {
  readonly name: string;
  readonly layer: TableLayer;
  readonly description: string;
  /** "One row per ..." */
  readonly grain: string;
  readonly key: readonly string[];
  /** Data columns, without the partition column. */
  readonly columns: readonly ColumnDef[];
  /** The hive partition column (`name=value/` directories), if any. */
  readonly partition?: ColumnDef;
  /** The table's prefix under the lake root. */
  readonly location: string;
  readonly format: StorageFormat;
  /** An analyst's question and the SQL that answers it, for the docs. */
  readonly example?: { readonly question: string; readonly sql: string };
}

const col = (name: string, type: ColumnType, description: string): ColumnDef => ({ name, type, description });

const dtPartition = (meaning: string): ColumnDef => col('dt', 'date', meaning);

/** Platform events, deduplicated on `event_id`, partitioned by the UTC date of `occurred_at`. */
export const EVENTS: TableDef = {
  name: 'events',
  layer: 'curated',
  description: 'Every accepted platform event (CONTRACT.md 1.1), deduplicated on event_id across all files ever ingested.',
  grain: 'one row per event_id',
  key: ['event_id'],
  columns: [
    col('event_id', 'varchar', 'The event id; unique across the lake.'),
    col('event_type', 'varchar', 'signup, kyc_verified, deposit, withdrawal, trade or login.'),
    col('user_id', 'varchar', 'The user the event belongs to.'),
    col('occurred_at', 'timestamp', 'When the event happened, UTC.'),
    col('partner_id', 'varchar', 'On signup events: the referring partner; null means organic.'),
    col('amount_usd', 'double', 'Deposit, withdrawal or trade notional amount in USD; null on other types.'),
    col('fee_usd', 'double', "On trades: the exchange's fee revenue in USD (0 when absent); null on other types."),
    col('product', 'varchar', 'On trades: spot or futures; null on other types.'),
    col('country', 'varchar', 'Optional country.'),
    col('platform', 'varchar', 'Optional platform: web, ios or android.'),
    col('campaign_id', 'varchar', 'Optional campaign id.'),
    col('source_file', 'varchar', 'The file the event was ingested from.'),
    col('ingest_id', 'varchar', 'The ingest that accepted it (see ingest_log).'),
  ],
  partition: dtPartition('The UTC date of occurred_at.'),
  location: 'curated/events',
  format: 'parquet',
  example: {
    question: 'How many trades and how much fee revenue per product yesterday?',
    sql: "select product, count(*) as trades, sum(fee_usd) as fees_usd from events where dt = date '2026-11-21' and event_type = 'trade' group by product",
  },
};

/** Partner spend in USD after restatements: only the current row of each key. */
export const SPEND: TableDef = {
  name: 'spend',
  layer: 'curated',
  description:
    'Partner spend (CONTRACT.md 1.3) converted to USD, with restatements applied: for each key only the row ingested last.',
  grain: 'one row per spend date, partner, campaign and cost type',
  key: ['spend_date', 'partner_id', 'campaign_id', 'cost_type'],
  columns: [
    col('spend_date', 'date', 'The date the money was spent.'),
    col('partner_id', 'varchar', 'The partner paid.'),
    col('campaign_id', 'varchar', 'The campaign; empty string when none.'),
    col('cost_type', 'varchar', 'flat, cpa, cpc, cpm or other.'),
    col('spend_original', 'double', 'The amount in its original currency.'),
    col('currency', 'varchar', 'ISO 4217 code of the original amount.'),
    col('usd_per_unit', 'double', 'The FX rate used (1 for USD).'),
    col('spend_usd', 'double', 'The amount in USD.'),
    col('impressions', 'bigint', 'Impressions, when the partner reports them.'),
    col('clicks', 'bigint', 'Clicks, when the partner reports them.'),
    col('source_file', 'varchar', 'The file this (current) row came from.'),
    col('source_line', 'bigint', 'Its line in that file.'),
    col('ingested_at', 'timestamp', 'When that file was ingested, UTC.'),
  ],
  partition: dtPartition('Equal to spend_date.'),
  location: 'curated/spend',
  format: 'parquet',
  example: {
    question: 'What did each partner cost over the last 7 days?',
    sql: "select partner_id, sum(spend_usd) as spend_usd from spend where dt between date '2026-11-15' and date '2026-11-21' group by partner_id order by spend_usd desc",
  },
};

/** The partner registry snapshot. */
export const PARTNERS: TableDef = {
  name: 'partners',
  layer: 'curated',
  description: 'The partner registry (CONTRACT.md 1.2): the snapshot ingested last replaces the previous one.',
  grain: 'one row per partner',
  key: ['partner_id'],
  columns: [
    col('partner_id', 'varchar', 'The partner id used in signup events and spend.'),
    col('name', 'varchar', 'Display name.'),
    col('channel', 'varchar', 'affiliate, kol, content, community, network or other.'),
    col('network', 'varchar', 'The affiliate network the partner is managed through, if any.'),
    col('revshare_rate', 'double', "Share of a referred user's trading fees paid to the partner, 0 to 1."),
    col('status', 'varchar', 'active or paused.'),
    col('min_daily_budget_usd', 'double', 'Lower bound for the budget recommender, if any.'),
    col('max_daily_budget_usd', 'double', 'Upper bound for the budget recommender, if any.'),
  ],
  location: 'curated/partners',
  format: 'parquet',
  example: {
    question: 'Which KOLs take a revenue share?',
    sql: "select partner_id, name, revshare_rate from partners where channel = 'kol' and revshare_rate > 0",
  },
};

/** FX rates. */
export const FX: TableDef = {
  name: 'fx',
  layer: 'curated',
  description: 'FX rates (CONTRACT.md 1.4); for each date and currency the rate ingested last.',
  grain: 'one row per date and currency',
  key: ['fx_date', 'currency'],
  columns: [
    col('fx_date', 'date', 'The date the rate applies to.'),
    col('currency', 'varchar', 'ISO 4217 code.'),
    col('usd_per_unit', 'double', 'USD for one unit of the currency.'),
  ],
  location: 'curated/fx',
  format: 'parquet',
};

/** One row per ingested file. */
export const INGEST_LOG: TableDef = {
  name: 'ingest_log',
  layer: 'quality',
  description:
    'One row per ingested file (CONTRACT.md 3.5); rows_read = rows_accepted + rows_duplicate + rows_quarantined.',
  grain: 'one row per ingested file',
  key: ['ingest_id'],
  columns: [
    col('ingest_id', 'varchar', "The SHA-256 of the file's bytes: the same bytes are ingested once."),
    col('file', 'varchar', 'The file as it was named to ingest.'),
    col('kind', 'varchar', 'events, spend, partners or fx.'),
    col('ingested_at', 'timestamp', 'When it was ingested, UTC.'),
    col('rows_read', 'bigint', 'Non-blank lines (JSON) or data rows (CSV) read.'),
    col('rows_accepted', 'bigint', 'Rows stored.'),
    col('rows_duplicate', 'bigint', 'Rows dropped as duplicates (events whose event_id was already accepted).'),
    col('rows_quarantined', 'bigint', 'Rows rejected with a reason in quarantine.'),
  ],
  location: 'quality/ingest_log',
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
  description: 'Every rejected input row with a one-line reason (CONTRACT.md 3.5).',
  grain: 'one row per rejected row',
  key: ['file', 'line'],
  columns: [
    col('ingest_id', 'varchar', 'The ingest that rejected it.'),
    col('file', 'varchar', 'The file it came from.'),
    col('line', 'bigint', 'Its 1-based line number in that file (the header is line 1 in CSV).'),
    col('reason', 'varchar', 'Why it was rejected, in one line.'),
    col('raw', 'varchar', 'The line as it was read.'),
  ],
  location: 'quality/quarantine',
  format: 'parquet',
  example: {
    question: 'What are the most common rejection reasons?',
    sql: 'select reason, count(*) as rows_rejected from quarantine group by reason order by rows_rejected desc',
  },
};

/** Which dates each ingest added rows to: the run's to-do list for incremental work. */
export const INGEST_PARTITIONS: TableDef = {
  name: 'ingest_partitions',
  layer: 'quality',
  description: 'Which dates each ingest added rows to; the daily run reads it to find late data.',
  grain: 'one row per ingest and date',
  key: ['ingest_id', 'kind', 'dt'],
  columns: [
    col('ingest_id', 'varchar', 'The ingest.'),
    col('kind', 'varchar', 'events or spend.'),
    col('dt', 'date', 'A date the ingest added rows to.'),
    col('rows_accepted', 'bigint', 'How many rows it added to that date.'),
  ],
  location: 'quality/ingest_partitions',
  format: 'parquet',
};

/**
 * A staging table: the validated rows of one ingest as CSV text columns, partitioned by ingest id,
 * which the engine reads to deduplicate and load them into the curated table.
 */
function stagingTable(name: string, description: string, columns: readonly string[]): TableDef {
  return {
    name,
    layer: 'staging',
    description,
    grain: 'one row per valid line of one ingested file',
    key: ['ingest_id', 'line'],
    columns: ['line', ...columns].map((column) => col(column, 'varchar', '')),
    partition: col('ingest_id', 'varchar', 'The ingest.'),
    location: `staging/${name.replace(/^staged_/, '')}`,
    format: 'csv',
  };
}

/** Validated events of one ingest; `occurred_at` as `YYYY-MM-DD HH:MM:SS.mmm` UTC. */
export const STAGED_EVENTS = stagingTable('staged_events', 'Validated, normalised events before deduplication.', [
  'event_id',
  'event_type',
  'user_id',
  'occurred_at',
  'partner_id',
  'amount_usd',
  'fee_usd',
  'product',
  'country',
  'platform',
  'campaign_id',
]);

/** Validated spend rows of one ingest, converted to USD, before restatements are applied. */
export const STAGED_SPEND = stagingTable('staged_spend', 'Validated spend rows converted to USD.', [
  'spend_date',
  'partner_id',
  'campaign_id',
  'cost_type',
  'spend_original',
  'currency',
  'usd_per_unit',
  'spend_usd',
  'impressions',
  'clicks',
]);

/** A validated partner registry. */
export const STAGED_PARTNERS = stagingTable(
  'staged_partners',
  'A validated partner registry.',
  PARTNERS.columns.map((column) => column.name),
);

/** Validated FX rates. */
export const STAGED_FX = stagingTable('staged_fx', 'Validated FX rates.', ['fx_date', 'currency', 'usd_per_unit']);

/** Rejected rows of one ingest. */
export const STAGED_QUARANTINE = stagingTable('staged_quarantine', 'Rejected rows with their reasons.', [
  'reason',
  'raw',
]);

/** Every table of the lake, by name. */
export const TABLES = {
  events: EVENTS,
  spend: SPEND,
  partners: PARTNERS,
  fx: FX,
  ingest_log: INGEST_LOG,
  quarantine: QUARANTINE,
  ingest_partitions: INGEST_PARTITIONS,
  staged_events: STAGED_EVENTS,
  staged_spend: STAGED_SPEND,
  staged_partners: STAGED_PARTNERS,
  staged_fx: STAGED_FX,
  staged_quarantine: STAGED_QUARANTINE,
} as const satisfies Record<string, TableDef>;

export type TableName = keyof typeof TABLES;

/** The tables analysts may read with `growthlake query` (staging is internal). */
export function queryableTables(): TableDef[] {
  return Object.values(TABLES).filter((table) => table.layer !== 'staging');
}
