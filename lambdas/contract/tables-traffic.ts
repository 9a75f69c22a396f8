/**
 * Traffic quality (docs/contract.md, "Traffic quality"): how each partner's recent sign-ups look
 * against the patterns of bought users, and which users carry each pattern.
 */
import { col, type TableDef } from './table-def.ts';

/** docs/contract.md, partner_quality. */
export const PARTNER_QUALITY: TableDef = {
  name: 'partner_quality',
  layer: 'mart',
  description:
    "How a partner's sign-ups of the 30 cohorts C = [R - 29, R] look: KYC and FTD rates, how fast they signed up " +
    'after the click, how many share a device or a funding account with another user, how many deposited, ' +
    'withdrew nearly all of it within a week and never traded; the flags those signals raise, and a quality score.',
  grain:
    'one row per run date and partner (every registry partner, and any other partner with sign-ups in C)',
  key: ['run_date', 'partner_id'],
  sortedBy: ['partner_id'],
  columns: [
    col(
      'partner_id',
      'varchar',
      'The partner (organic and unattributed included when they have sign-ups in C).',
    ),
    col('signups', 'bigint', 'Users with cohort_date in C.'),
    col('kyc_rate', 'double', 'Of them, the share with kyc_verified dated <= R; null when signups is 0.'),
    col('ftd_rate', 'double', 'Of them, the share with an FTD dated <= R; null when signups is 0.'),
    col(
      'fast_signup_share',
      'double',
      'Of them, among those whose first signup event has click_at: the share with signup_at - click_at < 10 s (negative included); null when none has it.',
    ),
    col(
      'median_click_to_signup_s',
      'double',
      'The median of signup_at - click_at in seconds (to the millisecond) over the same users; the mean of the middle two for an even count.',
    ),
    col(
      'shared_device_share',
      'double',
      'Of them, the share with a device_id (any event dated <= R) that another user_id also used (any event dated <= R).',
    ),
    col('shared_funding_share', 'double', 'The same with funding_id (deposits and withdrawals).'),
    col(
      'bonus_abuse_share',
      'double',
      'Of them, among users with ftd_date <= R - 6: the share whose withdrawals dated in [ftd_date, ftd_date + 6] total at least 0.9 times their deposits there, with no trade there; null when there are none.',
    ),
    col(
      'flags',
      'varchar',
      "When signups >= 20, the rules that hold, comma-separated in alphabetical order: bonus_abuse (share > 0.10), fast_signups (> 0.20), shared_devices (> 0.10), shared_funding (> 0.05); otherwise ''.",
    ),
    col(
      'quality_score',
      'double',
      '0-100, higher is better: a blend of these signals and retention (docs/contract.md).',
    ),
  ],
  partition: col('run_date', 'date', 'R.'),
  location: 'marts/partner_quality',
  format: 'parquet',
  example: {
    question: 'Which partners are flagged today, and on what evidence?',
    sql: "select partner_id, signups, flags, fast_signup_share, shared_device_share, shared_funding_share, bonus_abuse_share, quality_score from partner_quality where run_date = date '2026-11-21' and flags <> '' order by quality_score",
  },
};

/** docs/contract.md, user_risk_flags. */
export const USER_RISK_FLAGS: TableDef = {
  name: 'user_risk_flags',
  layer: 'mart',
  description:
    'The users behind the partner flags, with their evidence: who signed up within 10 seconds of the click, who shares ' +
    'a device or a funding account with other users, who took a deposit back out within a week without trading. ' +
    'Personal data: on AWS, readable only with its own grant.',
  grain: 'one row per snapshot date, user and flag',
  key: ['snapshot_date', 'user_id', 'flag'],
  sortedBy: ['user_id', 'flag'],
  columns: [
    col('user_id', 'varchar', 'The user.'),
    col('flag', 'varchar', 'fast_signup, shared_device, shared_funding or bonus_abuse.'),
    col(
      'evidence',
      'varchar',
      'fast_signup: the seconds from click to signup; shared_device and shared_funding: up to five other user ids ' +
        'sharing the id, comma-separated in order; bonus_abuse: the share of the deposits withdrawn.',
    ),
  ],
  partition: col('snapshot_date', 'date', 'R.'),
  location: 'marts/user_risk_flags',
  format: 'parquet',
  example: {
    question: 'Which users behind a flagged partner share a device, and with whom?',
    sql: "select flags.user_id, flags.evidence from user_risk_flags as flags join users on users.user_id = flags.user_id where flags.snapshot_date = date '2026-11-21' and flags.flag = 'shared_device' and users.partner_id = 'aff_001' order by flags.user_id",
  },
};
