import { beforeAll, describe, expect, it } from 'vitest';
import {
  type BgNbdFit,
  type BgNbdParameters,
  bgNbdConditionalExpectedTransactions,
  bgNbdExpectedTransactions,
  bgNbdLogLikelihood,
  bgNbdProbabilityAlive,
  bgNbdTotalLogLikelihood,
  type CustomerHistory,
  fitBgNbd,
} from '../../../bench/models/bgnbd.ts';
import { RecommendInputError } from '../../../lambdas/recommend/errors.ts';
import { loadCdnow } from './cdnow.ts';

/**
 * Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way", section 4 and their note
 * "Implementing the BG/NBD Model for Customer Base Analysis in Excel" (brucehardie.com/notes/004):
 * r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = -9582.4 on the 2,357 CDNOW customers (weeks).
 */
const PUBLISHED: BgNbdParameters = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

/** Half a unit in the last printed digit. */
const withinPrinted = (value: number, printed: number, decimals: number) =>
  expect(Math.abs(value - printed)).toBeLessThan(0.5 * 10 ** -decimals);

describe('fitBgNbd on the CDNOW sample', () => {
  let histories: CustomerHistory[];
  let fit: BgNbdFit;

  beforeAll(() => {
    histories = loadCdnow().map((c) => ({ frequency: c.x, recency: c.tx, age: c.T }));
    fit = fitBgNbd(histories);
  });

  it('reproduces the published estimates to their printed digits', () => {
    // Assess
    withinPrinted(fit.parameters.r, PUBLISHED.r, 3);
    withinPrinted(fit.parameters.alpha, PUBLISHED.alpha, 3);
    withinPrinted(fit.parameters.a, PUBLISHED.a, 3);
    withinPrinted(fit.parameters.b, PUBLISHED.b, 3);
    expect(fit.customers).toBe(2357);
  });

  it('reproduces the published log-likelihood of -9582.4', () => {
    // Assess
    withinPrinted(fit.logLikelihood, -9582.4, 1);
    withinPrinted(bgNbdTotalLogLikelihood(PUBLISHED, histories), -9582.4, 1);
  });

  it('gives the same fit in days, with only α scaled by 7', () => {
    // Prepare
    const inDays = histories.map((h) => ({ frequency: h.frequency, recency: h.recency * 7, age: h.age * 7 }));

    // Act
    const daily = fitBgNbd(inDays);

    // Assess
    expect(daily.parameters.r).toBeCloseTo(fit.parameters.r, 4);
    expect(daily.parameters.alpha / 7).toBeCloseTo(fit.parameters.alpha, 3);
    expect(daily.parameters.a).toBeCloseTo(fit.parameters.a, 4);
    expect(daily.parameters.b).toBeCloseTo(fit.parameters.b, 4);
  });

  it('is a maximum: no parameter nudged by 0.1% raises the likelihood', () => {
    // Prepare
    const keys = ['r', 'alpha', 'a', 'b'] as const;

    // Act / Assess
    for (const key of keys) {
      for (const factor of [0.999, 1.001]) {
        const nudged = { ...fit.parameters, [key]: fit.parameters[key] * factor };
        expect(bgNbdTotalLogLikelihood(nudged, histories)).toBeLessThan(fit.logLikelihood);
      }
    }
  });
});

