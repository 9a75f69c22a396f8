import { isHeldOut } from '../lambdas/experiments/holdout.ts';
import type { ArmSums } from '../lambdas/experiments/uplift.ts';
import { Rng } from '../lambdas/generate/rng.ts';

/**
 * The metrics of docs/contract.md 5.3 the campaigns bench simulates: a binary one, a count and a
 * heavy-tailed money metric, each with its pre-window covariate.
 */
export const SIMULATED_METRICS = ['traded', 'active_days', 'net_revenue_usd'] as const;
export type SimulatedMetric = (typeof SIMULATED_METRICS)[number];

/** One simulated campaign: who arrives when, how they are split, and the effect the treatment has. */
export interface CampaignSpec {
  /** The campaign's id: the action of the hash rule that splits its users. */
  readonly campaignId: string;
  /** Seed of the campaign's random numbers. */
  readonly seed: number;
  /** The designed control share h, 0 < h < 1. */
  readonly holdoutShare: number;
  /** Mean number of users exposed each day (Poisson). */
  readonly usersPerDay: number;
  /** Days on which new users are exposed; the result is read daily until the last window closes. */
  readonly exposureDays: number;
  /** Each user's outcome window (contract 5.1 `window_days`). */
  readonly windowDays: number;
  /** The covariate window before exposure (contract 5.1 `pre_days`). */
  readonly preDays: number;
  /**
   * The true additive uplift of each metric over a full outcome window, per treated user. It
   * accrues evenly over the window's days, so a user seen for l of w days has received l / w of it.
   */
  readonly uplift: Readonly<Record<SimulatedMetric, number>>;
}

/** One read of a campaign: each arm's sufficient statistics for one metric. */
export interface CampaignArms {
  readonly treatment: ArmSums;
  readonly control: ArmSums;
}

/** A simulated campaign, readable on each day from the first exposure until every window is full. */
export interface SimulatedCampaign {
  readonly spec: CampaignSpec;
  /** Number of daily reads: read r is day r after the first exposure; the last has every window full. */
  readonly reads: number;
  /** The arms' sums on read r: each user's metric over the part of their window seen by then. */
  armsAt(read: number, metric: SimulatedMetric): CampaignArms;
  /** The uplift the treated users seen by read r have received on average: what read r estimates. */
  trueUpliftAt(read: number, metric: SimulatedMetric): number;
}

// The user model. Parameters are picked so that the control arms look like an exchange's CRM
// audience: most users idle most days, a minority trading, and revenue concentrated in a few whales.
/** Share of the audience who signed up too recently to have a pre-window: their covariates are 0. */
const NEW_USER_SHARE = 0.3;
/** Share of users who ever trade; the rest only log in. */
const TRADER_SHARE = 0.6;
/** Cap on the daily activity probability; it leaves room for the active-days effect (see below). */
const MAX_ACTIVE = 0.9;
/** Cap on the daily trading probability; it leaves room for the traded effect (see below). */
const MAX_TRADE = 0.2;
/** Revenue per trading day is the user's lognormal value scale times lognormal day-to-day noise. */
const VALUE_MU = 0;
const VALUE_SIGMA = 2;
const DAY_SIGMA = 0.5;
/** Between the pre-window and the outcome window a user's activity drifts (lognormal, mostly down). */
const DRIFT_MU = -0.2;
const DRIFT_SIGMA = 0.6;
/** The money effect comes as an occasional lump (a bonus trade) on this share of a user's days. */
const REVENUE_LUMP_CHANCE = 0.1;

/** Fields of one block of sums, in the order they are stored. */
const N = 0;
const SUM_Y = 1;
const SUM_X = 2;
const SUM_YY = 3;
const SUM_XX = 4;
const SUM_XY = 5;
const FIELDS = 6;
const TREATMENT = 0;
const CONTROL = 1;
/** Positions of the metrics in per-user arrays, in the order of SIMULATED_METRICS. */
const TRADED = SIMULATED_METRICS.indexOf('traded');
const ACTIVE_DAYS = SIMULATED_METRICS.indexOf('active_days');
const NET_REVENUE_USD = SIMULATED_METRICS.indexOf('net_revenue_usd');

/**
 * Where the sums of an arm, exposure day and number of window days seen start: one block of
 * FIELDS per metric, in the order of SIMULATED_METRICS.
 */
function blockAt(arm: number, day: number, seen: number, exposureDays: number, windowDays: number): number {
  return ((arm * exposureDays + day) * windowDays + seen - 1) * SIMULATED_METRICS.length * FIELDS;
}

/** Adds one user's Y and X to the block of sums starting at `at`. */
function addUser(sums: Float64Array, at: number, y: number, x: number): void {
  sums[at + N] = (sums[at + N] as number) + 1;
  sums[at + SUM_Y] = (sums[at + SUM_Y] as number) + y;
  sums[at + SUM_X] = (sums[at + SUM_X] as number) + x;
  sums[at + SUM_YY] = (sums[at + SUM_YY] as number) + y * y;
  sums[at + SUM_XX] = (sums[at + SUM_XX] as number) + x * x;
  sums[at + SUM_XY] = (sums[at + SUM_XY] as number) + x * y;
}

