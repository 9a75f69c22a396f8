import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { describe, expect, it } from 'vitest';
import { ModelFitError } from '../../lambdas/recommend/errors.ts';
import {
  fitResponseCurve,
  type HillParameters,
  hillInflectionSpend,
  hillMarginalValue,
  hillValue,
  marginalRoasInterval,
  type SpendValuePoint,
} from '../../lambdas/recommend/response-curve.ts';

const TRUE_CURVE: HillParameters = { vmaxUsd: 1000, k: 1.5, ec50Usd: 200 };

/** 60 days of spend spread over 50..500 USD, with value from `curve` times (1 + noise · N(0, 1)). */
function syntheticDays(curve: HillParameters, noise: number, seed = 7): SpendValuePoint[] {
  const rng = xoroshiro128plus(seed);
  return Array.from({ length: 60 }, (_, day) => {
    const spendUsd = 50 + ((day * 37) % 60) * 7.5;
    const gaussian =
      Math.sqrt(-2 * Math.log(1 - uniformFloat64(rng))) * Math.cos(2 * Math.PI * uniformFloat64(rng));
    return { spendUsd, valueUsd: hillValue(curve, spendUsd) * (1 + noise * gaussian) };
  });
}

describe('Hill curve helpers', () => {
  it('give value vmax/2 at ec50 and the hand-computed slopes', () => {
    // Prepare: k = 1: vmax·ec50/(2·ec50)² = 2.5; k = 2: vmax·2·s·ec50²/(2·ec50²)² = 5
    const linearish = { vmaxUsd: 1000, k: 1, ec50Usd: 100 };
    const sShaped = { vmaxUsd: 1000, k: 2, ec50Usd: 100 };

    // Act / Assess
    expect(hillValue(linearish, 100)).toBeCloseTo(500, 12);
    expect(hillMarginalValue(linearish, 100)).toBeCloseTo(2.5, 12);
    expect(hillMarginalValue(sShaped, 100)).toBeCloseTo(5, 12);
    expect(hillInflectionSpend(sShaped)).toBeCloseTo(100 / Math.sqrt(3), 12);
    expect(hillInflectionSpend(linearish)).toBe(0);
  });

  it('have a marginal value that is the derivative of the value', () => {
    for (const spend of [10, 150, 900]) {
      const h = 1e-4 * spend;
      const numeric = (hillValue(TRUE_CURVE, spend + h) - hillValue(TRUE_CURVE, spend - h)) / (2 * h);
      expect(hillMarginalValue(TRUE_CURVE, spend)).toBeCloseTo(numeric, 6);
    }
  });
});

describe('fitResponseCurve', () => {
  it('recovers known parameters from noiseless points', () => {
    // Prepare
    const days = syntheticDays(TRUE_CURVE, 0);

    // Act
    const fit = fitResponseCurve(days, { bootstrapSamples: 0 });

    // Assess
    expect(fit.parameters.vmaxUsd / TRUE_CURVE.vmaxUsd).toBeCloseTo(1, 4);
    expect(fit.parameters.k).toBeCloseTo(TRUE_CURVE.k, 4);
    expect(fit.parameters.ec50Usd / TRUE_CURVE.ec50Usd).toBeCloseTo(1, 4);
    expect(fit.rSquared).toBeCloseTo(1, 9);
  });

  it('recovers known parameters within 15% from points with 5% noise, and brackets the true slope', () => {
    // Prepare
    const days = syntheticDays(TRUE_CURVE, 0.05);

    // Act
    const fit = fitResponseCurve(days, { seed: 3 });
    const interval = marginalRoasInterval(fit, 250);

    // Assess
    expect(Math.abs(fit.parameters.vmaxUsd / TRUE_CURVE.vmaxUsd - 1)).toBeLessThan(0.15);
    expect(Math.abs(fit.parameters.k / TRUE_CURVE.k - 1)).toBeLessThan(0.15);
    expect(Math.abs(fit.parameters.ec50Usd / TRUE_CURVE.ec50Usd - 1)).toBeLessThan(0.15);
    expect(fit.rSquared).toBeGreaterThan(0.8);
    expect(interval.low).toBeLessThan(hillMarginalValue(TRUE_CURVE, 250));
    expect(interval.high).toBeGreaterThan(hillMarginalValue(TRUE_CURVE, 250));
    expect(fit.bootstrapParameters).toHaveLength(200);
  });

  it('gives the same interval for the same seed and a different one for another seed', () => {
    // Prepare
    const days = syntheticDays(TRUE_CURVE, 0.1);

    // Act
    const first = marginalRoasInterval(fitResponseCurve(days, { seed: 11, bootstrapSamples: 50 }), 250);
    const again = marginalRoasInterval(fitResponseCurve(days, { seed: 11, bootstrapSamples: 50 }), 250);
    const other = marginalRoasInterval(fitResponseCurve(days, { seed: 12, bootstrapSamples: 50 }), 250);

    // Assess
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('keeps k and ec50 inside their bounds when the data want a sharper or later curve', () => {
    // Prepare: k = 6 and ec50 = 20 × median spend are both outside the allowed box
    const days = syntheticDays({ vmaxUsd: 1000, k: 6, ec50Usd: 300 }, 0);
    const steep = fitResponseCurve(days, { bootstrapSamples: 0 });
    const late = fitResponseCurve(syntheticDays({ vmaxUsd: 1e6, k: 1, ec50Usd: 5000 }, 0), {
      bootstrapSamples: 0,
    });

    // Assess: the median spend of the synthetic days is 271.25
    expect(steep.parameters.k).toBeLessThanOrEqual(3);
    expect(steep.parameters.k).toBeGreaterThan(2.9);
    expect(late.parameters.ec50Usd).toBeLessThanOrEqual(5 * 271.25 * (1 + 1e-12));
    expect(late.parameters.ec50Usd).toBeGreaterThan(0.99 * 5 * 271.25);
  });

  it('reports the observed spend range and trusts 0.5× its minimum to 1.5× its maximum', () => {
    // Prepare: spends run from 50 to 492.5
    const days = syntheticDays(TRUE_CURVE, 0);

    // Act
    const fit = fitResponseCurve(days, { bootstrapSamples: 0 });

    // Assess
    expect(fit.observedSpendRange).toEqual({ minUsd: 50, maxUsd: 492.5 });
    expect(fit.trustedSpendRange).toEqual({ minUsd: 25, maxUsd: 738.75 });
    expect(fit.points).toBe(60);
  });

  it('refuses fewer than 3 days or a single distinct spend', () => {
    expect(() => fitResponseCurve([{ spendUsd: 10, valueUsd: 5 }])).toThrow(ModelFitError);
    expect(() =>
      fitResponseCurve([
        { spendUsd: 10, valueUsd: 5 },
        { spendUsd: 10, valueUsd: 6 },
        { spendUsd: 0, valueUsd: 0 },
      ]),
    ).toThrow(/2 distinct positive spends/);
  });
});
