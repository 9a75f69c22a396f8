/**
 * Tracking tools (docs/contract.md, "Tracking tools"): every conversion AppsFlyer, Adjust and
 * Impact reported, in its latest state, and how each source's figures reconcile with the
 * platform's own attribution.
 */
import { col, type TableDef } from './table-def.ts';

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
