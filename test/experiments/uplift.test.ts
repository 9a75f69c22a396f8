import { describe, expect, it } from 'vitest';
import { ArmStatisticsError } from '../../lambdas/experiments/errors.ts';
import {
  type ArmSums,
  sampleRatioPValue,
  sequenceHalfWidth,
  type UpliftDesign,
  upliftOf,
} from '../../lambdas/experiments/uplift.ts';

/** Sums of (Y, X) pairs, as the SQL hands them over. */
function sums(pairs: readonly (readonly [number, number])[]): ArmSums {
  return {
    n: pairs.length,
    sumY: pairs.reduce((s, [y]) => s + y, 0),
    sumX: pairs.reduce((s, [, x]) => s + x, 0),
    sumYY: pairs.reduce((s, [y]) => s + y * y, 0),
    sumXX: pairs.reduce((s, [, x]) => s + x * x, 0),
    sumXY: pairs.reduce((s, [y, x]) => s + y * x, 0),
  };
}

// A dozen users: seven treated, five held out of a 40% holdout. (Y, X) = (outcome, pre-window).
const TREATMENT = sums([
  [3, 2],
  [5, 4],
  [4, 3],
  [6, 5],
  [2, 1],
  [5, 3],
  [4, 3],
]);
const CONTROL = sums([
  [2, 2],
  [3, 3],
  [1, 1],
  [4, 4],
  [2, 1],
]);
const DESIGN: UpliftDesign = { holdoutShare: 0.4, preDays: 30, costPerTreatedUsd: 0, isRevenueMetric: false };

describe('upliftOf on a dozen users, worked by hand', () => {
  it('computes θ over both arms pooled and the adjusted uplift', () => {
    // Pooled: ΣY = 29 + 12 = 41, ΣX = 21 + 11 = 32, n = 12, mean X = 32/12 = 8/3.
    // Σ(x - x̄)² = ΣX² - (ΣX)²/n = (73 + 31) - 1024/12 = 104 - 85.333 = 18.667 = 56/3.
    // Σ(x - x̄)(y - ȳ) = ΣXY - ΣX ΣY / n = (97 + 32) - 32 * 41 / 12 = 129 - 109.333 = 19.667 = 59/3.
    // θ = (59/3) / (56/3) = 59/56 = 1.0535714...
    const result = upliftOf(TREATMENT, CONTROL, DESIGN);

    expect(result.cupedTheta).toBeCloseTo(59 / 56, 12);
    // Unadjusted means: 29/7 = 4.142857 and 12/5 = 2.4.
    expect(result.meanTreatment).toBeCloseTo(29 / 7, 12);
    expect(result.meanControl).toBeCloseTo(2.4, 12);
    // Adjusted: (29/7 - 2.4) - θ (21/7 - 11/5) = 1.742857 - (59/56)(0.8) = 1.742857 - 0.842857 = 0.9.
    expect(result.upliftAbs).toBeCloseTo(0.9, 12);
    // 0.9 / 2.4 = 0.375.
    expect(result.upliftRel).toBeCloseTo(0.375, 12);
    expect(result.nTreatment).toBe(7);
    expect(result.nControl).toBe(5);
  });

  it('computes the 95% interval, the p-value and the sample-ratio p-value', () => {
    // Within-arm sums about the arm's means. Treatment: ssY = 131 - 29²/7 = 10.857143,
    // ssX = 73 - 21²/7 = 10, spXY = 97 - 21 * 29 / 7 = 10. Control: ssY = 34 - 144/5 = 5.2,
    // ssX = 31 - 121/5 = 6.8, spXY = 32 - 11 * 12 / 5 = 5.6.
    // var(Y') = (ssY - 2θ spXY + θ² ssX) / (n - 1):
    //   treatment (10.857143 - 21.071429 + 11.099809) / 6 = 0.885523 / 6 = 0.147587
    //   control   (5.2 - 11.8 + 7.547832) / 4 = 0.947832 / 4 = 0.236958
    // se = sqrt(0.147587/7 + 0.236958/5) = sqrt(0.021084 + 0.047392) = sqrt(0.068476) = 0.261679
    // (the unrounded arithmetic gives 0.2617170).
    const result = upliftOf(TREATMENT, CONTROL, DESIGN);
    const se = 0.261717040022;

    // 0.9 ± 1.959964 * 0.261717 = 0.9 ± 0.512956.
    expect(result.ciLow).toBeCloseTo(0.9 - 1.959964 * se, 9);
    expect(result.ciHigh).toBeCloseTo(0.9 + 1.959964 * se, 9);
    expect(result.ciLow).toBeCloseTo(0.387044, 6);
    // z = 0.9 / 0.261717 = 3.43883; 2 (1 - Φ(3.43883)) = 0.000584.
    expect(result.pValue).toBeCloseTo(0.000584237, 8);
    // Expected 12 * 0.6 = 7.2 and 12 * 0.4 = 4.8; χ² = 0.2²/7.2 + 0.2²/4.8 = 0.005556 + 0.008333
    // = 0.013889; with 1 df, p = 2 (1 - Φ(sqrt(0.013889) = 0.117851)) = 0.906186.
    expect(result.srmPValue).toBeCloseTo(0.906186, 6);
    expect(result.srmFlag).toBe(false);
  });

  it('keeps the confidence sequence at least as wide as the interval and decides on it', () => {
    // ρ² = (-2 ln 0.05 + ln(-2 ln 0.05 + 1)) / 5000 = (5.991465 + 1.940197) / 5000 = 0.001586332.
    // N = 12, N ρ² = 0.019036; half-width = sqrt(se² N) sqrt(2 (N ρ² + 1) / (N² ρ²) ln(sqrt(N ρ² + 1) / 0.05))
    //   = 0.906614 * sqrt(2 * 1.019036 / 0.228432 * ln(20.189)) = 0.906614 * sqrt(8.92196 * 3.00513) = 4.69318
    // wider than the interval's 0.512956: at 12 users the sequence cannot exclude 0.
    const result = upliftOf(TREATMENT, CONTROL, DESIGN);

    expect(Number(result.csHigh) - 0.9).toBeCloseTo(4.693184, 5);
    expect(Number(result.csLow)).toBeLessThan(Number(result.ciLow));
    expect(result.verdict).toBe('inconclusive');
  });

  it('leaves θ at 0 without a pre-window and reads the plain difference of means', () => {
    const result = upliftOf(TREATMENT, CONTROL, { ...DESIGN, preDays: 0 });

    expect(result.cupedTheta).toBe(0);
    // 29/7 - 12/5 = 4.142857 - 2.4 = 1.742857.
    expect(result.upliftAbs).toBeCloseTo(29 / 7 - 2.4, 12);
  });
});

