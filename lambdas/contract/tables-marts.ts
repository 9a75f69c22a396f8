/**
 * Marts: the tables `queries/marts/` builds from the models, which managers, the dashboard and
 * analysts read (most of docs/contract.md, Tables).
 */
import { col, type TableDef } from './table-def.ts';
import { RETENTION_DAYS, SEGMENT_COLUMNS } from './tables-models.ts';

/** The analyst-facing user dimension as of the latest run. */
export const USERS: TableDef = {
  name: 'users',
  layer: 'mart',
  description:
    'Every known user as of the latest run: attribution, cohort, milestones and value to date. ' +
    "A view of the latest run date's user_state, which the run redefines, joined with user_milestones for the " +
    'signup and KYC times: a query that needs no times reads less from user_state where dt is the latest run date.',
  grain: 'one row per user',
  key: ['user_id'],
  isView: true,
  columns: [
    col('user_id', 'varchar', 'The user.'),
    col('partner_id', 'varchar', "The earliest signup's partner, 'organic', or 'unattributed'."),
    col('signup_at', 'timestamp', 'Earliest signup, UTC.'),
    col('cohort_date', 'date', 'Date of signup_at; null when unattributed.'),
    col('kyc_at', 'timestamp', 'First KYC verification.'),
    col('ftd_date', 'date', 'First funded deposit date.'),
    col('first_trade_date', 'date', 'First trade date.'),
    col('first_active_date', 'date', 'First active date.'),
    col('last_active_date', 'date', 'Last active date.'),
    col('deposits_usd', 'double', 'Deposits to date, USD.'),
    col('withdrawals_usd', 'double', 'Withdrawals to date, USD.'),
    col('net_deposits_usd', 'double', 'Deposits minus withdrawals.'),
    col('trades', 'bigint', 'Trades to date.'),
    col('volume_usd', 'double', 'Traded volume to date, USD.'),
    col('fees_usd', 'double', 'Fees to date, USD.'),
    col('net_revenue_usd', 'double', 'fees_usd * (1 - revshare_rate of the partner).'),
    col('as_of_date', 'date', 'The run date R this row describes.'),
  ],
  location: 'marts/users',
  format: 'parquet',
  example: {
    question: 'Which partners brought the most funded users?',
    sql: 'select partner_id, count(*) as users, count(ftd_date) as funded_users from users group by partner_id order by funded_users desc',
  },
};

/** docs/contract.md, cohort_ltv. */
export const COHORT_LTV: TableDef = {
  name: 'cohort_ltv',
  layer: 'mart',
  description:
    "Each signup cohort's cumulative net revenue and GMV by age against its partner's spend on the cohort date (docs/contract.md, cohort_ltv), as of the latest run.",
  grain: 'one row per cohort date, partner and age day',
  key: ['cohort_date', 'partner_id', 'age_day'],
  // Readers want recent cohorts (the dashboard's curves: the last 90 days).
  sortedBy: ['cohort_date', 'partner_id', 'age_day'],
  rowGroupRows: 8192,
  columns: [
    col('cohort_date', 'date', 'The signup date of the cohort.'),
    col('partner_id', 'varchar', 'The partner the cohort is attributed to (or organic).'),
    col('age_day', 'bigint', 'One of 0, 1, 3, 7, 14, 30, 60, 90, 180, 365.'),
    col('cohort_users', 'bigint', 'Users in the cohort.'),
    col('funded_users', 'bigint', 'Of those, users with their first deposit at age <= age_day.'),
    col('cum_net_revenue_usd', 'double', "Net revenue of the cohort's trades at age <= age_day, USD."),
    col('ltv_usd', 'double', 'cum_net_revenue_usd / cohort_users; null when no users.'),
    col('spend_usd', 'double', "The partner's spend on cohort_date, USD."),
    col('roas', 'double', 'cum_net_revenue_usd / spend_usd; null when no spend.'),
    col('roi', 'double', '(cum_net_revenue_usd - spend_usd) / spend_usd; null when no spend.'),
    col(
      'cum_gmv_usd',
      'double',
      "GMV (traded volume: amount_usd of trades) of the cohort's trades at age <= age_day, USD.",
    ),
    col('is_complete', 'boolean', 'cohort_date + age_day <= R: the age has been fully observed.'),
    col('run_date', 'date', 'R, the run this row was computed for.'),
  ],
  location: 'marts/cohort_ltv',
  format: 'parquet',
  example: {
    question: 'What is the 30-day ROAS of each KOL cohort in the last two months?',
    sql: "select c.cohort_date, c.partner_id, c.roas from cohort_ltv c inner join partners p on c.partner_id = p.partner_id where p.channel = 'kol' and c.age_day = 30 and c.is_complete order by c.cohort_date",
  },
};

