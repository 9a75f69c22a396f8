/**
 * Models built by the daily run: compact per-user state that makes the run incremental, and the
 * marts (docs/contract.md, Tables) that managers, the dashboard and analysts read.
 */
import { type ColumnDef, col, dtPartition, type TableDef } from './table-def.ts';

/** Cumulative-revenue ages (docs/contract.md, cohort_ltv). */
export const AGE_DAYS = [0, 1, 3, 7, 14, 30, 60, 90, 180, 365] as const;

/** Retention days of the `retention` mart. */
export const RETENTION_DAYS = [1, 7, 30, 90] as const;

const money = (name: string, description: string): ColumnDef => col(name, 'decimal(38,9)', description);

/** Per user per day activity, free of attribution so late signups never make it stale. */
export const USER_DAILY: TableDef = {
  name: 'user_daily',
  layer: 'state',
  description:
    "Each user's activity on one UTC day, aggregated from events. Money is exact DECIMAL. Net revenue is not stored " +
    "here because it depends on the user's attribution as of the run and on the current registry: multiply fees_usd " +
    'by (1 - revshare_rate) of users.partner_id (see the users and cohort_ltv tables).',
  grain: 'one row per user and day with at least one event',
  key: ['user_id', 'dt'],
  sortedBy: ['user_id'],
  columns: [
    col('user_id', 'varchar', 'The user.'),
    col('events', 'bigint', 'Events of any type.'),
    col('logins', 'bigint', 'Login events.'),
    col('signups', 'bigint', 'Signup events (only the earliest ever counts for attribution).'),
    col('first_signup_at', 'timestamp', "The day's earliest signup, UTC."),
    col('first_signup_partner_id', 'varchar', 'The partner on that signup; null means organic.'),
    col('first_kyc_at', 'timestamp', "The day's earliest kyc_verified event."),
    col('deposits', 'bigint', 'Deposit events.'),
    money('deposits_usd', 'Deposited USD.'),
    col('first_funded_deposit_at', 'timestamp', "The day's earliest deposit with amount_usd > 0."),
    col('withdrawals', 'bigint', 'Withdrawal events.'),
    money('withdrawals_usd', 'Withdrawn USD.'),
    col('trades', 'bigint', 'Trades.'),
    col('spot_trades', 'bigint', 'Spot trades.'),
    col('futures_trades', 'bigint', 'Futures trades.'),
    money('volume_usd', 'Traded notional volume in USD.'),
    money('fees_usd', 'Trading fees earned, USD (gross of revenue share).'),
  ],
  partition: dtPartition('The UTC activity date.'),
  location: 'state/user_daily',
  format: 'parquet',
  example: {
    question: 'How many users traded futures each day last week?',
    sql: "select dt, count(*) as futures_traders from user_daily where futures_trades > 0 and dt >= date '2026-11-15' group by dt order by dt",
  },
};

/**
 * Spend per date and partner: the compact aggregate of the curated spend that the marts read for
 * every date, instead of every date's partition of raw spend (one small file each).
 */
export const SPEND_DAILY: TableDef = {
  name: 'spend_daily',
  layer: 'state',
  description:
    "Each partner's spend of a date in USD, summed over campaigns and cost types from the curated spend (restatements " +
    'applied): what cohort_ltv and partner_performance read for all dates. The run rewrites it when spend ' +
    'of a date was ingested since, from the old file and those dates of spend only.',
  grain: 'one row per spend date and partner with spend',
  key: ['spend_date', 'partner_id'],
  sortedBy: ['spend_date', 'partner_id'],
  columns: [
    col('spend_date', 'date', 'The date the money was spent.'),
    col('partner_id', 'varchar', 'The partner paid.'),
    col(
      'spend_usd',
      'decimal(38,9)',
      "The date's spend of the partner, USD (each row's spend_usd summed as a decimal).",
    ),
  ],
  location: 'state/spend_daily',
  format: 'parquet',
  example: {
    question: 'What did each partner spend in October 2026?',
    sql: "select partner_id, sum(spend_usd) as spend_usd from spend_daily where spend_date between date '2026-10-01' and date '2026-10-31' group by partner_id order by spend_usd desc",
  },
};

