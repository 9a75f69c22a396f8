/**
 * The LTV forecasts `ltv_forecast` holds, per (cohort, partner), with the windowed persistence
 * model (persistence.ts): each user's revenue windows come from SQL, the model is fitted on
 * consecutive windows of the same history, and a cohort's value at each horizon from signup is what
 * it earned to date plus the forecast for the days of the horizon still ahead (or, once the horizon
 * has passed, what it earned by then). A cohort 180 days old or older is forecast at its run rate of
 * the last 90 days for the next 90 before the chain takes over (persistence.ts, MATURE_AGE_DAYS).
 */
import { LTV_HORIZONS_DAYS, type LtvHorizonDays } from '../contract/tables.ts';
import type { Engine, Row } from '../warehouse/engine.ts';
import { queryFile } from '../warehouse/sql.ts';
import {
  BASE_WINDOWS,
  fitPersistence,
  forecastPersistence,
  type PersistenceModel,
  RUN_RATE_WINDOWS,
  WINDOW_DAYS,
  type WindowPair,
} from './persistence.ts';

/** One attributed user as the persistence model sees them. */
export interface UserValue {
  readonly userId: string;
  readonly partnerId: string;
  readonly cohortDate: string;
  /** Days from signup to R. */
  readonly ageDays: number;
  readonly netRevenueUsd: number;
  /**
   * Cumulative net revenue at age <= each forecast horizon (complete once `ageDays` reaches it):
   * what a cohort that passed a horizon is worth there, observed instead of forecast.
   */
  readonly cumulativeNetRevenueUsd: Readonly<Record<LtvHorizonDays, number>>;
}

function toUserValue(row: Row): UserValue {
  return {
    userId: String(row.user_id),
    partnerId: String(row.partner_id),
    cohortDate: String(row.cohort_date),
    ageDays: Number(row.age_days),
    netRevenueUsd: Number(row.net_revenue_usd),
    cumulativeNetRevenueUsd: {
      90: Number(row.net_revenue_age_90_usd ?? 0),
      180: Number(row.net_revenue_age_180_usd ?? 0),
      365: Number(row.net_revenue_age_365_usd ?? 0),
    },
  };
}

/** Reads every attributed user's trading summary as of R. */
export async function loadUserValues(engine: Engine, runDate: string): Promise<UserValue[]> {
  const rows = await engine.query(
    queryFile('recommend/user_value_summaries', { run_date: { date: runDate } }),
  );
  return rows.map(toUserValue);
}

/** Windows of history the model is fitted on: three window pairs, 120 days, the most `user_state` carries. */
export const FIT_WINDOWS = 4;

/** A (cohort, partner)'s users, value to date and value at each horizon from signup, USD. */
export type CohortForecast = { users: number; toDate: number } & Record<LtvHorizonDays, number>;

/** A user's trading days and net revenue per window, newest first (window 0 ends on R). */
export interface UserWindows {
  readonly tradeDays: number[];
  readonly netRevenueUsd: number[];
}

/**
 * Each user's trading in the latest `windows` 30-day windows ending on R (at most FIT_WINDOWS), for
 * users who traded in any; others are absent.
 */
export async function loadRevenueWindows(
  engine: Engine,
  runDate: string,
  windows: number = FIT_WINDOWS,
): Promise<Map<string, UserWindows>> {
  if (!Number.isInteger(windows) || windows < 1 || windows > FIT_WINDOWS) {
    throw new RangeError(`windows must be an integer from 1 to ${FIT_WINDOWS}; got ${windows}`);
  }
  const rows = await engine.query(
    queryFile('recommend/user_revenue_windows', { run_date: { date: runDate } }),
  );
  const byUser = new Map<string, UserWindows>();
  for (const row of rows) {
    const index = Number(row.window_index);
    if (index >= windows) continue;
    const userId = String(row.user_id);
    const series = byUser.get(userId) ?? {
      tradeDays: new Array<number>(windows).fill(0),
      netRevenueUsd: new Array<number>(windows).fill(0),
    };
    series.tradeDays[index] = Number(row.trade_days);
    series.netRevenueUsd[index] = Number(row.net_revenue_usd);
    byUser.set(userId, series);
  }
  return byUser;
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

/** Fewer users than this measured trading across a window boundary, and nothing is forecast. */
const MIN_TRADING_PAIRS = 100;

/** Fits the persistence model on the users' own recent history; null with too little of it. */
export function fitUserValueModel(
  users: readonly UserValue[],
  windows: ReadonlyMap<string, UserWindows>,
): PersistenceModel | null {
  const pairs = windowPairs(users, windows);
  if (pairs.filter((pair) => pair.lastDays > 0).length < MIN_TRADING_PAIRS) return null;
  return fitPersistence(pairs);
}

/**
 * Sums every user's value at each horizon into their (cohort, partner): observed where the
 * horizon has passed, to date plus the forecast of the remaining days where it has not.
 */
export function forecastCohorts(
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
