/** Curated inputs: the contract's inputs as validated Parquet, deduplicated where the input asks it. */
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
    col(
      'click_at',
      'timestamp',
      'On signups: when the attributed click happened, UTC; null when not given (and in files ingested before the column existed).',
    ),
    col(
      'device_id',
      'varchar',
      'The pseudonym of the device id (HMAC-SHA-256 under the lake key, 64 hex characters); null when not given.',
    ),
    col(
      'funding_id',
      'varchar',
      'On deposits and withdrawals: the pseudonym of the funding account or wallet id, like device_id; null otherwise.',
    ),
    col('source_file', 'varchar', 'The file the event was ingested from.'),
    col('ingest_id', 'varchar', 'The ingest that accepted it (see ingest_log).'),
  ],
  partition: dtPartition('The UTC date of occurred_at.'),
  location: 'curated/events',
  appendOnly: true,
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

/** The campaign registry snapshot. */
export const CAMPAIGNS: TableDef = {
  name: 'campaigns',
  layer: 'curated',
  description:
    'The campaign registry (docs/contract.md, Campaigns): the snapshot ingested last replaces the previous one.',
  grain: 'one row per campaign',
  key: ['campaign_id'],
  columns: [
    col('campaign_id', 'varchar', 'The campaign id exposures name.'),
    col('name', 'varchar', 'Display name; empty when not given.'),
    col('owner', 'varchar', 'The team or person running it, if given.'),
    col('start_date', 'date', 'The first day of the campaign, for people: exposures before it still count.'),
    col('end_date', 'date', 'Its last day; null while open. Exposures after it still count.'),
    col('window_days', 'bigint', "Days in each exposed user's outcome window, 1 to 90 (14 when not given)."),
    col(
      'pre_days',
      'bigint',
      'Days before exposure the covariate is measured over, 0 to 90 (30 when not given; 0 turns it off).',
    ),
    col('holdout_share', 'double', 'The designed control share, above 0 and below 1.'),
    col(
      'cost_per_treated_usd',
      'double',
      'The incentive or message cost per treated user, USD (0 when not given).',
    ),
    col('primary_metric', 'varchar', 'kyc, ftd, traded, active_days, net_revenue_usd or deposits_usd.'),
  ],
  location: 'curated/campaigns',
  format: 'parquet',
  example: {
    question: 'Which campaigns are running today, and what do they measure?',
    sql: "select campaign_id, name, owner, primary_metric, holdout_share from campaigns where start_date <= date '2026-11-21' and (end_date is null or end_date >= date '2026-11-21') order by campaign_id",
  },
};

/**
 * Every valid exposure row ever ingested, repeats included: a user's first exposure (earliest
 * assigned_at, then the row ingested first) decides their arm, and a later row in the other arm
 * is a switch, so no row may be dropped at ingest.
 */
export const EXPOSURES: TableDef = {
  name: 'exposures',
  layer: 'curated',
  description:
    "Every valid exposure row of every file ingested (docs/contract.md, Exposures), repeats and arm switches included: a user's first exposure is found by reading them all. The daily run adds the first appearances in its playbook audiences (campaign playbook:<action>, source_file playbook:<action>@<run date>).",
  grain: 'one row per valid line of an ingested exposures file or playbook audience exposure',
  key: ['ingest_id', 'source_line'],
  columns: [
    col('campaign_id', 'varchar', 'The campaign; it need not be in the registry (yet).'),
    col('user_id', 'varchar', 'The user exposed.'),
    col('arm', 'varchar', 'treatment or control.'),
    col('assigned_at', 'timestamp', 'When the user was assigned to the arm, UTC.'),
    col('source_file', 'varchar', 'The file the row came from.'),
    col('source_line', 'bigint', 'Its line in that file (the header is line 1).'),
    col('ingest_id', 'varchar', 'The ingest that stored it (see ingest_log).'),
    col(
      'ingested_at',
      'timestamp',
      'When that file was ingested, UTC: of two rows with the same assigned_at, the one ingested first counts.',
    ),
  ],
  partition: dtPartition('The UTC date of assigned_at.'),
  location: 'curated/exposures',
  appendOnly: true,
  format: 'parquet',
  example: {
    question: "How many users did each campaign put in each arm, by each user's first exposure?",
    sql: 'select campaign_id, arm, count(*) as users from (select campaign_id, arm, row_number() over (partition by campaign_id, user_id order by assigned_at, ingested_at, source_line) as exposure_number from exposures) as numbered where exposure_number = 1 group by campaign_id, arm order by campaign_id, arm',
  },
};