/** Signup and KYC times, which never change once a day's events are in: kept out of the daily state. */
export const USER_MILESTONES: TableDef = {
  name: 'user_milestones',
  layer: 'state',
  description:
    "Each user's earliest signup and KYC verification of a day, from user_daily. A user's signup_at is the " +
    'signup_at of the day of their cohort_date, their kyc_at the kyc_at of the day of their kyc_date (the users ' +
    'view joins them so). Kept out of user_state because they never change, while the daily fold reads and ' +
    'rewrites every column of the state.',
  grain: 'one row per user and day with a signup or a KYC verification',
  key: ['user_id', 'dt'],
  sortedBy: ['user_id'],
  columns: [
    col('user_id', 'varchar', 'The user.'),
    col('signup_at', 'timestamp', "The day's earliest signup, UTC; null when the day had none."),
    col('kyc_at', 'timestamp', "The day's earliest kyc_verified event, UTC; null when the day had none."),
  ],
  partition: dtPartition('The UTC date of the events.'),
  location: 'state/user_milestones',
  format: 'parquet',
  example: {
    question: 'Who passed KYC on 2026-11-20, and when?',
    sql: "select user_id, kyc_at from user_milestones where dt = date '2026-11-20' and kyc_at is not null order by kyc_at",
  },
};

/**
 * The age bands of the fees `user_state` keeps, each ending at an age of AGE_DAYS: a user's fees
 * at age <= N are the sum of the bands up to N. Bands rather than cumulative sums, because a
 * user past a band has nothing in it: the bands of most users are empty and cost next to nothing
 * to store and read, where ten cumulative sums repeat the same amount.
 */
export const AGE_BANDS = AGE_DAYS.map((last, i) => ({
  first: i === 0 ? 0 : (AGE_DAYS[i - 1] as number) + 1,
  last,
}));

const ageColumns = [
  ...AGE_BANDS.map(({ first, last }) =>
    money(
      `fees_ages_${first}_${last}_usd`,
      `Fees of trades at ages ${first} to ${last} days (events before the cohort date count as age 0); ` +
        'null when none, or when the user has no cohort.',
    ),
  ),
  money(
    'fees_ages_over_365_usd',
    'Fees of trades at ages over 365 days; null when none, or when the user has no cohort. fees_usd less ' +
      'this band and the last ones gives the fees at age <= 365, 180 or 90 from a few sparse columns.',
  ),
];

const retentionColumns = RETENTION_DAYS.map((day) =>
  col(`active_day_${day}`, 'boolean', `Active on cohort_date + ${day}.`),
);

/**
 * Trailing windows whose sums `user_state` carries, in days ending on the as-of date: 7 and 30 for
 * partner_performance and user_segments, 30 to 120 for the value model's 30-day windows.
 */
export const TRAILING_WINDOW_DAYS = [7, 30, 60, 90, 120] as const;

/**
 * The trailing-window bands `user_state` stores: the 7 days ending on the as-of date, then the days
 * each longer window adds to the one before (8 to 30 days back, 31 to 60, ...). A window's sum is
 * the sum of its bands; stored as bands because most users have traded in few of them.
 */
export const TRAILING_WINDOW_BANDS = TRAILING_WINDOW_DAYS.map((last, i) => ({
  first: i === 0 ? 1 : (TRAILING_WINDOW_DAYS[i - 1] as number) + 1,
  last,
  suffix: i === 0 ? `${last}d` : `${(TRAILING_WINDOW_DAYS[i - 1] as number) + 1}_${last}d`,
}));

const trailingWindowColumns = TRAILING_WINDOW_BANDS.flatMap(({ first, last, suffix }) => {
  const dates = `[as-of - ${last - 1}, ${first === 1 ? 'as-of' : `as-of - ${first - 1}`}]`;
  return [
    col(`trades_${suffix}`, 'bigint', `Trades dated in ${dates}.`),
    col(`trade_days_${suffix}`, 'bigint', `Days with a trade in ${dates}.`),
    money(`fees_${suffix}_usd`, `Fees of trades dated in ${dates}.`),
  ];
});

