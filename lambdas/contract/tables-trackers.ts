/**
 * Tracking tools (docs/contract.md, "Tracking tools"): every conversion AppsFlyer, Adjust and
 * Impact reported, in its latest state, and how each source's figures reconcile with the
 * platform's own attribution.
 */
import { col, dtPartition, type TableDef } from './table-def.ts';

/** docs/contract.md, tracker_conversions. */
export const TRACKER_CONVERSIONS: TableDef = {
  name: 'tracker_conversions',
  layer: 'mart',
  description:
    'Every conversion a tracking tool reported, in its latest state: the step it maps to, when it happened (UTC), ' +
    "the source's partner key and the growthlake partner the tracker map gives it (applied when the table is " +
    'built, so a corrected map fixes history), and for Impact the payout in USD and the state.',
  grain: 'one row per source and conversion',
  key: ['source', 'conversion_id'],
  sortedBy: ['source', 'conversion_id'],
  columns: [
    col('source', 'varchar', 'appsflyer, adjust or impact.'),
    col(
      'conversion_id',
      'varchar',
      "The row key's fields as they appear in the file, joined with | (AppsFlyer ID|Event Name|Event Time; " +
        'adid|activity_kind|event_name|created_at; Impact Id).',
    ),
    col(
      'user_id',
      'varchar',
      'Customer User ID (AppsFlyer), user_id (Adjust) or CustomerId (Impact); null when empty.',
    ),
    col('step', 'varchar', 'install, signup, ftd or other.'),
    col('occurred_at', 'timestamp', 'When the conversion happened, UTC.'),
    col(
      'source_key',
      'varchar',
      "The source's partner key as the file has it (Media Source, network_name, MediaPartnerId).",
    ),
    col(
      'partner_id',
      'varchar',
      "The growthlake partner: organic for AppsFlyer's organic and Adjust's Organic, else the tracker map's, else unmapped.",
    ),
    col(
      'payout_usd',
      'double',
      'Impact: the latest Payout in USD (kept when reversed); null for other sources.',
    ),
    col(
      'state',
      'varchar',
      'Impact: the latest State (PENDING, APPROVED or REVERSED); null for other sources.',
    ),
  ],
  location: 'marts/tracker_conversions',
  format: 'parquet',
  example: {
    question: 'Which Impact actions were reversed, and what had they paid?',
    sql: "select conversion_id, partner_id, occurred_at, payout_usd from tracker_conversions where source = 'impact' and state = 'REVERSED' order by occurred_at desc",
  },
};

/** docs/contract.md, tracker_reconciliation. */
export const TRACKER_RECONCILIATION: TableDef = {
  name: 'tracker_reconciliation',
  layer: 'mart',
  description:
    "Do the trackers and the platform agree? For each source and each partner it has tracked, over the window W = [R - window_days + 1, R]: the users the tracker says signed up or made a first deposit, those the platform attributes to the partner, who is in both, in one only, and in the tracker's set but attributed by the platform to another partner; Impact's payout; the sign-up gap and a status.",
  grain: 'one row per run date, source, partner and window (7 or 30 days)',
  key: ['run_date', 'source', 'partner_id', 'window_days'],
  sortedBy: ['source', 'partner_id', 'window_days'],
  columns: [
    col('source', 'varchar', 'appsflyer, adjust or impact.'),
    col('partner_id', 'varchar', 'The partner after mapping (unmapped and organic included).'),
    col('window_days', 'bigint', '7 or 30.'),
    col(
      'tracker_signups',
      'bigint',
      'Distinct non-null user_ids with a signup conversion of the source for this partner dated in W.',
    ),
    col('platform_signups', 'bigint', 'Users with cohort_date in W the platform attributes to this partner.'),
    col('matched_users', 'bigint', 'Users in both sign-up sets.'),
    col('tracker_only_users', 'bigint', "Users in the tracker's sign-up set only."),
    col('platform_only_users', 'bigint', "Users in the platform's sign-up set only."),
    col(
      'conflicting_users',
      'bigint',
      'Of the tracker-only users, those the platform attributes to another partner (not organic, not unattributed).',
    ),
    col(
      'tracker_ftds',
      'bigint',
      'Distinct non-null user_ids with an ftd conversion of the source for this partner dated in W.',
    ),
    col('platform_ftds', 'bigint', 'Users attributed to this partner with ftd_date in W.'),
    col(
      'payout_usd',
      'double',
      'Impact: payout of non-reversed conversions dated in W (0 when none); null for other sources.',
    ),
    col(
      'signup_gap_rate',
      'double',
      '(tracker_signups - platform_signups) / platform_signups; null when platform_signups is 0.',
    ),
    col(
      'status',
      'varchar',
      'broken when one side is 0 and the other at least 5; else warn when abs(signup_gap_rate) > 0.10; else ok.',
    ),
  ],
  partition: col('run_date', 'date', 'R.'),
  location: 'marts/tracker_reconciliation',
  format: 'parquet',
  example: {
    question: "Which partners' tracking disagrees with the platform this week?",
    sql: "select source, partner_id, tracker_signups, platform_signups, conflicting_users, status from tracker_reconciliation where run_date = date '2026-11-21' and window_days = 7 and status <> 'ok' order by source, partner_id",
  },
};

