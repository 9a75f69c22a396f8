/**
 * BG/NBD (activity) and Gamma-Gamma (value) on the lake's users, in the classic form: the first
 * trading day is the acquisition, later trading days are the repeat transactions and net revenue
 * per repeat trading day the value. These are the standard customer-base models; the holdout bench
 * (`npm run bench -- ltv`) compares them with the persistence model that `ltv_forecast` uses.
 */
import { type BgNbdFit, fitBgNbd } from './bgnbd.ts';
import { RecommendError } from './errors.ts';
import { fitGammaGamma, type GammaGammaFit } from './gamma-gamma.ts';
import type { UserValue } from './value-forecast.ts';

/** The two fitted models. */
export interface CustomerBaseModels {
  readonly bgnbd: BgNbdFit;
  readonly gammaGamma: GammaGammaFit;
}

/** Repeat transactions (trading days after the first) and their mean net revenue. */
export function repeatHistory(user: UserValue): { frequency: number; meanValueUsd: number } {
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
  users: readonly UserValue[],
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