/** The six stratifications (docs/contract.md, user_segments), as of R: user_state keeps them, user_segments shows them. */
const segmentColumns: readonly ColumnDef[] = [
  col('lifecycle', 'varchar', 'new, resurrected, active, at_risk, dormant or churned.'),
  col('value_tier', 'varchar', 'whale, high, mid, low or zero, by net deposits to date.'),
  col('funnel_stage', 'varchar', 'registered, kyc, funded or trader: the highest reached.'),
  col(
    'tenure_bucket',
    'varchar',
    '0-7, 8-30, 31-90, 91-180, 181+ days since cohort_date; unknown when unattributed.',
  ),
  col('trade_frequency', 'varchar', 'none, light, regular or heavy, by trades in [R - 29, R].'),
  col('product_mix', 'varchar', 'spot, futures, both or none: products ever traded.'),
];

/** Everything the marts need about a user, as of one date: the incremental run's compact state. */
export const USER_STATE: TableDef = {
  name: 'user_state',
  layer: 'state',
  description:
    'Cumulative per-user state as of a date: attribution, milestone dates, activity dates, totals, fees by age band, ' +
    'trades in trailing-window bands, ' +
    'and the segments (docs/contract.md, user_segments) as of that date and the lifecycle of the day before (the user_segments view ' +
    'shows them; segment summaries and audiences read these small columns). ' +
    'The run for R builds it from the state of R - 1, user_daily of R and the user_daily days that left a trailing ' +
    'window (R - 7, R - 30, R - 60, R - 90, R - 120), never from raw history.',
  grain: 'one row per user known on the as-of date',
  key: ['user_id', 'dt'],
  sortedBy: ['user_id'],
  columns: [
    col('user_id', 'varchar', 'The user.'),
    col('partner_id', 'varchar', "Attribution: the earliest signup's partner, 'organic', or 'unattributed'."),
    col(
      'cohort_date',
      'date',
      'The date of the earliest signup; null when unattributed. Its time is in user_milestones (see users).',
    ),
    col('kyc_date', 'date', 'The date of the first kyc_verified event. Its time is in user_milestones.'),
    col('ftd_date', 'date', 'First deposit with amount_usd > 0.'),
    col('first_trade_date', 'date', 'First trade.'),
    col('first_active_date', 'date', 'First day with any event.'),
    col('last_active_date', 'date', 'Last day with any event.'),
    col('prev_active_date', 'date', 'The active day before last_active_date.'),
    col(
      'prev2_active_date',
      'date',
      'The active day before prev_active_date: what the lifecycle of the day before needs when the user was active on the as-of date.',
    ),
    money('deposits_usd', 'Deposits to date.'),
    money('withdrawals_usd', 'Withdrawals to date.'),
    col('trades', 'bigint', 'Trades to date.'),
    money('volume_usd', 'Traded volume to date.'),
    money('fees_usd', 'Fees to date.'),
    ...ageColumns,
    ...retentionColumns,
    ...trailingWindowColumns,
    ...segmentColumns,
    col(
      'previous_lifecycle',
      'varchar',
      "The lifecycle as of the day before, by the same rules; 'none' when the user had no event by then. " +
        "segment_summary's transitions read it instead of the day before's snapshot.",
    ),
  ],
  partition: dtPartition('The as-of date.'),
  location: 'state/user_state',
  format: 'parquet',
};

