/**
 * Per-user values and revenue windows for the holdout bench, whose competitor models (BG/NBD +
 * Gamma-Gamma, the run rates) and per-user forecasts need a row per user. The daily run reads the
 * same history as sums instead (lambdas/recommend/ltv-forecast.ts): keep this out of lambdas/.
 */
import { fileURLToPath } from 'node:url';
import type { LtvHorizonDays } from '../../lambdas/contract/tables.ts';
import { FIT_WINDOWS } from '../../lambdas/recommend/ltv-forecast.ts';
import type { Engine, Row } from '../../lambdas/warehouse/engine.ts';
import { queryFile } from '../../lambdas/warehouse/sql.ts';

/** The bench's own SQL: it reads the lake like `queries/` does, but no Lambda runs it. */
const BENCH_QUERIES_DIR = fileURLToPath(new URL('queries', import.meta.url));

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
    queryFile(
      'user_value_summaries',
      { user_windows: { query: queryFile('recommend/user_value_windows', { run_date: { date: runDate } }) } },
      BENCH_QUERIES_DIR,
    ),
  );
  return rows.map(toUserValue);
}

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
    queryFile('user_revenue_windows', { run_date: { date: runDate } }, BENCH_QUERIES_DIR),
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
