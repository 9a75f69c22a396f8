import { describe, expect, it } from 'vitest';
import { bgNbdExpectedTransactions } from '../../../bench/models/bgnbd.ts';
import { forecastUserLtv, type LtvModelsInput } from '../../../bench/models/customer-base-ltv.ts';
import { RecommendInputError } from '../../../lambdas/recommend/errors.ts';

/** The published CDNOW estimates (Fader, Hardie & Lee 2005; Fader & Hardie 2013), fitted in weeks. */
const CDNOW_BGNBD = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const CDNOW_GAMMA_GAMMA = { p: 6.25, q: 3.74, v: 15.44 };

describe('forecastUserLtv', () => {
  it('projects the Excel note example: 1.226 more transactions by the 365-day horizon', () => {
    // Prepare: a period of 365/77.86 days puts T = 38.86 periods of age 39 periods before the horizon,
    // the note's x = 2, t_x = 30.43, T = 38.86, t = 39 example; zbar = 22.35 is CDNOW customer 1.
    const periodDays = 365 / 77.86;
    const models: LtvModelsInput = { bgnbd: CDNOW_BGNBD, gammaGamma: CDNOW_GAMMA_GAMMA, periodDays };
    const user = {
      frequency: 2,
      recencyDays: 30.43 * periodDays,
      ageDays: 38.86 * periodDays,
      meanRepeatValueUsd: 22.35,
      valueToDateUsd: 80,
    };
    const valuePerTransaction = 375.875 / 15.24; // 6.25 · (15.44 + 2 · 22.35) / (6.25 · 2 + 3.74 - 1)

    // Act
    const forecast = forecastUserLtv(models, user);

    // Assess
    const year = forecast.byHorizon[365];
    expect(Math.abs(year.expectedFutureTransactions - 1.226)).toBeLessThan(0.0005);
    expect(forecast.expectedValuePerTransactionUsd).toBeCloseTo(valuePerTransaction, 10);
    expect(year.netRevenueUsd).toBeCloseTo(80 + year.expectedFutureTransactions * valuePerTransaction, 10);
  });

  it('keeps the value to date at horizons the user has already passed', () => {
    // Prepare: 182 days old, so the 90- and 180-day horizons are behind it
    const models: LtvModelsInput = { bgnbd: CDNOW_BGNBD, gammaGamma: CDNOW_GAMMA_GAMMA, periodDays: 7 };
    const user = {
      frequency: 3,
      recencyDays: 150,
      ageDays: 182,
      meanRepeatValueUsd: 40,
      valueToDateUsd: 155,
    };

    // Act
    const forecast = forecastUserLtv(models, user);

    // Assess
    expect(forecast.byHorizon[90]).toEqual({ expectedFutureTransactions: 0, netRevenueUsd: 155 });
    expect(forecast.byHorizon[180]).toEqual({ expectedFutureTransactions: 0, netRevenueUsd: 155 });
    expect(forecast.byHorizon[365].netRevenueUsd).toBeGreaterThan(155);
  });

  it('values a user just signed up at E[X(H)] times the population mean value', () => {
    // Prepare: days as the model's unit
    const bgnbd = { r: 0.243, alpha: 4.414 * 7, a: 0.793, b: 2.426 };
    const models: LtvModelsInput = { bgnbd, gammaGamma: CDNOW_GAMMA_GAMMA };
    const user = { frequency: 0, recencyDays: 0, ageDays: 0, meanRepeatValueUsd: 0, valueToDateUsd: 0 };
    const populationMean = (6.25 * 15.44) / 2.74;

    // Act
    const forecast = forecastUserLtv(models, user);

    // Assess
    for (const horizon of [90, 180, 365] as const) {
      const transactions = bgNbdExpectedTransactions(bgnbd, horizon);
      expect(forecast.byHorizon[horizon].netRevenueUsd).toBeCloseTo(transactions * populationMean, 10);
    }
    expect(forecast.byHorizon[90].netRevenueUsd).toBeLessThan(forecast.byHorizon[365].netRevenueUsd);
  });

  it('gives the same forecast for a model in weeks as for the same model rescaled to days', () => {
    // Prepare: α scales with the time unit; the other parameters do not
    const user = { frequency: 4, recencyDays: 60, ageDays: 75, meanRepeatValueUsd: 30, valueToDateUsd: 120 };
    const inWeeks = { bgnbd: CDNOW_BGNBD, gammaGamma: CDNOW_GAMMA_GAMMA, periodDays: 7 };
    const inDays = { bgnbd: { ...CDNOW_BGNBD, alpha: CDNOW_BGNBD.alpha * 7 }, gammaGamma: CDNOW_GAMMA_GAMMA };

    // Act
    const weeks = forecastUserLtv(inWeeks, user);
    const days = forecastUserLtv(inDays, user);

    // Assess
    expect(weeks.byHorizon[180].netRevenueUsd).toBeCloseTo(days.byHorizon[180].netRevenueUsd, 9);
  });

  it('refuses a user whose recency exceeds the age', () => {
    // Prepare
    const models: LtvModelsInput = { bgnbd: CDNOW_BGNBD, gammaGamma: CDNOW_GAMMA_GAMMA };
    const user = { frequency: 1, recencyDays: 10, ageDays: 5, meanRepeatValueUsd: 10, valueToDateUsd: 0 };

    // Act / Assess
    expect(() => forecastUserLtv(models, user)).toThrow(RecommendInputError);
    expect(() => forecastUserLtv(models, user)).toThrow(
      /recencyDays must not exceed observedDays \(or ageDays\)/,
    );
  });
});