/** Which inputs each built partition was made from, so the run rebuilds exactly what late data changed. */
export const BUILD_MANIFEST: TableDef = {
  name: 'build_manifest',
  layer: 'state',
  description: 'For each built state partition and run date, a fingerprint of the ingests it was built from.',
  grain: 'one row per state table and date',
  key: ['table_name', 'dt'],
  columns: [
    col('table_name', 'varchar', "user_daily, user_state, or 'run' for a run date's marts."),
    col('dt', 'date', 'The partition.'),
    col('inputs_hash', 'varchar', 'SHA-256 over the ids of the ingests whose events it covers.'),
  ],
  location: 'state/build_manifest',
  format: 'parquet',
};

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
    "Each signup cohort's cumulative net revenue by age against its partner's spend on the cohort date (docs/contract.md, cohort_ltv), as of the latest run.",
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
    "Each partner's spend, acquisition, CAC, revenue and matured-cohort ROI over the last 7 and 30 days (docs/contract.md, partner_performance).",
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
    'A snapshot of every user known on R, stratified on six dimensions (docs/contract.md, user_segments). ' +
    'A view of user_state: a snapshot is the state of its date, so it always agrees with it, and a filter ' +
    'on snapshot_date reads only that state partition.',
  grain: 'one row per snapshot date and user',
  key: ['snapshot_date', 'user_id'],
  isView: true,
  columns: [
    col('user_id', 'varchar', 'The user.'),
    ...segmentColumns,
    col('partner_id', 'varchar', "The user's attribution."),
    col('cohort_date', 'date', 'Signup date; null when unattributed.'),
    col('last_active_date', 'date', 'Last day with any event.'),
    col('net_deposits_usd', 'double', 'Deposits minus withdrawals to date.'),
    col('trades_30d', 'bigint', 'Trades dated in [R - 29, R].'),
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

/** Projected value of each cohort, so young cohorts can be judged before they mature. */
export const LTV_FORECAST: TableDef = {
  name: 'ltv_forecast',
  layer: 'mart',
  description:
    'Net revenue per user of each cohort to date and at 90, 180 and 365 days from signup, as of the latest run: ' +
    'observed once the cohort is that old, projected before. The projection is the windowed persistence model ' +
    "(lambdas/recommend/persistence.ts): each user's trading of the last 60 days carried forward 30 days at a time " +
    'at the persistence, drop-out and reactivation measured for users of the same age over the last 120 days; ' +
    'it forecast the holdout better than BG/NBD + Gamma-Gamma (docs/benchmarks.md).',
  grain: 'one row per cohort date and partner',
  key: ['cohort_date', 'partner_id'],
  columns: [
    col('cohort_date', 'date', 'Signup date.'),
    col('partner_id', 'varchar', 'The attribution.'),
    col('cohort_users', 'bigint', 'Users in the cohort.'),
    col('ltv_to_date_usd', 'double', 'Net revenue per user so far.'),
    col(
      'forecast_ltv_90_usd',
      'double',
      'Net revenue per user at 90 days from signup: observed or projected.',
    ),
    col(
      'forecast_ltv_180_usd',
      'double',
      'Net revenue per user at 180 days from signup: observed or projected.',
    ),
    col(
      'forecast_ltv_365_usd',
      'double',
      'Net revenue per user at 365 days from signup: observed or projected.',
    ),
    col('run_date', 'date', 'R.'),
  ],
  location: 'marts/ltv_forecast',
  format: 'parquet',
  example: {
    question: 'Which partners bring the most valuable users, judged before their cohorts mature?',
    sql: 'select partner_id, sum(forecast_ltv_180_usd * cohort_users) / sum(cohort_users) as ltv_180_usd from ltv_forecast group by partner_id order by ltv_180_usd desc',
  },
};

/** docs/contract.md, budget_recommendations. */
export const BUDGET_RECOMMENDATIONS: TableDef = {
  name: 'budget_recommendations',
  layer: 'mart',
  description:
    "Tomorrow's daily budget per registry partner, with the expected marginal return and a reason (docs/contract.md, budget_recommendations).",
  grain: 'one row per run date and registry partner',
  key: ['run_date', 'partner_id'],
  columns: [
    col('partner_id', 'varchar', 'A registry partner.'),
    col('channel', 'varchar', 'The registry channel.'),
    col('current_daily_spend_usd', 'double', 'Mean daily spend over the last 7 days.'),
    col('recommended_daily_spend_usd', 'double', 'The recommendation; 0 for paused partners.'),
    col('change_pct', 'double', 'recommended / current - 1, as a fraction; null when current is 0.'),
    col(
      'expected_marginal_roas',
      'double',
      'Value of the next dollar at the recommended spend, over the value horizon.',
    ),
    col('confidence', 'varchar', 'high, medium, low or insufficient_data.'),
    col('reason', 'varchar', 'One sentence a manager can act on.'),
    col(
      'binding_constraint',
      'varchar',
      'What stopped the optimizer going further: none, max_change, registry_min, registry_max, paused, insufficient_data, extrapolation_limit.',
    ),
  ],
  partition: col('run_date', 'date', 'R.'),
  location: 'marts/budget_recommendations',
  format: 'parquet',
  example: {
    question: 'What should change tomorrow, biggest moves first?',
    sql: "select partner_id, current_daily_spend_usd, recommended_daily_spend_usd, change_pct, reason from budget_recommendations where run_date = date '2026-11-21' order by abs(coalesce(change_pct, 0)) desc",
  },
};
