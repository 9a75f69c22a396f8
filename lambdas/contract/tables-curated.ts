/** Curated inputs: the contract's four inputs as validated, deduplicated Parquet. */
import { col, dtPartition, type TableDef } from './table-def.ts';

/** Platform events, deduplicated on `event_id`, partitioned by the UTC date of `occurred_at`. */
export const EVENTS: TableDef = {
  name: 'events',
  layer: 'curated',
  description:
    'Every accepted platform event (docs/contract.md, Events), deduplicated on event_id across all files ever ingested.',
  grain: 'one row per event_id',
  key: ['event_id'],
  columns: [
    col('event_id', 'varchar', 'The event id; unique across the lake.'),
    col('event_type', 'varchar', 'signup, kyc_verified, deposit, withdrawal, trade or login.'),
    col('user_id', 'varchar', 'The user the event belongs to.'),
    col('occurred_at', 'timestamp', 'When the event happened, UTC.'),
    col('partner_id', 'varchar', 'On signup events: the referring partner; null means organic.'),
    col('amount_usd', 'double', 'Deposit, withdrawal or trade notional amount in USD; null on other types.'),
    col(
      'fee_usd',
      'double',
      "On trades: the exchange's fee revenue in USD (0 when absent); null on other types.",
    ),
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
    'Partner spend (docs/contract.md, Spend) converted to USD, with restatements applied: for each key only the row ingested last.',
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
  description:
    'The partner registry (docs/contract.md, Partners): the snapshot ingested last replaces the previous one.',
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
  description: 'FX rates (docs/contract.md, FX rates); for each date and currency the rate ingested last.',
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
