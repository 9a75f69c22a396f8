/**
 * Models: the tables `queries/models/` builds, the compact per-user state that makes the daily run
 * incremental (the marts read it), and the build manifest (written by `queries/run/`) that records
 * what each state partition was built from.
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

/** Trading volume (GMV) by the same age bands, up to 365 days: what cohort_ltv.cum_gmv_usd adds up. */
const volumeAgeColumns = AGE_BANDS.map(({ first, last }) =>
  money(
    `volume_ages_${first}_${last}_usd`,
    `Traded volume (GMV) at ages ${first} to ${last} days (events before the cohort date count as age 0); ` +
      'null when none, or when the user has no cohort.',
  ),
);

/** Trading volume (GMV) in the two windows partner_performance reads, as bands like the trades'. */
const volumeWindowColumns = [
  money('volume_7d_usd', 'Traded volume (GMV) of trades dated in [as-of - 6, as-of].'),
  money('volume_8_30d_usd', 'Traded volume (GMV) of trades dated in [as-of - 29, as-of - 7].'),
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
export const SEGMENT_COLUMNS: readonly ColumnDef[] = [
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
    'Cumulative per-user state as of a date: attribution, milestone dates, activity dates, totals, fees and volume by age band, ' +
    'trades, fees and volume in trailing-window bands, ' +
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
    ...volumeAgeColumns,
    ...retentionColumns,
    ...trailingWindowColumns,
    ...volumeWindowColumns,
    ...SEGMENT_COLUMNS,
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
    col(
      'table_name',
      'varchar',
      "user_daily, user_state, spend_daily, campaign_user_state, 'run' for a run date's marts, or " +
        "'run_marts_model' (one row, dt 0001-01-01) for the model of the marts kept per run date.",
    ),
    col('dt', 'date', 'The partition.'),
    col('inputs_hash', 'varchar', 'SHA-256 over the ids of the ingests whose events it covers.'),
  ],
  location: 'state/build_manifest',
  format: 'parquet',
};
