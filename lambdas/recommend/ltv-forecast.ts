/**
 * The LTV forecasts `ltv_forecast` holds, per (cohort, partner), with the windowed persistence
 * model (persistence.ts): the model is fitted on consecutive windows of the users' own history, and
 * a cohort's value at each horizon from signup is what it earned to date plus the forecast for the
 * days of the horizon still ahead (or, once the horizon has passed, what it earned by then). A cohort
 * 180 days old or older is forecast at its run rate of the last 90 days for the next 90 before the
 * chain takes over (persistence.ts, MATURE_AGE_DAYS). SQL sums the users into one row per age band
 * (the fit) and one per (cohort, partner) (the forecast): no row per user reaches JavaScript.
 */
import { LTV_HORIZONS_DAYS, type LtvHorizonDays } from '../contract/tables.ts';
import type { Engine, Row } from '../warehouse/engine.ts';
import { queryFile, type SqlParams } from '../warehouse/sql.ts';
import {
  AGE_BANDS_DAYS,
  type BandSums,
  emptyBandSums,
  fitBandSums,
  forecastPersistence,
  type PersistenceModel,
  RUN_RATE_WINDOWS,
} from './persistence.ts';

/**
 * Windows of history the model is fitted on: three window pairs, 120 days, the most `user_state`
 * carries. Boundaries 1 to FIT_WINDOWS - BASE_WINDOWS (persistence_band_sums.sql) have their base
 * windows among them.
 */
export const FIT_WINDOWS = 4;

/** A (cohort, partner)'s users, value to date and value at each horizon from signup, USD. */
export type CohortForecast = { users: number; toDate: number } & Record<LtvHorizonDays, number>;

/** Fewer users than this measured trading across a window boundary, and nothing is forecast. */
const MIN_TRADING_PAIRS = 100;

/**
 * The parameters of the two sums' queries: R, and each attributed user's windows as of R
 * (queries/recommend/user_value_windows.sql) as the derived table they sum.
 */
function userWindows(runDate: string): SqlParams {
  const run_date = { date: runDate };
  return { run_date, user_windows: { query: queryFile('recommend/user_value_windows', { run_date }) } };
}

/**
 * The sums of each age band's window pairs as of R (queries/recommend/persistence_band_sums.sql),
 * one per band of AGE_BANDS_DAYS, zero where a band has no pair.
 */
export async function loadPersistenceSums(engine: Engine, runDate: string): Promise<BandSums[]> {
  const rows = await engine.query(queryFile('recommend/persistence_band_sums', userWindows(runDate)));
  const sums = AGE_BANDS_DAYS.map(emptyBandSums);
  for (const row of rows) {
    const band = AGE_BANDS_DAYS.indexOf(Number(row.band_start_days) as (typeof AGE_BANDS_DAYS)[number]);
    if (band < 0)
      throw new RangeError(`persistence_band_sums has an unknown age band: ${row.band_start_days}`);
    sums[band] = {
      earners: Number(row.earning_pairs),
      lastDays: Number(row.earning_last_trade_days),
      nextOfEarnersDays: Number(row.earning_next_trade_days),
      droppedOut: Number(row.dropped_out_pairs),
      idle: Number(row.idle_pairs),
      nextOfIdleUsd: Number(row.idle_next_net_revenue_usd),
      nextOfIdleDays: Number(row.idle_next_trade_days),
      reactivated: Number(row.reactivated_pairs),
    };
  }
  return sums;
}

/** Fits the persistence model on the band sums of the users' recent history; null with too little of it. */
export function fitUserValueModel(sums: readonly BandSums[]): PersistenceModel | null {
  const tradingPairs = sums.reduce((total, band) => total + band.earners, 0);
  if (tradingPairs < MIN_TRADING_PAIRS) return null;
  return fitBandSums(sums);
}

/** A (cohort, partner)'s users summed: what its forecast starts from. */
export interface CohortValueSums {
  readonly cohortDate: string;
  readonly partnerId: string;
  /** Days from signup to R. */
  readonly ageDays: number;
  readonly users: number;
  /** Net revenue to date, USD. */
  readonly netRevenueUsd: number;
  /** Net revenue at age <= each forecast horizon (complete once `ageDays` reaches it), USD. */
  readonly cumulativeNetRevenueUsd: Readonly<Record<LtvHorizonDays, number>>;
  /** Net revenue in each of the last RUN_RATE_WINDOWS windows, newest first (window 0 ends on R), USD. */
  readonly lastWindowsUsd: readonly number[];
  /** Trading days in each of those windows. */
  readonly lastWindowsDays: readonly number[];
  /** Users with no trading day in the base windows (the first BASE_WINDOWS). */
  readonly idleUsers: number;
}

function toCohortValueSums(row: Row): CohortValueSums {
  const windows = Array.from({ length: RUN_RATE_WINDOWS }, (_, k) => k);
  return {
    cohortDate: String(row.cohort_date),
    partnerId: String(row.partner_id),
    ageDays: Number(row.age_days),
    users: Number(row.users),
    netRevenueUsd: Number(row.net_revenue_usd),
    cumulativeNetRevenueUsd: {
      90: Number(row.net_revenue_age_90_usd),
      180: Number(row.net_revenue_age_180_usd),
      365: Number(row.net_revenue_age_365_usd),
    },
    lastWindowsUsd: windows.map((k) => Number(row[`net_revenue_${k}_usd`])),
    lastWindowsDays: windows.map((k) => Number(row[`trade_days_${k}`])),
    idleUsers: Number(row.idle_users),
  };
}

/** Every (cohort, partner)'s summed users as of R (queries/recommend/cohort_value_sums.sql). */
export async function loadCohortValueSums(engine: Engine, runDate: string): Promise<CohortValueSums[]> {
  const rows = await engine.query(queryFile('recommend/cohort_value_sums', userWindows(runDate)));
  return rows.map(toCohortValueSums);
}

/**
 * Each (cohort, partner)'s value at each horizon, keyed `cohortDate|partnerId`: observed where the
 * horizon has passed, to date plus the forecast of the remaining days where it has not.
 */
export function forecastCohorts(
  cohorts: readonly CohortValueSums[],
  model: PersistenceModel,
): Map<string, CohortForecast> {
  const forecasts = new Map<string, CohortForecast>();
  for (const cohort of cohorts) {
    const toDate = cohort.netRevenueUsd;
    const forecast: CohortForecast = { users: cohort.users, toDate, 90: 0, 180: 0, 365: 0 };
    for (const horizon of LTV_HORIZONS_DAYS) {
      if (cohort.ageDays >= horizon) forecast[horizon] = cohort.cumulativeNetRevenueUsd[horizon];
      else
        forecast[horizon] =
          toDate + forecastPersistence(model, cohort, horizon - cohort.ageDays).netRevenueUsd;
    }
    forecasts.set(`${cohort.cohortDate}|${cohort.partnerId}`, forecast);
  }
  return forecasts;
}