/** docs/contract.md, partner_performance. */
export const PARTNER_PERFORMANCE: TableDef = {
  name: 'partner_performance',
  layer: 'mart',
  description:
    "Each partner's spend, acquisition, CAC, revenue, GMV and matured-cohort ROI over the last 7 and 30 days (docs/contract.md, partner_performance).",
  grain: 'one row per run date, partner and window',
  key: ['run_date', 'partner_id', 'window_days'],
  columns: [
    col('partner_id', 'varchar', 'Every registry partner, plus organic, unattributed and unknown ids seen.'),
    col('window_days', 'bigint', '7 or 30: the window W = [R - window_days + 1, R].'),
    col('spend_usd', 'double', 'Spend on dates in W.'),
    col('signups', 'bigint', 'Users whose cohort_date is in W.'),
    col('ftds', 'bigint', "The partner's users with ftd_date in W (any cohort)."),
    col('cac_usd', 'double', 'spend_usd / ftds; null when no FTDs.'),
    col('cost_per_signup_usd', 'double', 'spend_usd / signups; null when no signups.'),
    col('net_revenue_usd', 'double', "Net revenue of all the partner's users' trades dated in W."),
    col(
      'gmv_usd',
      'double',
      "GMV (traded volume: amount_usd of trades) of all the partner's users' trades dated in W.",
    ),
    col('roi_d7', 'double', 'ROI at age 7 of the matured cohorts [R-7-w+1, R-7]; null without spend.'),
    col('roi_d30', 'double', 'ROI at age 30 of the matured cohorts [R-30-w+1, R-30]; null without spend.'),
    col('channel', 'varchar', 'The registry channel; null for partners outside the registry.'),
  ],
  partition: col('run_date', 'date', 'R.'),
  location: 'marts/partner_performance',
  format: 'parquet',
  example: {
    question: 'Which partners had the highest 30-day CAC on the last run?',
    sql: "select partner_id, cac_usd, ftds, spend_usd from partner_performance where run_date = date '2026-11-21' and window_days = 30 and cac_usd is not null order by cac_usd desc",
  },
};

/** docs/contract.md, user_segments. */
export const USER_SEGMENTS: TableDef = {
  name: 'user_segments',
  layer: 'mart',
  description:
    'A snapshot of every user known on R, stratified on six dimensions (docs/contract.md, user_segments), with the ' +
    "forecast probability of activity in the next 30 days and its churn risk band (from R's churn_model). " +
    'A view of user_state: a snapshot is the state of its date, so it always agrees with it, and a filter ' +
    'on snapshot_date reads only that state partition.',
  grain: 'one row per snapshot date and user',
  key: ['snapshot_date', 'user_id'],
  isView: true,
  columns: [
    col('user_id', 'varchar', 'The user.'),
    ...SEGMENT_COLUMNS,
    col('partner_id', 'varchar', "The user's attribution."),
    col('cohort_date', 'date', 'Signup date; null when unattributed.'),
    col('last_active_date', 'date', 'Last day with any event.'),
    col('net_deposits_usd', 'double', 'Deposits minus withdrawals to date.'),
    col('trades_30d', 'bigint', 'Trades dated in [R - 29, R].'),
    col(
      'p_active_30d',
      'double',
      'The forecast probability that the user has any event in (R, R + 30]: the churn model of R (churn_model) ' +
        "applied to the user's levels; null for a snapshot whose run date has no model.",
    ),
    col(
      'churn_risk',
      'varchar',
      'low (p_active_30d >= 0.7), medium (>= 0.3) or high (< 0.3); null with p_active_30d.',
    ),
  ],
  partition: col('snapshot_date', 'date', 'R.'),
  location: 'marts/user_segments',
  format: 'parquet',
  example: {
    question: 'Which whales have gone dormant (for VIP outreach)?',
    sql: "select user_id, partner_id, net_deposits_usd, last_active_date from user_segments where snapshot_date = date '2026-11-21' and value_tier = 'whale' and lifecycle = 'dormant'",
  },
};

