import { AGE_DAYS } from '../contract/tables-models.ts';

/** A user as the cohort-development model sees them: cumulative net revenue at each checkpoint age. */
export interface CohortCurveUser {
  readonly partnerId: string;
  /** Days from signup to the forecast date. */
  readonly ageDays: number;
  /** Net revenue to date. */
  readonly valueToDateUsd: number;
  /** Cumulative net revenue at ages 0, 1, 3, 7, 14, 30, 60, 90, 180, 365 (complete up to `ageDays`). */
  readonly cumulativeUsd: readonly number[];
}

/** Per-user net revenue added in each checkpoint interval (AGE_DAYS[i], AGE_DAYS[i+1]]. */
export interface CohortCurve {
  readonly increments: readonly number[];
  /** How many users each interval was measured on (0 where it was extrapolated). */
  readonly support: readonly number[];
}

/** Shrinks a partner's increments towards the pooled curve: the weight of the pooled curve in users. */
const SHRINKAGE_USERS = 200;

function measure(users: readonly CohortCurveUser[]): { sums: number[]; counts: number[] } {
  const sums = new Array<number>(AGE_DAYS.length - 1).fill(0);
  const counts = new Array<number>(AGE_DAYS.length - 1).fill(0);
  for (const user of users) {
    for (let i = 0; i < AGE_DAYS.length - 1; i += 1) {
      if (user.ageDays < (AGE_DAYS[i + 1] as number)) break;
      sums[i] =
        (sums[i] as number) + (user.cumulativeUsd[i + 1] as number) - (user.cumulativeUsd[i] as number);
      counts[i] = (counts[i] as number) + 1;
    }
  }
  return { sums, counts };
}

/**
 * Extends observed increments past the oldest fully observed age: the daily revenue rate is taken
 * to keep decaying geometrically at the rate seen between the last two observed intervals (never
 * growing), which is how an activity that fades with age continues.
 */
function extrapolate(increments: number[], counts: readonly number[]): number[] {
  const observed = counts.map((count, i) => (count > 0 ? i : -1)).filter((i) => i >= 0);
  const last = observed.at(-1);
  if (last === undefined) return increments.map(() => 0);
  const width = (i: number) => (AGE_DAYS[i + 1] as number) - (AGE_DAYS[i] as number);
  const middle = (i: number) => ((AGE_DAYS[i] as number) + (AGE_DAYS[i + 1] as number)) / 2;
  const rate = (i: number) => (increments[i] as number) / width(i);
  const previous = observed.at(-2);
  let decayPerDay = 1;
  if (previous !== undefined && rate(previous) > 0 && rate(last) > 0) {
    decayPerDay = Math.min(1, (rate(last) / rate(previous)) ** (1 / (middle(last) - middle(previous))));
  }
  return increments.map((value, i) =>
    i <= last ? value : rate(last) * decayPerDay ** (middle(i) - middle(last)) * width(i),
  );
}

/**
 * Fits the cohort-development model: the mean net revenue a user adds in each age interval, measured
 * on the users old enough to have lived it, per partner shrunk towards all partners pooled, and
 * extrapolated past the oldest age observed.
 */
export function fitCohortCurves(users: readonly CohortCurveUser[]): {
  pooled: CohortCurve;
  byPartner: Map<string, CohortCurve>;
} {
  const all = measure(users);
  const pooledIncrements = extrapolate(
    all.sums.map((sum, i) => ((all.counts[i] as number) > 0 ? sum / (all.counts[i] as number) : 0)),
    all.counts,
  );
  const pooled = { increments: pooledIncrements, support: all.counts };
  const byPartner = new Map<string, CohortCurve>();
  const partnerIds = [...new Set(users.map((u) => u.partnerId))];
  for (const partnerId of partnerIds) {
    const own = measure(users.filter((u) => u.partnerId === partnerId));
    const blended = own.sums.map((sum, i) => {
      const count = own.counts[i] as number;
      return (sum + SHRINKAGE_USERS * (pooledIncrements[i] as number)) / (count + SHRINKAGE_USERS);
    });
    byPartner.set(partnerId, { increments: extrapolate(blended, all.counts), support: own.counts });
  }
  return { pooled, byPartner };
}

/**
 * Net revenue a user of the curve's partner is expected to add between two ages, with the interval
 * that contains an end counted pro rata.
 */
export function expectedIncrement(curve: CohortCurve, fromAge: number, toAge: number): number {
  let total = 0;
  for (let i = 0; i < AGE_DAYS.length - 1; i += 1) {
    const start = AGE_DAYS[i] as number;
    const end = AGE_DAYS[i + 1] as number;
    const overlap = Math.min(end, toAge) - Math.max(start, fromAge);
    if (overlap > 0) total += ((curve.increments[i] as number) * overlap) / (end - start);
  }
  return total;
}

/** The recent window a user's own revenue rate is measured over, in days. */
export const RECENT_WINDOW_DAYS = 60;

/**
 * A user's expected net revenue over the next `days`: their own revenue of the last
 * {@link RECENT_WINDOW_DAYS} days (or of their whole life when younger), carried forward at the pace
 * the cohort curve says revenue fades with age. Each user keeps their own level, which is what
 * separates a whale from a casual trader; the curve only supplies the decay.
 */
export function decayedRunRate(curve: CohortCurve, ageDays: number, recentUsd: number, days: number): number {
  if (recentUsd <= 0 || ageDays <= 0) return 0;
  const windowStart = Math.max(0, ageDays - RECENT_WINDOW_DAYS);
  const past = expectedIncrement(curve, windowStart, ageDays);
  if (past <= 0) return 0;
  return (recentUsd * expectedIncrement(curve, ageDays, ageDays + days)) / past;
}
