import { expectedDailyFeeUsd, isFundedOn, nextActiveDayAfter, scheduleNextVisit } from './activity.ts';
import { EXTRA_LOGINS_MEAN, LTV_HORIZON_DAYS, REPEAT_DEPOSIT, WITHDRAWAL } from './model.ts';
import type { UserQuality } from './partners.ts';
import type { Rng } from './rng.ts';
import { enrollUser, ORGANIC, UserTable } from './users.ts';

/** What a user of a given quality is expected to bring, from simulating many of them. */
export interface UserValueExpectation {
  /** Expected trading fees per user at ages 0 to `LTV_HORIZON_DAYS` (inclusive), before revenue share. */
  readonly feesWithinHorizonUsd: number;
  /** Standard error of that estimate. */
  readonly feesStdErrUsd: number;
  /** Expected events per user at each age (index = age in days). */
  readonly eventsByAge: Float64Array;
}

/**
 * Estimates what a user of a given quality is worth by running the journey model's own
 * funnel and activity rules for `samples` users. Fees are taken as their expectation on each
 * funded active day, at the quality's mean value multiplier: the multiplier only scales
 * notional, so this is unbiased and far less noisy than summing sampled trades.
 *
 * @param ages - how many ages (days) to simulate; at least `LTV_HORIZON_DAYS + 1`
 */
export function expectUserValue(
  quality: UserQuality,
  ages: number,
  samples: number,
  rng: Rng,
): UserValueExpectation {
  const users = new UserTable();
  const eventsByAge = new Float64Array(ages);
  let sum = 0;
  let sumOfSquares = 0;
  for (let i = 0; i < samples; i++) {
    const u = enrollUser(users, 0, ORGANIC, quality, rng);
    let fees = 0;
    for (let day = 0; day < ages; day = nextActiveDayAfter(users, u, day)) {
      const funded = isFundedOn(users, u, day);
      let events = 1 + EXTRA_LOGINS_MEAN + (day === 0 ? 1 : 0) + (users.kycDay[u] === day ? 1 : 0);
      if (funded) {
        events += (users.tradeRate[u] as number) + REPEAT_DEPOSIT.probability + WITHDRAWAL.probability;
        if (day <= LTV_HORIZON_DAYS) fees += expectedDailyFeeUsd(users, u, quality.valueMultiplier);
      }
      eventsByAge[day] = (eventsByAge[day] as number) + events / samples;
      scheduleNextVisit(users, u, day, rng);
    }
    sum += fees;
    sumOfSquares += fees * fees;
  }
  const mean = sum / samples;
  const variance = Math.max(0, sumOfSquares / samples - mean * mean);
  return { feesWithinHorizonUsd: mean, feesStdErrUsd: Math.sqrt(variance / samples), eventsByAge };
}
