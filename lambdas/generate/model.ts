/**
 * The parameters of the synthetic exchange: how users behave once they sign up, and how often
 * the data is dirty. Partner-specific parameters are drawn in `partners.ts`; these are shared.
 */

/** Share of expected signups that arrive without a partner. */
export const ORGANIC_SHARE = 0.3;
/** Paid spend is sized so that a typical partner pays about this much per signup at its usual budget. */
export const TARGET_COST_PER_SIGNUP_USD = 40;

/** Day of week (0 = Sunday) factors on organic signups and affiliate spend; mean 1. */
export const WEEKDAY_FACTORS: readonly number[] = [0.85, 1.05, 1.1, 1.1, 1.05, 1.0, 0.85];

/** KYC happens `Geometric(p)` days after signup, capped. */
export const KYC_LAG = { p: 0.55, maxDays: 14 } as const;
/** The first deposit happens `Geometric(p)` days after KYC, capped. */
export const FTD_LAG = { p: 0.3, maxDays: 30 } as const;

/** Engagement (base daily probability of coming back) is `Beta(alpha, beta)` per user. */
export const ENGAGEMENT_BETA = { alpha: 2, beta: 3 } as const;
/** Funded users come back more often. */
export const FUNDED_ENGAGEMENT_FACTOR = 1.5;
/** Return probability decays with age toward this fraction of its starting value... */
export const ENGAGEMENT_FLOOR = 0.3;
/** ...with this time constant in days. */
export const ENGAGEMENT_DECAY_DAYS = 21;
/** No user comes back on more than this share of days. */
export const MAX_DAILY_RETURN_PROBABILITY = 0.95;

/** Chance, per active day, that a user stops coming back (times the partner's churn multiplier). */
export const BASE_CHURN_HAZARD = 0.035;
/** Funded users churn less, unfunded ones more. */
export const CHURN_FACTOR = { funded: 0.5, unfunded: 1.6 } as const;
/** Share of churned users who come back later ("resurrected"). */
export const RESURRECTION_PROBABILITY = 0.3;
/** A resurrected user stays away at least this many days... */
export const MIN_DORMANT_DAYS = 30;
/** ...plus `Geometric(1 / mean)` more. */
export const MEAN_EXTRA_DORMANT_DAYS = 40;

/** Logins per active day: 1 + Poisson(mean). */
export const EXTRA_LOGINS_MEAN = 0.5;
/** Trades per funded active day are Poisson with a per-user rate drawn from this gamma. */
export const TRADE_RATE_GAMMA = { shape: 1.2, scale: 2.5 } as const;
/** Share of users who only trade spot; the others trade futures on a per-user share of trades. */
export const SPOT_ONLY_SHARE = 0.55;
/** Futures share of trades for users who trade futures: uniform in this range. */
export const FUTURES_SHARE_RANGE = [0.2, 0.9] as const;
/** Spot notional is lognormal: median (times the user's value multiplier) and sigma. */
export const SPOT_NOTIONAL = { medianUsd: 600, sigma: 1.1 } as const;
/** Futures notional is that of spot times this leverage. */
export const FUTURES_LEVERAGE = 5;
/** Fee revenue as a fraction of notional. */
export const FEE_RATE = { spot: 0.001, futures: 0.0005 } as const;

/** The per-user value multiplier is `quality * lognormal(-sigma^2/2, sigma) * whale / E[whale]`. */
export const VALUE_MULTIPLIER_SIGMA = 0.9;
/** A few users are whales: their multiplier is this many times larger. */
export const WHALE = { probability: 0.004, factor: 40 } as const;

/** First deposit amount: lognormal median (times the value multiplier) and sigma. */
export const FIRST_DEPOSIT = { medianUsd: 250, sigma: 1.0 } as const;
/** Later deposits of funded users: chance per active day, lognormal median, sigma. */
export const REPEAT_DEPOSIT = { probability: 0.06, medianUsd: 400, sigma: 1.0 } as const;
/** Withdrawals of funded users: chance per active day and the share of net deposits taken. */
export const WITHDRAWAL = {
  probability: 0.04,
  minShare: 0.05,
  maxShare: 0.6,
  minNetDepositsUsd: 20,
} as const;

/** The age, in days, up to which the ground truth's expected net revenue per user is summed (inclusive). */
export const LTV_HORIZON_DAYS = 180;
/** Simulated users per partner for the ground truth's expectations. */
export const TRUTH_SAMPLE_USERS = 4000;

/** Share of organic signups whose signup event is never sent (the user is "unattributed"). */
export const MISSING_SIGNUP_SHARE = 0.004;
/** Share of organic signups that carry a partner id the registry does not know. */
export const UNKNOWN_PARTNER_SHARE = 0.003;
/** Partner ids that look real but are in no registry. */
export const UNKNOWN_PARTNER_IDS: readonly string[] = ['aff-legacy-07', 'kol-deleted-12', 'cre-test'];
/** Share of users who send a second signup event on a later day. */
export const SECOND_SIGNUP_SHARE = 0.004;

/** Per good event: chance it arrives 1 to 3 days late, in a later day's file. */
export const LATE_EVENT_SHARE = 0.004;
/** Per good event: chance it is re-sent (a duplicate event_id). */
export const DUPLICATE_EVENT_SHARE = 0.003;
/** Per good event: chance a malformed row is planted beside it. */
export const BAD_EVENT_ROW_SHARE = 0.0025;
/** Per good amount event: chance its amount is written as a numeric string (valid). */
export const NUMERIC_STRING_AMOUNT_SHARE = 0.003;
/** Per good event: chance it carries an unknown extra field (valid, ignored). */
export const EXTRA_FIELD_SHARE = 0.05;
/** Per events file: chance it holds one blank line (skipped, not counted). */
export const BLANK_LINE_FILE_SHARE = 0.2;
/** Every this many days, counting from day index 2, an events file is gzipped. */
export const GZIP_EVERY_DAYS = 5;
