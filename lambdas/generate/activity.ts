import {
  CHURN_FACTOR,
  ENGAGEMENT_DECAY_DAYS,
  ENGAGEMENT_FLOOR,
  FEE_RATE,
  FUNDED_ENGAGEMENT_FACTOR,
  FUTURES_LEVERAGE,
  MAX_DAILY_RETURN_PROBABILITY,
  MEAN_EXTRA_DORMANT_DAYS,
  MIN_DORMANT_DAYS,
  RESURRECTION_PROBABILITY,
  SPOT_NOTIONAL,
} from './model.ts';
import type { Rng } from './rng.ts';
import { NEVER, type UserTable } from './users.ts';

/** Whether a user does anything on a day: an ordinary visit, their KYC or their first deposit. */
export function isActiveOn(users: UserTable, u: number, day: number): boolean {
  return users.nextActiveDay[u] === day || users.kycDay[u] === day || users.ftdDay[u] === day;
}

/** Whether a user has made their first deposit by a day (and so trades when active). */
export function isFundedOn(users: UserTable, u: number, day: number): boolean {
  return (users.ftdDay[u] as number) <= day;
}

/** The first day after `day` on which the user is active, or `NEVER`. */
export function nextActiveDayAfter(users: UserTable, u: number, day: number): number {
  let next = users.nextActiveDay[u] as number;
  const kyc = users.kycDay[u] as number;
  const ftd = users.ftdDay[u] as number;
  if (kyc > day && kyc < next) next = kyc;
  if (ftd > day && ftd < next) next = ftd;
  return next;
}

/**
 * Schedules a user's next ordinary visit after an active day. Each visit may be their last
 * (churn hazard, lower once funded); a share of churned users come back after 30+ days
 * (resurrection); otherwise the gap is geometric with a return probability that decays with age.
 * A milestone day before the scheduled visit leaves the schedule as it is.
 */
export function scheduleNextVisit(users: UserTable, u: number, day: number, rng: Rng): void {
  if ((users.nextActiveDay[u] as number) > day) return;
  const funded = isFundedOn(users, u, day);
  const hazard = (users.churnHazard[u] as number) * (funded ? CHURN_FACTOR.funded : CHURN_FACTOR.unfunded);
  let next: number;
  if (rng.chance(hazard)) {
    next = rng.chance(RESURRECTION_PROBABILITY)
      ? day + MIN_DORMANT_DAYS + rng.geometric(1 / MEAN_EXTRA_DORMANT_DAYS)
      : NEVER;
  } else {
    const age = day - (users.signupDay[u] as number);
    const decay = ENGAGEMENT_FLOOR + (1 - ENGAGEMENT_FLOOR) * Math.exp(-age / ENGAGEMENT_DECAY_DAYS);
    const boost = funded ? FUNDED_ENGAGEMENT_FACTOR : 1;
    const p = Math.min(MAX_DAILY_RETURN_PROBABILITY, (users.engagement[u] as number) * boost * decay);
    next = day + 1 + rng.geometric(p);
  }
  users.nextActiveDay[u] = Math.min(next, NEVER);
}

const SPOT_MEAN_NOTIONAL =
  SPOT_NOTIONAL.medianUsd * Math.exp((SPOT_NOTIONAL.sigma * SPOT_NOTIONAL.sigma) / 2);

/**
 * The expected fee revenue of one funded active day of a user whose value multiplier is
 * `valueMultiplier`: trades per day times the mean fee of a trade (spot or leveraged futures).
 */
export function expectedDailyFeeUsd(users: UserTable, u: number, valueMultiplier: number): number {
  const futures = users.futuresShare[u] as number;
  const feePerUnitMultiplier =
    SPOT_MEAN_NOTIONAL * ((1 - futures) * FEE_RATE.spot + futures * FUTURES_LEVERAGE * FEE_RATE.futures);
  return (users.tradeRate[u] as number) * valueMultiplier * feePerUnitMultiplier;
}