/**
 * The average share of the outcome window that users exposed on each day have had by read r:
 * users of day a have been seen for min(r - a + 1, w) of w days. Days not yet reached count no one.
 * Null when no user of these days has arrived by read r.
 *
 * @param exposedPerDay - users exposed on each day, in day order
 */
export function windowShareAt(
  exposedPerDay: readonly number[],
  read: number,
  windowDays: number,
): number | null {
  let users = 0;
  let days = 0;
  for (let day = 0; day <= Math.min(read, exposedPerDay.length - 1); day++) {
    const count = exposedPerDay[day] ?? 0;
    users += count;
    days += count * Math.min(read - day + 1, windowDays);
  }
  return users === 0 ? null : days / (users * windowDays);
}

function checkedSpec(spec: CampaignSpec): CampaignSpec {
  const { holdoutShare, windowDays, uplift } = spec;
  if (!(holdoutShare > 0 && holdoutShare < 1))
    throw new RangeError(`holdoutShare ${holdoutShare}: set a share strictly between 0 and 1`);
  // The effects are drawn so that every treated user's expected uplift is exactly the given one;
  // these bounds keep the draws' probabilities at most 1 for the most active users the model has.
  const maxActiveDays = windowDays * (1 - MAX_ACTIVE);
  if (uplift.active_days < 0 || uplift.active_days > maxActiveDays)
    throw new RangeError(
      `active_days uplift ${uplift.active_days}: set it in [0, ${maxActiveDays.toFixed(4)}] for a ${windowDays}-day window`,
    );
  const maxTraded = (1 - MAX_TRADE) ** windowDays;
  if (uplift.traded < 0 || uplift.traded > maxTraded)
    throw new RangeError(
      `traded uplift ${uplift.traded}: set it in [0, ${maxTraded.toFixed(4)}] for a ${windowDays}-day window`,
    );
  if (uplift.net_revenue_usd < 0)
    throw new RangeError(`net_revenue_usd uplift ${uplift.net_revenue_usd}: set it to 0 or more`);
  return spec;
}

/** One user's daily outcomes over the window, untreated, and their pre-window covariates. */
interface UserDays {
  readonly active: Uint8Array;
  readonly traded: Uint8Array;
  readonly revenueUsd: Float64Array;
  /** Pre-window value of each metric, in the order of SIMULATED_METRICS. */
  readonly covariate: Float64Array;
  /** Daily probabilities in the outcome window, which the effects are scaled by. */
  activeChance: number;
  tradeChance: number;
}

/** Draws one user's latent habits, pre-window covariates and untreated outcome days into `into`. */
function drawUser(rng: Rng, spec: CampaignSpec, into: UserDays): void {
  const isNew = rng.chance(NEW_USER_SHARE);
  // Beta(0.6, 1.8): mean 0.25, with a mass of users who are hardly ever active.
  const active = Math.min(MAX_ACTIVE, rng.beta(0.6, 1.8));
  const trade = rng.chance(TRADER_SHARE) ? Math.min(active, MAX_TRADE) * rng.beta(2, 2) : 0;
  const value = rng.lognormal(VALUE_MU, VALUE_SIGMA);
  let activeDays = 0;
  let traded = 0;
  let revenueUsd = 0;
  if (!isNew) {
    for (let day = 0; day < spec.preDays; day++) {
      // One draw decides both: a trading day is an active day (trade <= active).
      const u = rng.uniform();
      if (u < active) activeDays++;
      if (u < trade) {
        traded = 1;
        revenueUsd += value * rng.lognormal(0, DAY_SIGMA);
      }
    }
  }
  into.covariate[TRADED] = traded;
  into.covariate[ACTIVE_DAYS] = activeDays;
  into.covariate[NET_REVENUE_USD] = revenueUsd;
  const drift = rng.lognormal(DRIFT_MU, DRIFT_SIGMA);
  into.activeChance = Math.min(MAX_ACTIVE, active * drift);
  into.tradeChance = Math.min(into.activeChance, MAX_TRADE, trade * drift);
  for (let day = 0; day < spec.windowDays; day++) {
    const u = rng.uniform();
    into.active[day] = u < into.activeChance ? 1 : 0;
    into.traded[day] = u < into.tradeChance ? 1 : 0;
    into.revenueUsd[day] = u < into.tradeChance ? value * rng.lognormal(0, DAY_SIGMA) : 0;
  }
}

