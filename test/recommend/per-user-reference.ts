/**
 * The recommender's value path as it was before SQL summed the users: per-user rows paired and
 * grouped in JavaScript. Kept as the reference the SQL sums are checked against
 * (ltv-forecast.test.ts); the daily run never holds a row per user.
 */
import type { UserValue, UserWindows } from '../../bench/models/user-values.ts';
import { LTV_HORIZONS_DAYS } from '../../lambdas/contract/tables.ts';
import { type CohortForecast, FIT_WINDOWS } from '../../lambdas/recommend/ltv-forecast.ts';
import {
  AGE_BANDS_DAYS,
  ageBand,
  BASE_WINDOWS,
  type BandSums,
  emptyBandSums,
  fitBandSums,
  forecastPersistence,
  type PersistenceModel,
  RUN_RATE_WINDOWS,
  WINDOW_DAYS,
  type WindowPair,
} from '../../lambdas/recommend/persistence.ts';

type MutableBandSums = { -readonly [K in keyof BandSums]: BandSums[K] };

/** The sums of each age band of AGE_BANDS_DAYS over window pairs, as persistence_band_sums.sql makes them. */
export function sumWindowPairs(pairs: Iterable<WindowPair>): BandSums[] {
  const sums: MutableBandSums[] = AGE_BANDS_DAYS.map(emptyBandSums);
  for (const pair of pairs) {
    const s = sums[ageBand(pair.ageDays)] as MutableBandSums;
    if (pair.lastDays > 0) {
      s.earners += 1;
      s.lastDays += pair.lastDays;
      s.nextOfEarnersDays += pair.nextDays;
      if (pair.nextDays <= 0) s.droppedOut += 1;
    } else {
      s.idle += 1;
      s.nextOfIdleUsd += pair.nextUsd;
      s.nextOfIdleDays += pair.nextDays;
      if (pair.nextDays > 0) s.reactivated += 1;
    }
  }
  return sums;
}

/** Fits the model on window pairs (sumWindowPairs, then fitBandSums). */
export function fitPersistence(pairs: Iterable<WindowPair>, prior?: PersistenceModel): PersistenceModel {
  return fitBandSums(sumWindowPairs(pairs), prior);
}

/**
 * The model's training pairs: for every user and every boundary between two loaded windows that
 * the user had reached (signed up on or before it), age at the boundary and revenue either side.
 */
export function windowPairs(
  users: readonly UserValue[],
  windows: ReadonlyMap<string, UserWindows>,
  windowCount: number = FIT_WINDOWS,
): WindowPair[] {
  const pairs: WindowPair[] = [];
  for (const user of users) {
    const series = windows.get(user.userId);
    for (let j = 1; j + BASE_WINDOWS <= windowCount; j += 1) {
      const ageDays = user.ageDays - j * WINDOW_DAYS;
      if (ageDays < 0) break;
      let lastDays = 0;
      for (let k = j; k < j + BASE_WINDOWS; k += 1) lastDays += series?.tradeDays[k] ?? 0;
      pairs.push({
        ageDays,
        lastDays,
        nextDays: series?.tradeDays[j - 1] ?? 0,
        nextUsd: series?.netRevenueUsd[j - 1] ?? 0,
      });
    }
  }
  return pairs;
}

/**
 * Sums every user's value at each horizon into their (cohort, partner): observed where the
 * horizon has passed, to date plus the forecast of the remaining days where it has not.
 */
export function forecastCohortsPerUser(
  users: readonly UserValue[],
  windows: ReadonlyMap<string, UserWindows>,
  model: PersistenceModel,
): Map<string, CohortForecast> {
  const groups = new Map<string, { ageDays: number; users: UserValue[] }>();
  for (const user of users) {
    const key = `${user.cohortDate}|${user.partnerId}`;
    const group = groups.get(key) ?? { ageDays: user.ageDays, users: [] };
    group.users.push(user);
    groups.set(key, group);
  }
  const cohorts = new Map<string, CohortForecast>();
  for (const [key, group] of groups) {
    const lastWindowsUsd = new Array<number>(RUN_RATE_WINDOWS).fill(0);
    const lastWindowsDays = new Array<number>(RUN_RATE_WINDOWS).fill(0);
    let idleUsers = 0;
    let toDate = 0;
    for (const user of group.users) {
      const series = windows.get(user.userId);
      let baseDays = 0;
      for (let k = 0; k < RUN_RATE_WINDOWS; k += 1) {
        lastWindowsUsd[k] = (lastWindowsUsd[k] as number) + (series?.netRevenueUsd[k] ?? 0);
        lastWindowsDays[k] = (lastWindowsDays[k] as number) + (series?.tradeDays[k] ?? 0);
        if (k < BASE_WINDOWS) baseDays += series?.tradeDays[k] ?? 0;
      }
      if (baseDays <= 0) idleUsers += 1;
      toDate += user.netRevenueUsd;
    }
    const state = {
      ageDays: group.ageDays,
      users: group.users.length,
      lastWindowsUsd,
      lastWindowsDays,
      idleUsers,
    };
    const forecast: CohortForecast = { users: group.users.length, toDate, 90: 0, 180: 0, 365: 0 };
    for (const horizon of LTV_HORIZONS_DAYS) {
      if (group.ageDays >= horizon) {
        forecast[horizon] = group.users.reduce((sum, u) => sum + u.cumulativeNetRevenueUsd[horizon], 0);
      } else
        forecast[horizon] = toDate + forecastPersistence(model, state, horizon - group.ageDays).netRevenueUsd;
    }
    cohorts.set(key, forecast);
  }
  return cohorts;
}
