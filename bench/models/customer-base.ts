/**
 * BG/NBD (activity) and Gamma-Gamma (value) on the lake's users, in the classic form: the first
 * trading day is the acquisition, later trading days are the repeat transactions and net revenue
 * per repeat trading day the value. These are the standard customer-base models; the holdout bench
 * (`npm run bench -- ltv`) compares them with the persistence model that `ltv_forecast` uses.
 */
import { fileURLToPath } from 'node:url';
import { RecommendError } from '../../lambdas/recommend/errors.ts';
import type { Engine } from '../../lambdas/warehouse/engine.ts';
import { queryFile } from '../../lambdas/warehouse/sql.ts';
import { type BgNbdFit, fitBgNbd } from './bgnbd.ts';
import { fitGammaGamma, type GammaGammaFit } from './gamma-gamma.ts';
import { loadUserValues, type UserValue } from './user-values.ts';

/** The bench's own SQL: it reads the lake like `queries/` does, but no Lambda runs it. */
const BENCH_QUERIES_DIR = fileURLToPath(new URL('queries', import.meta.url));

/** An attributed user as the customer-base models see them: their value and their trading days. */
export interface TradingHistory extends UserValue {
  /** Days with a trade; the first is the acquisition, the rest are repeat transactions. */
  readonly tradeDays: number;
  /** Days from the first trade to the last. */
  readonly recencyDays: number;
  /** Days from the first trade to R; null for a user who never traded. */
  readonly tradingAgeDays: number | null;
  /** Net revenue of the first trading day (not a repeat transaction). */
  readonly firstDayNetRevenueUsd: number;
}

/**
 * Every attributed user's value and trading days as of R. Reads all of user_daily up to R (the
 * daily state keeps only what the persistence model needs), so it is for the holdout bench.
 */
export async function loadTradingHistories(engine: Engine, runDate: string): Promise<TradingHistory[]> {
  const users = await loadUserValues(engine, runDate);
  const rows = await engine.query(
    queryFile('user_trading_histories', { run_date: { date: runDate } }, BENCH_QUERIES_DIR),
  );
  const byUser = new Map(rows.map((row) => [String(row.user_id), row]));
  return users.map((user) => {
    const row = byUser.get(user.userId);
    if (row === undefined) {
      return { ...user, tradeDays: 0, recencyDays: 0, tradingAgeDays: null, firstDayNetRevenueUsd: 0 };
    }
    return {
      ...user,
      tradeDays: Number(row.trade_days),
      recencyDays: Number(row.recency_days),
      tradingAgeDays: Number(row.trading_age_days),
      firstDayNetRevenueUsd: Number(row.first_day_net_revenue_usd),
    };
  });
}

/** The two fitted models. */
export interface CustomerBaseModels {
  readonly bgnbd: BgNbdFit;
  readonly gammaGamma: GammaGammaFit;
}

/** Repeat transactions (trading days after the first) and their mean net revenue. */
export function repeatHistory(user: TradingHistory): { frequency: number; meanValueUsd: number } {
  const frequency = Math.max(0, user.tradeDays - 1);
  const repeatValue = Math.max(0, user.netRevenueUsd - user.firstDayNetRevenueUsd);
  return { frequency, meanValueUsd: frequency > 0 ? repeatValue / frequency : 0 };
}

function evenSample<T>(items: readonly T[], size: number): T[] {
  if (items.length <= size) return [...items];
  const step = items.length / size;
  return Array.from({ length: size }, (_, i) => items[Math.floor(i * step)] as T);
}

/**
 * Fits the activity (BG/NBD, on every user who traded: repeat trading days after the first) and
 * value (Gamma-Gamma, on users with repeat trading days and repeat revenue) models; null when there
 * is too little trading.
 */
export function fitCustomerBaseModels(
  users: readonly TradingHistory[],
  /** At most this many users are fitted on (an even sample). */
  maxFitUsers = 50_000,
): CustomerBaseModels | null {
  const traders = evenSample(
    users.filter((u) => u.tradingAgeDays !== null),
    maxFitUsers,
  );
  const repeaters = traders
    .map(repeatHistory)
    .filter((h) => h.frequency > 0 && h.meanValueUsd > 0)
    .map((h) => ({ frequency: h.frequency, meanValue: h.meanValueUsd }));
  if (traders.length < 100 || repeaters.length < 30) return null;
  try {
    const bgnbd = fitBgNbd(
      traders.map((u) => ({
        frequency: repeatHistory(u).frequency,
        recency: repeatHistory(u).frequency > 0 ? u.recencyDays : 0,
        age: u.tradingAgeDays ?? 0,
      })),
    );
    return { bgnbd, gammaGamma: fitGammaGamma(repeaters) };
  } catch (error) {
    if (error instanceof RecommendError) return null;
    throw error;
  }
}