describe('bgNbdConditionalExpectedTransactions', () => {
  it('gives the 1.226 transactions in the next 39 weeks of the Excel note for x = 2, t_x = 30.43, T = 38.86', () => {
    // Prepare: the note's worked example, customer 1 of CDNOW
    const history = { frequency: 2, recency: 30.43, age: 38.86 };

    // Act
    const expected = bgNbdConditionalExpectedTransactions(PUBLISHED, history, 39);

    // Assess
    withinPrinted(expected, 1.226, 3);
  });

  it('matches the closed form 2F1(1, 1; 2; z) = -ln(1-z)/z on both series branches', () => {
    // Prepare: r = b = 1, a = 2 makes equation (9) 2 · [1 - (1-z) · -ln(1-z)/z] with z = t/(α+t)
    const parameters = { r: 1, alpha: 1, a: 2, b: 1 };
    const byHand = (t: number) => {
      const z = t / (1 + t);
      return 2 * (1 - ((1 - z) * -Math.log1p(-z)) / z);
    };

    // Act / Assess: t = 0.4 takes the short-horizon series, t = 3 the long-horizon one
    for (const t of [0.4, 3, 500])
      expect(bgNbdExpectedTransactions(parameters, t)).toBeCloseTo(byHand(t), 12);
  });

  it('is continuous where it switches series, also for a very frequent customer', () => {
    for (const history of [
      { frequency: 2, recency: 30.43, age: 38.86 },
      { frequency: 500, recency: 300, age: 300 },
    ]) {
      // Prepare: the switch is at t = (α + T) / 2
      const switchAt = (PUBLISHED.alpha + history.age) / 2;

      // Act
      const below = bgNbdConditionalExpectedTransactions(PUBLISHED, history, switchAt * (1 - 1e-12));
      const above = bgNbdConditionalExpectedTransactions(PUBLISHED, history, switchAt * (1 + 1e-12));

      // Assess
      expect(Math.abs(above / below - 1)).toBeLessThan(1e-9);
    }
  });

  it('grows like the mean purchase rate r/α over a very short horizon for a new customer', () => {
    // Act
    const expected = bgNbdExpectedTransactions(PUBLISHED, 1e-6);

    // Assess
    expect(expected / ((PUBLISHED.r / PUBLISHED.alpha) * 1e-6)).toBeCloseTo(1, 5);
  });

  it('stays finite over a year for a customer with 500 transactions', () => {
    // Act
    const expected = bgNbdConditionalExpectedTransactions(
      PUBLISHED,
      { frequency: 500, recency: 51, age: 52 },
      52,
    );

    // Assess
    expect(Number.isFinite(expected)).toBe(true);
    expect(expected).toBeGreaterThan(0);
  });

  it('is 0 over an empty horizon', () => {
    expect(bgNbdConditionalExpectedTransactions(PUBLISHED, { frequency: 3, recency: 5, age: 10 }, 0)).toBe(0);
  });
});

describe('bgNbdLogLikelihood', () => {
  it('is r · ln(α / (α+T)) for a customer without repeat transactions', () => {
    // Prepare
    const parameters = { r: 0.5, alpha: 2, a: 0.8, b: 2.5 };

    // Act
    const ll = bgNbdLogLikelihood(parameters, { frequency: 0, recency: 0, age: 6 });

    // Assess
    expect(ll).toBeCloseTo(0.5 * Math.log(2 / 8), 12);
  });

  it('matches equation (6) by hand for r = α = a = b = 1, x = 1, t_x = 1, T = 3', () => {
    // Prepare: B(1,2)/B(1,1) = B(2,1)/B(1,1) = 1/2, so L = 0.5/(1+T)² + 0.5/(1+t_x)² = 0.15625
    const parameters = { r: 1, alpha: 1, a: 1, b: 1 };

    // Act
    const ll = bgNbdLogLikelihood(parameters, { frequency: 1, recency: 1, age: 3 });

    // Assess
    expect(ll).toBeCloseTo(Math.log(0.15625), 12);
  });
});

describe('bgNbdProbabilityAlive', () => {
  it('matches 1 / (1 + a/(b+x-1) · ((α+T)/(α+t_x))^(r+x)) by hand', () => {
    // Prepare: 1 / (1 + 1/2 · (4/2)²) = 1/3
    const parameters = { r: 1, alpha: 1, a: 1, b: 2 };

    // Act
    const alive = bgNbdProbabilityAlive(parameters, { frequency: 1, recency: 1, age: 3 });

    // Assess
    expect(alive).toBeCloseTo(1 / 3, 14);
  });

  it('is 1 for a customer without repeat transactions', () => {
    expect(bgNbdProbabilityAlive(PUBLISHED, { frequency: 0, recency: 0, age: 30 })).toBe(1);
  });
});

describe('fitBgNbd input checks', () => {
  it('names the field when recency exceeds age', () => {
    // Act / Assess
    expect(() => fitBgNbd([{ frequency: 1, recency: 5, age: 3 }])).toThrow(RecommendInputError);
    expect(() => fitBgNbd([{ frequency: 1, recency: 5, age: 3 }])).toThrow(
      /0\.recency: recency must not exceed age/,
    );
  });
});
