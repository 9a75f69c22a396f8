/**
 * PROVISIONAL: the campaign inputs (docs/contract.md, Part 2: the campaign registry and exposures)
 * as the campaign-results work reads them, until the branch that ingests them is merged; its
 * definitions replace this file. The column names are the ones that branch writes.
 */
import { col, dtPartition, type TableDef } from './table-def.ts';

/** The campaign registry snapshot (as partners: the registry ingested last replaces the previous one). */
export const CAMPAIGNS: TableDef = {
  name: 'campaigns',
  layer: 'curated',
  description:
    'The campaign registry: the snapshot ingested last replaces the previous one. A campaign has results ' +
    '(campaign_results) once it is here.',
  grain: 'one row per campaign',
  key: ['campaign_id'],
  columns: [
    col('campaign_id', 'varchar', 'The campaign id the exposures use.'),
    col('name', 'varchar', 'Display name.'),
    col('owner', 'varchar', 'Who runs it.'),
    col('start_date', 'date', 'First day, for people (exposures outside it still count).'),
    col('end_date', 'date', 'Last day; null when open.'),
    col('window_days', 'bigint', 'Outcome window of each user, days (1-90, default 14).'),
    col(
      'pre_days',
      'bigint',
      'Covariate window before the exposure, days (0-90, default 30); 0 turns CUPED off.',
    ),
    col('holdout_share', 'double', 'The designed control share, 0 < h < 1.'),
    col('cost_per_treated_usd', 'double', 'Incentive or message cost per treated user, USD.'),
    col('primary_metric', 'varchar', 'The metric the campaign is judged on.'),
  ],
  location: 'curated/campaigns',
  format: 'parquet',
  example: {
    question: 'Which campaigns are judged on net revenue, and what does each treated user cost?',
    sql: "select campaign_id, owner, cost_per_treated_usd from campaigns where primary_metric = 'net_revenue_usd'",
  },
};

/** Every valid CRM exposure row, partitioned by the UTC date of `assigned_at`. */
export const EXPOSURES: TableDef = {
  name: 'exposures',
  layer: 'curated',
  description:
    'Every valid exposure row from a CRM export, duplicates included: every row takes part in finding a ' +
    "user's first exposure to a campaign.",
  grain: 'one row per ingested exposure row',
  key: ['source_file', 'line'],
  columns: [
    col('campaign_id', 'varchar', 'The campaign.'),
    col('user_id', 'varchar', 'The user exposed.'),
    col('arm', 'varchar', 'treatment or control.'),
    col('assigned_at', 'timestamp', 'When the user was assigned, UTC.'),
    col('source_file', 'varchar', 'The file the row came from.'),
    col('ingest_id', 'varchar', 'The ingest that accepted it (see ingest_log).'),
    col('line', 'bigint', 'Its line in that file.'),
  ],
  partition: dtPartition('The UTC date of assigned_at.'),
  location: 'curated/exposures',
  format: 'parquet',
  example: {
    question: 'How many users did each campaign assign to each arm yesterday?',
    sql: "select campaign_id, arm, count(distinct user_id) as users from exposures where dt = date '2026-11-21' group by campaign_id, arm",
  },
};
