/**
 * Traffic quality (docs/contract.md, "Traffic quality"): how each partner's recent sign-ups look
 * against the patterns of bought users, and which users carry each pattern.
 */
import { col, dtPartition, type TableDef } from './table-def.ts';

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
    'Lists the users partner_quality counts (cohort_date in C = [R - 29, R]) whose flag holds as of R. ' +
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

/**
 * Who used each device and funding id, and first when: the graph the sharing signals read, folded
 * from each newly ingested event date so a daily run never joins every id with every other.
 */
export const IDENTIFIER_USERS: TableDef = {
  name: 'identifier_users',
  layer: 'state',
  description:
    'Every user of every device id (any event) and funding id (deposits and withdrawals), with the date they first ' +
    'used it and their rank among its users by that date. The run folds in only the event dates ingested since it ' +
    'was built (late ones included), re-ranking only the ids those events touch; a first use only moves earlier, so ' +
    'the table answers "had another user used this id by R" for every run date R: the user ranked 2 (or 1) dated <= R.',
  grain: 'one row per kind of id, id and user who used it',
  key: ['kind', 'identifier', 'user_id'],
  sortedBy: ['kind', 'identifier', 'user_rank'],
  columns: [
    col('kind', 'varchar', 'device or funding.'),
    col(
      'identifier',
      'varchar',
      'The first 16 hex digits (64 bits) of the pseudonym of the device or funding id.',
    ),
    col('user_id', 'varchar', 'A user who used it.'),
    col('first_used_date', 'date', "The UTC date of the user's first event with it."),
    col(
      'user_rank',
      'bigint',
      "The user's rank among the id's users by first_used_date, then user_id (1 = first).",
    ),
  ],
  location: 'state/identifier_users',
  format: 'parquet',
  example: {
    question: 'Which devices had more than 20 users by 2026-11-21?',
    sql: "select identifier, count(*) as users from identifier_users where kind = 'device' and first_used_date <= date '2026-11-21' group by identifier having count(*) > 20 order by users desc",
  },
};

/** Each day's first sign-up of a user with its click: what the click-to-signup signals read. */
export const SIGNUP_CLICKS: TableDef = {
  name: 'signup_clicks',
  layer: 'state',
  description:
    "Each user's first signup event of a day with its click_at, built from that day's events when they change " +
    "(with identifier_users' fold). A user's signup_at and first click are the row of their cohort_date.",
  grain: 'one row per user and day with a signup event',
  key: ['user_id', 'dt'],
  sortedBy: ['user_id'],
  columns: [
    col('user_id', 'varchar', 'The user.'),
    col('signup_at', 'timestamp', "The day's earliest signup, UTC (ties by event_id)."),
    col('click_at', 'timestamp', "That signup's click_at, UTC; null when it has none."),
  ],
  partition: dtPartition('The UTC date of the signup.'),
  location: 'state/signup_clicks',
  format: 'parquet',
};

/** The per-user signals of partner_quality and user_risk_flags, one definition for both. */
export const USER_QUALITY_SIGNALS: TableDef = {
  name: 'user_quality_signals',
  layer: 'state',
  description:
    "Each user of the cohorts C = [R - 29, R] as of run date R with the traffic-quality signals: the first sign-up's " +
    "click gap, sharing of a device or funding id (and the other users), the FTD week's withdrawn share, and " +
    'retention. partner_quality counts it per partner; user_risk_flags lists the users whose signals hold.',
  grain: 'one row per run date and user with cohort_date in C',
  key: ['dt', 'user_id'],
  sortedBy: ['user_id'],
  columns: [
    col('user_id', 'varchar', 'The user.'),
    col('partner_id', 'varchar', "The user's partner."),
    col('cohort_date', 'date', 'The date of signup_at, in C.'),
    col('has_kyc', 'boolean', 'A kyc_verified event dated <= R.'),
    col('has_ftd', 'boolean', 'An FTD dated <= R.'),
    col(
      'click_to_signup_ms',
      'bigint',
      "signup_at - click_at of the user's first signup event, in milliseconds; null without click_at.",
    ),
    col(
      'is_fast_signup',
      'boolean',
      'click_to_signup_ms < 10000 (negative included); null without click_at.',
    ),
    col(
      'first_week_withdrawn_share',
      'double',
      'When ftd_date <= R - 6: withdrawals over deposits dated in [ftd_date, ftd_date + 6]; else null.',
    ),
    col(
      'is_bonus_abuse',
      'boolean',
      'When ftd_date <= R - 6: withdrawals in that week >= 0.9 times its deposits (exactly, in decimals) and no trade in it; else null.',
    ),
    col('has_shared_device', 'boolean', 'A device id the user used by R that another user also used by R.'),
    col(
      'device_sharers',
      'varchar',
      'Up to five of those other users, comma-separated, by the date they first used a shared device, then user id.',
    ),
    col('has_shared_funding', 'boolean', 'The same with funding ids.'),
    col('funding_sharers', 'varchar', 'The same with funding ids.'),
    col(
      'is_retained',
      'boolean',
      'When cohort_date <= R - 7: last_active_date >= cohort_date + 7 (active a week or more after signing up); else null.',
    ),
  ],
  partition: dtPartition('R.'),
  location: 'state/user_quality_signals',
  format: 'parquet',
};