describe('upliftOf: edges the contract defines', () => {
  it('gives no uplift for an empty arm, and no interval for an arm of one', () => {
    const empty = upliftOf(TREATMENT, sums([]), DESIGN);
    expect(empty).toMatchObject({
      nControl: 0,
      meanControl: null,
      upliftAbs: null,
      ciLow: null,
      pValue: null,
    });
    expect(empty.csLow).toBeNull();

    const single = upliftOf(TREATMENT, sums([[2, 1]]), DESIGN);
    expect(single.upliftAbs).not.toBeNull();
    expect(single).toMatchObject({
      ciLow: null,
      ciHigh: null,
      pValue: null,
      csLow: null,
      verdict: 'inconclusive',
    });
  });

  it('gives no p-value when both arms are constant (se = 0) and no relative uplift on a zero control mean', () => {
    const result = upliftOf(
      sums([
        [1, 0],
        [1, 0],
      ]),
      sums([
        [0, 0],
        [0, 0],
      ]),
      DESIGN,
    );
    // var(X) = 0: θ = 0; uplift 1 - 0 = 1; se = 0.
    expect(result).toMatchObject({
      cupedTheta: 0,
      upliftAbs: 1,
      ciLow: 1,
      ciHigh: 1,
      pValue: null,
      upliftRel: null,
    });
    // The sequence is the point too (half-width 0), so it excludes 0 from above: the contract's win.
    expect(result).toMatchObject({ csLow: 1, csHigh: 1, verdict: 'win' });
  });

  it('flags a sample-ratio mismatch and lets it decide the verdict', () => {
    // 950 treated, 50 held out of a 10% holdout: expected 900 / 100;
    // χ² = 50²/900 + 50²/100 = 2.778 + 25 = 27.778; p = 2 (1 - Φ(5.2705)) = 1.36e-7 < 0.001.
    expect(sampleRatioPValue(950, 50, 0.1)).toBeCloseTo(1.3608e-7, 10);
    const treated = Array.from({ length: 950 }, (_, i) => [i % 2, 0] as const);
    const held = Array.from({ length: 50 }, (_, i) => [i % 2, 0] as const);
    const result = upliftOf(sums(treated), sums(held), { ...DESIGN, holdoutShare: 0.1 });
    expect(result.srmFlag).toBe(true);
    expect(result.verdict).toBe('srm');
  });

  it('calls a win or a loss only when the confidence sequence excludes 0', () => {
    // 2,000 users a side, outcome 1 for 60% of treated and 50% of control: uplift 0.1,
    // se = sqrt(0.24/2000 * 2000/1999 + 0.25/2000 * 2000/1999) = 0.015656; the sequence's
    // half-width at N = 4,000 is below 0.1, so it excludes 0.
    const arm = (ones: number) =>
      sums(Array.from({ length: 2000 }, (_, i) => [i < ones ? 1 : 0, 0] as const));
    const design = { ...DESIGN, holdoutShare: 0.5 };
    const win = upliftOf(arm(1200), arm(1000), design);
    expect(win.upliftAbs).toBeCloseTo(0.1, 12);
    expect(win.csLow).toBeGreaterThan(0);
    expect(win.verdict).toBe('win');
    expect(upliftOf(arm(1000), arm(1200), design).verdict).toBe('loss');
    expect(sequenceHalfWidth(0.015656, 4000)).toBeGreaterThan(1.959964 * 0.015656);
  });

  it('prices the uplift: incremental total, cost and ROI for net revenue only', () => {
    // Revenue uplift 0.9 per treated user * 7 = 6.3; cost 0.5 * 7 = 3.5; ROI (6.3 - 3.5) / 3.5 = 0.8.
    const revenue = upliftOf(TREATMENT, CONTROL, {
      ...DESIGN,
      costPerTreatedUsd: 0.5,
      isRevenueMetric: true,
    });
    expect(revenue.incrementalTotal).toBeCloseTo(6.3, 12);
    expect(revenue.costUsd).toBeCloseTo(3.5, 12);
    expect(revenue.roi).toBeCloseTo(0.8, 12);
    expect(upliftOf(TREATMENT, CONTROL, { ...DESIGN, costPerTreatedUsd: 0.5 }).roi).toBeNull();
    expect(upliftOf(TREATMENT, CONTROL, { ...DESIGN, isRevenueMetric: true }).roi).toBeNull();
  });

  it('refuses sums no set of users can have', () => {
    expect(() => upliftOf({ ...TREATMENT, n: -1 }, CONTROL, DESIGN)).toThrow(ArmStatisticsError);
    expect(() => upliftOf(TREATMENT, { ...CONTROL, sumY: Number.NaN }, DESIGN)).toThrow(/control arm: sumY/);
  });
});
