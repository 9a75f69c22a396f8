/**
 * What BG/NBD + Gamma-Gamma would put in `ltv_forecast`: one user's net revenue at the product's
 * horizons from signup. The product forecasts with the persistence model instead, which beat these
 * models on the holdout bench (docs/benchmarks.md); this stays beside them as their LTV form,
 * checked against the published CDNOW example.
 */
import { z } from 'zod';
import type { LtvHorizonDays } from '../../lambdas/contract/tables.ts';
import { parseInput } from '../../lambdas/recommend/parse-input.ts';
import { BgNbdParametersSchema, bgNbdConditionalExpectedTransactions } from './bgnbd.ts';
import { GammaGammaParametersSchema, gammaGammaConditionalExpectedValue } from './gamma-gamma.ts';

/** The fitted models an LTV forecast needs. */
export const LtvModelsSchema = z.object({
  /** BG/NBD parameters for the number of repeat transactions. */
  bgnbd: BgNbdParametersSchema,
  /** Gamma-Gamma parameters for the net revenue per transaction. */
  gammaGamma: GammaGammaParametersSchema,
  /**
   * Length, in days, of the time unit the BG/NBD model was fitted in (7 for a model fitted in weeks).
   * @default 1
   */
  periodDays: z.number().positive().default(1),
});
export type LtvModels = z.output<typeof LtvModelsSchema>;
export type LtvModelsInput = z.input<typeof LtvModelsSchema>;

/** What is known about one user at forecast time. */
export const UserSummarySchema = z
  .object({
    /** Repeat transactions: transactions after the first. */
    frequency: z.number().int().nonnegative(),
    /** Days from the first transaction to the last one; 0 without repeat transactions. */
    recencyDays: z.number().nonnegative(),
    /** Days from signup to the forecast date: how much of each horizon is left. */
    ageDays: z.number().nonnegative(),
    /**
     * Days from the first transaction to the forecast date (the BG/NBD's T).
     * @default ageDays, for a model whose first transaction is the signup
     */
    observedDays: z.number().nonnegative().optional(),
    /** Mean net revenue of the repeat transactions, USD; ignored when `frequency` is 0. */
    meanRepeatValueUsd: z.number().nonnegative(),
    /** Net revenue the user has brought so far, USD. */
    valueToDateUsd: z.number(),
  })
  .refine((u) => u.recencyDays <= (u.observedDays ?? u.ageDays), {
    message: 'recencyDays must not exceed observedDays (or ageDays)',
    path: ['recencyDays'],
  })
  .refine((u) => u.frequency === 0 || u.meanRepeatValueUsd > 0, {
    message: 'meanRepeatValueUsd must be > 0 when frequency is > 0',
    path: ['meanRepeatValueUsd'],
  });
export type UserSummary = z.infer<typeof UserSummarySchema>;

/** The projection for one horizon. */
export interface HorizonForecast {
  /** Repeat transactions expected between the forecast date and the horizon. */
  readonly expectedFutureTransactions: number;
  /** Value to date plus the expected value of those transactions, USD. */
  readonly netRevenueUsd: number;
}

/** A user's projected net revenue at each horizon from signup. */
export interface UserLtvForecast {
  /** E(value per transaction | the user's history), USD. */
  readonly expectedValuePerTransactionUsd: number;
  /** The projection at 90, 180 and 365 days from signup. */
  readonly byHorizon: Readonly<Record<LtvHorizonDays, HorizonForecast>>;
}

/**
 * Projects a user's net revenue at 90, 180 and 365 days from signup: value to date plus the BG/NBD
 * expected repeat transactions in what remains of each horizon times the Gamma-Gamma expected value
 * per transaction (the population mean for a user without repeat transactions). A user already older
 * than a horizon keeps the value to date, since its split at the horizon is not in the summary.
 *
 * @throws RecommendInputError when the models or the summary are malformed, or when the Gamma-Gamma
 *   q <= 1 leaves a user without repeat transactions with no finite expected value
 * @throws NumericalError when the BG/NBD series does not converge
 */
export function forecastUserLtv(models: LtvModelsInput, user: UserSummary): UserLtvForecast {
  const parsedModels = parseInput(LtvModelsSchema, models, 'LTV models');
  const summary = parseInput(UserSummarySchema, user, 'user summary');
  const period = parsedModels.periodDays;
  const history = {
    frequency: summary.frequency,
    recency: summary.recencyDays / period,
    age: (summary.observedDays ?? summary.ageDays) / period,
  };
  const valuePerTransaction = gammaGammaConditionalExpectedValue(
    parsedModels.gammaGamma,
    summary.frequency,
    summary.meanRepeatValueUsd,
  );
  const project = (horizonDays: LtvHorizonDays): HorizonForecast => {
    const remainingDays = Math.max(0, horizonDays - summary.ageDays);
    const transactions = bgNbdConditionalExpectedTransactions(
      parsedModels.bgnbd,
      history,
      remainingDays / period,
    );
    return {
      expectedFutureTransactions: transactions,
      netRevenueUsd: summary.valueToDateUsd + transactions * valuePerTransaction,
    };
  };
  return {
    expectedValuePerTransactionUsd: valuePerTransaction,
    byHorizon: { 90: project(90), 180: project(180), 365: project(365) },
  };
}