/** AppsFlyer and Adjust rows as ingested: the first row of each key, never restated. */
export const TRACKER_EVENTS: TableDef = {
  name: 'tracker_events',
  layer: 'curated',
  description:
    'The installs and in-app events AppsFlyer and Adjust exported (docs/contract.md, Tracking tools): the first row of ' +
    'each key; a later row with a key already ingested is a duplicate.',
  grain: 'one row per source and conversion',
  key: ['source', 'conversion_id'],
  columns: [
    col('source', 'varchar', 'appsflyer or adjust.'),
    col('conversion_id', 'varchar', "The row key's fields as the file has them, joined with |."),
    col('user_id', 'varchar', 'Customer User ID (AppsFlyer) or user_id (Adjust); null when empty.'),
    col('activity_kind', 'varchar', 'Adjust: activity_kind; null for AppsFlyer.'),
    col('event_name', 'varchar', 'AppsFlyer: Event Name; Adjust: event_name (null when empty).'),
    col('occurred_at', 'timestamp', 'Event Time (AppsFlyer) or created_at (Adjust), UTC.'),
    col('source_key', 'varchar', 'Media Source (AppsFlyer) or network_name (Adjust), as the file has it.'),
    col('revenue', 'double', 'Event Revenue USD (AppsFlyer) or revenue_float (Adjust, in currency).'),
    col('currency', 'varchar', 'The currency of revenue.'),
    col('source_file', 'varchar', 'The file the row was ingested from.'),
    col('source_line', 'bigint', 'Its line in that file.'),
    col('ingest_id', 'varchar', 'The ingest that accepted it (see ingest_log).'),
  ],
  partition: dtPartition('The UTC date of occurred_at.'),
  location: 'curated/tracker_events',
  appendOnly: true,
  format: 'parquet',
  example: {
    question: 'Which AppsFlyer media sources reported the most registrations this week?',
    sql: "select source_key, count(*) as registrations from tracker_events where source = 'appsflyer' and event_name = 'af_complete_registration' and dt between date '2026-11-15' and date '2026-11-21' group by source_key order by registrations desc",
  },
};

/** Impact actions as ingested: every version that changed something, numbered per action. */
export const IMPACT_ACTIONS: TableDef = {
  name: 'impact_actions',
  layer: 'curated',
  description:
    'The Impact actions exported (docs/contract.md, Tracking tools), every version of each: a later row with the same Id ' +
    'restates it (state, payout) unless every column read equals the latest version. The highest version is the current one.',
  grain: 'one row per action and version',
  key: ['action_id', 'version'],
  columns: [
    col('action_id', 'varchar', 'Id.'),
    col('version', 'bigint', '1 for the first row of the action, then one more for each restatement.'),
    col('campaign_id', 'varchar', 'CampaignId.'),
    col('action_tracker_name', 'varchar', 'ActionTrackerName.'),
    col('media_partner_id', 'varchar', 'MediaPartnerId: the partner key.'),
    col('media_partner_name', 'varchar', 'MediaPartnerName.'),
    col('state', 'varchar', 'PENDING, APPROVED or REVERSED.'),
    col('occurred_at', 'timestamp', 'EventDate in UTC.'),
    col('locking_at', 'timestamp', 'LockingDate in UTC.'),
    col('payout_original', 'double', 'Payout in its currency.'),
    col('currency', 'varchar', 'Currency.'),
    col('usd_per_unit', 'double', 'The FX rate of the UTC date of EventDate (1 for USD).'),
    col('payout_usd', 'double', 'Payout in USD.'),
    col('amount', 'double', 'Amount (the sale amount), when numeric.'),
    col('customer_id', 'varchar', 'CustomerId; null when empty.'),
    col(
      'row_digest',
      'varchar',
      'Every column read, as the file had it: what tells a restatement from a duplicate.',
    ),
    col(
      'is_duplicate',
      'boolean',
      'Every column read equals the version before it: counted as a duplicate, and changes nothing.',
    ),
    col('source_file', 'varchar', 'The file the version was ingested from.'),
    col('source_line', 'bigint', 'Its line in that file.'),
    col('ingest_id', 'varchar', 'The ingest that accepted it (see ingest_log).'),
  ],
  partition: dtPartition('The UTC date of occurred_at.'),
  location: 'curated/impact_actions',
  appendOnly: true,
  format: 'parquet',
  example: {
    question: 'How did Impact action I-1001 change from export to export?',
    sql: "select version, state, payout_usd, source_file, is_duplicate from impact_actions where action_id = 'I-1001' order by version",
  },
};

/** The tracker map snapshot. */
export const TRACKER_MAP: TableDef = {
  name: 'tracker_map',
  layer: 'curated',
  description:
    "The tracker map (docs/contract.md, Tracking tools): each source's partner key and the growthlake partner it stands " +
    'for; the snapshot ingested last replaces the previous one, and tables are built with the current one.',
  grain: 'one row per source and partner key',
  key: ['source', 'source_key'],
  columns: [
    col('source', 'varchar', 'appsflyer, adjust or impact.'),
    col('source_key', 'varchar', 'Media Source, network_name or MediaPartnerId as the exports have it.'),
    col('partner_id', 'varchar', 'The growthlake partner.'),
  ],
  location: 'curated/tracker_map',
  format: 'parquet',
  example: {
    question: "Which of Impact's partner keys are mapped, and to whom?",
    sql: "select source_key, partner_id from tracker_map where source = 'impact' order by source_key",
  },
};