/** The acquisition funnel by partner and cohort week. */
export const FUNNEL: TableDef = {
  name: 'funnel',
  layer: 'mart',
  description:
    'Signup to KYC to first deposit to first trade, per partner and cohort week (Monday), with median days between steps, as of the latest run.',
  grain: 'one row per partner and cohort week',
  key: ['partner_id', 'cohort_week'],
  columns: [
    col('partner_id', 'varchar', 'The attribution.'),
    col('cohort_week', 'date', 'The Monday of the cohort week.'),
    col('signups', 'bigint', 'Users who signed up that week.'),
    col('kyc_users', 'bigint', 'Of those, users verified by R.'),
    col('funded_users', 'bigint', 'Of those, users with a first deposit by R.'),
    col('traded_users', 'bigint', 'Of those, users who traded by R.'),
    col('median_days_signup_to_kyc', 'double', 'Median days from cohort date to KYC date.'),
    col(
      'median_days_kyc_to_ftd',
      'double',
      'Median days from KYC date to first deposit date (users with both).',
    ),
    col(
      'median_days_ftd_to_first_trade',
      'double',
      'Median days from first deposit to first trade (users with both).',
    ),
    col('run_date', 'date', 'R.'),
  ],
  location: 'marts/funnel',
  format: 'parquet',
  example: {
    question: 'Where do affiliate sign-ups drop off?',
    sql: 'select cohort_week, sum(signups) as signups, sum(kyc_users) as kyc, sum(funded_users) as funded, sum(traded_users) as traded from funnel group by cohort_week order by cohort_week',
  },
};

/** Retention of each cohort. */
export const RETENTION: TableDef = {
  name: 'retention',
  layer: 'mart',
  description: 'Share of each cohort active exactly 1, 7, 30 and 90 days after signup, as of the latest run.',
  grain: 'one row per cohort date and partner',
  key: ['cohort_date', 'partner_id'],
  columns: [
    col('cohort_date', 'date', 'Signup date.'),
    col('partner_id', 'varchar', 'The attribution.'),
    col('cohort_users', 'bigint', 'Users in the cohort.'),
    ...RETENTION_DAYS.flatMap((day) => [
      col(`active_d${day}_users`, 'bigint', `Users active on cohort_date + ${day}.`),
      col(
        `retention_d${day}`,
        'double',
        `active_d${day}_users / cohort_users; null until cohort_date + ${day} <= R.`,
      ),
    ]),
    col('run_date', 'date', 'R.'),
  ],
  location: 'marts/retention',
  format: 'parquet',
  example: {
    question: 'What is day-7 retention by partner over the last month of cohorts?',
    sql: 'select partner_id, sum(active_d7_users) * 1.0 / sum(cohort_users) as retention_d7 from retention where retention_d7 is not null group by partner_id',
  },
};

/** Segment sizes and lifecycle transitions. */
export const SEGMENT_SUMMARY: TableDef = {
  name: 'segment_summary',
  layer: 'mart',
  description:
    "Users per value of each segment dimension on R, and the lifecycle transition matrix from the previous day's snapshot (dimension 'lifecycle_transition', segment 'from>to').",
  grain: 'one row per snapshot date, dimension and segment',
  key: ['snapshot_date', 'dimension', 'segment'],
  columns: [
    col('dimension', 'varchar', "A user_segments column, or 'lifecycle_transition'."),
    col(
      'segment',
      'varchar',
      "The value; for transitions 'from>to' (from is 'none' for users absent the day before).",
    ),
    col('from_lifecycle', 'varchar', 'For transitions: the lifecycle on R - 1.'),
    col('to_lifecycle', 'varchar', 'For transitions: the lifecycle on R.'),
    col('users', 'bigint', 'Users.'),
    col('share', 'double', 'users / all users in the snapshot.'),
  ],
  partition: col('snapshot_date', 'date', 'R.'),
  location: 'marts/segment_summary',
  format: 'parquet',
  example: {
    question: 'How many users moved from at_risk back to active yesterday?',
    sql: "select users from segment_summary where snapshot_date = date '2026-11-21' and dimension = 'lifecycle_transition' and segment = 'at_risk>active'",
  },
};
