/** Staging tables: one ingest's validated rows, before they are loaded. */
import { col, type TableDef } from './table-def.ts';
import { CAMPAIGNS, PARTNERS } from './tables-curated.ts';

/**
 * A staging table: the validated rows of one ingest as CSV text columns, partitioned by ingest id,
 * which the engine reads to deduplicate and load them into the curated table.
 */
export function stagingTable(name: string, description: string, columns: readonly string[]): TableDef {
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

/** Validated AppsFlyer or Adjust rows of one ingest; `occurred_at` as `YYYY-MM-DD HH:MM:SS.mmm` UTC. */
export const STAGED_TRACKER_EVENTS = stagingTable(
  'staged_tracker_events',
  'Validated AppsFlyer or Adjust rows, occurred_at in UTC.',
  [
    'source',
    'conversion_id',
    'user_id',
    'activity_kind',
    'event_name',
    'occurred_at',
    'source_key',
    'revenue',
    'currency',
  ],
);

/** Validated Impact actions of one ingest, converted to USD; times as `YYYY-MM-DD HH:MM:SS.mmm` UTC. */
export const STAGED_IMPACT = stagingTable('staged_impact', 'Validated Impact actions converted to USD.', [
  'action_id',
  'campaign_id',
  'action_tracker_name',
  'media_partner_id',
  'media_partner_name',
  'state',
  'occurred_at',
  'locking_at',
  'payout_original',
  'currency',
  'usd_per_unit',
  'payout_usd',
  'amount',
  'customer_id',
  'row_digest',
]);

/** A validated tracker map. */
export const STAGED_TRACKER_MAP = stagingTable('staged_tracker_map', 'A validated tracker map.', [
  'source',
  'source_key',
  'partner_id',
]);
