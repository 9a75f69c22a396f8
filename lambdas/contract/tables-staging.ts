/** Staging tables: one ingest's validated rows, before they are loaded. */
import { col, type TableDef } from './table-def.ts';
import { CAMPAIGNS, PARTNERS } from './tables-curated.ts';

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
    key: ['staging_id', 'line'],
    columns: ['line', ...columns].map((column) => col(column, 'varchar', '')),
    partition: col('staging_id', 'varchar', 'One ingest attempt (its rows are loaded, then removed).'),
    location: `staging/${name.replace(/^staged_/, '')}`,
    format: 'csv',
  };
}

/**
 * Validated events of one ingest; `occurred_at` and `click_at` as `YYYY-MM-DD HH:MM:SS.mmm` UTC,
 * `device_id` and `funding_id` already pseudonymized.
 */
export const STAGED_EVENTS = stagingTable(
  'staged_events',
  'Validated, normalised events before deduplication.',
  [
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
    'click_at',
    'device_id',
    'funding_id',
  ],
);

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
export const STAGED_FX = stagingTable('staged_fx', 'Validated FX rates.', [
  'fx_date',
  'currency',
  'usd_per_unit',
]);

/** A validated campaign registry. */
export const STAGED_CAMPAIGNS = stagingTable(
  'staged_campaigns',
  'A validated campaign registry.',
  CAMPAIGNS.columns.map((column) => column.name),
);

/** Validated exposures of one ingest; `assigned_at` as `YYYY-MM-DD HH:MM:SS.mmm` UTC. */
export const STAGED_EXPOSURES = stagingTable('staged_exposures', 'Validated exposures, assigned_at in UTC.', [
  'campaign_id',
  'user_id',
  'arm',
  'assigned_at',
]);

/** Rejected rows of one ingest. */
export const STAGED_QUARANTINE = stagingTable('staged_quarantine', 'Rejected rows with their reasons.', [
  'reason',
  'raw',
]);