/**
 * Adds the treatment's effect to a treated user's days. Each metric's effect is drawn on its own,
 * so that each has exactly the expected value the spec gives, whatever the user's habits:
 * - active days: each idle day turns active with probability δ / (w (1 - p)), p the user's daily
 *   activity chance, so the expected extra is δ / w a day;
 * - traded: a user who would not have traded in the window (probability (1 - s)^w, s the daily
 *   trading chance) is converted with probability δ / (1 - s)^w on a uniformly drawn day, so the
 *   expected uplift of the first l days is δ l / w;
 * - net revenue: on each day, with probability π, a lump drawn from an exponential of mean
 *   δ / (w π): δ / w a day, carried by a few users as a bonus trade would be.
 */
function treat(rng: Rng, spec: CampaignSpec, user: UserDays): void {
  const { windowDays: w, uplift } = spec;
  if (uplift.active_days > 0) {
    const chance = uplift.active_days / (w * (1 - user.activeChance));
    for (let day = 0; day < w; day++) if (user.active[day] === 0 && rng.chance(chance)) user.active[day] = 1;
  }
  if (uplift.traded > 0 && !user.traded.includes(1)) {
    if (rng.chance(uplift.traded / (1 - user.tradeChance) ** w)) user.traded[rng.int(0, w - 1)] = 1;
  }
  if (uplift.net_revenue_usd > 0) {
    const lumpMeanUsd = uplift.net_revenue_usd / (w * REVENUE_LUMP_CHANCE);
    for (let day = 0; day < w; day++)
      if (rng.chance(REVENUE_LUMP_CHANCE))
        user.revenueUsd[day] = (user.revenueUsd[day] as number) + rng.gamma(1, lumpMeanUsd);
  }
}

/**
 * Simulates a campaign user by user: each day a Poisson number of users is exposed and split by
 * the contract's hash rule (`isHeldOut(campaignId, 'u<i>', h)`); each user has a pre-window and a
 * day-by-day outcome window drawn from the same latent habits, so X predicts Y as past activity
 * does. The sums kept are each arm's, per exposure day and per number of window days seen, so any
 * daily read is a sum over exposure days, as the SQL's is over users.
 */
export function simulateCampaign(input: CampaignSpec): SimulatedCampaign {
  const spec = checkedSpec(input);
  const { exposureDays, windowDays: w } = spec;
  const rng = new Rng(spec.seed, `campaign:${spec.campaignId}`);
  const metrics = SIMULATED_METRICS.length;
  const sums = new Float64Array(metrics * 2 * exposureDays * w * FIELDS);
  const treatedPerDay = new Array<number>(exposureDays).fill(0);
  const user: UserDays = {
    active: new Uint8Array(w),
    traded: new Uint8Array(w),
    revenueUsd: new Float64Array(w),
    covariate: new Float64Array(metrics),
    activeChance: 0,
    tradeChance: 0,
  };
  let userIndex = 0;
  for (let day = 0; day < exposureDays; day++) {
    const arrivals = rng.poisson(spec.usersPerDay);
    for (let i = 0; i < arrivals; i++) {
      const isControl = isHeldOut(spec.campaignId, `u${userIndex++}`, spec.holdoutShare);
      drawUser(rng, spec, user);
      if (!isControl) {
        treat(rng, spec, user);
        treatedPerDay[day] = (treatedPerDay[day] ?? 0) + 1;
      }
      const arm = isControl ? CONTROL : TREATMENT;
      const { covariate } = user;
      let traded = 0;
      let activeDays = 0;
      let revenueUsd = 0;
      for (let seen = 1; seen <= w; seen++) {
        traded = Math.max(traded, user.traded[seen - 1] as number);
        activeDays += user.active[seen - 1] as number;
        revenueUsd += user.revenueUsd[seen - 1] as number;
        const at = blockAt(arm, day, seen, exposureDays, w);
        addUser(sums, at + TRADED * FIELDS, traded, covariate[TRADED] as number);
        addUser(sums, at + ACTIVE_DAYS * FIELDS, activeDays, covariate[ACTIVE_DAYS] as number);
        addUser(sums, at + NET_REVENUE_USD * FIELDS, revenueUsd, covariate[NET_REVENUE_USD] as number);
      }
    }
  }

  const armAt = (read: number, m: number, arm: number): ArmSums => {
    const total = [0, 0, 0, 0, 0, 0];
    for (let day = 0; day <= Math.min(read, exposureDays - 1); day++) {
      const at = blockAt(arm, day, Math.min(read - day + 1, w), exposureDays, w) + m * FIELDS;
      for (let f = 0; f < FIELDS; f++) total[f] = (total[f] as number) + (sums[at + f] as number);
    }
    const [n, sumY, sumX, sumYY, sumXX, sumXY] = total as [number, number, number, number, number, number];
    return { n, sumY, sumX, sumYY, sumXX, sumXY };
  };
  return {
    spec,
    reads: exposureDays + w - 1,
    armsAt: (read, metric) => {
      const m = SIMULATED_METRICS.indexOf(metric);
      return { treatment: armAt(read, m, TREATMENT), control: armAt(read, m, CONTROL) };
    },
    trueUpliftAt: (read, metric) => spec.uplift[metric] * (windowShareAt(treatedPerDay, read, w) ?? 0),
  };
}
