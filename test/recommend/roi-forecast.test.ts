/**
 * partner_roi_forecast's arithmetic (docs/contract.md, partner_roi_forecast), worked by hand: the
 * ratio estimator and its standard error over daily cohorts, the projected ROI's interval, and the
 * payback day on the curve through the matured and projected ROAS.
 */
import { describe, expect, it } from 'vitest';
import type { CohortForecast } from '../../lambdas/recommend/ltv-forecast.ts';
import { forecastPartnerRoi, paybackDay, ratioWithError } from '../../lambdas/recommend/roi-forecast.ts';

const R = '2026-11-30';
const Z = 1.959963984540054;

const cohort = (users: number, toDate: number, d90: number, d180: number, d365: number): CohortForecast => ({
  users,
  toDate,
  90: d90,
  180: d180,
  365: d365,
});

/** Two cohort days with $100 spend each; the other 28 days of the window have neither spend nor users. */
const input = {
  partnerId: 'kol-001',
  spendByDate: new Map([
    ['2026-11-29', 100],
    ['2026-11-30', 100],
    // Before the window [2026-11-01, R]: not read.
    ['2026-10-31', 1000],
  ]),
  cohorts: new Map([
    ['2026-11-29', cohort(2, 10, 60, 90, 120)],
    ['2026-11-30', cohort(3, 5, 100, 150, 200)],
  ]),
  roiD7: -0.5,
  roiD30: -0.2,
};

describe('ratioWithError', () => {
  it('is the ratio of sums with the linearised standard error', () => {
    // r = (90 + 150) / 200 = 1.2; residuals 90 - 120 = -30 and 150 - 120 = 30; SE = sqrt(2/1 * 1800) / 200 = 0.3.
    const estimate = ratioWithError([
      { x: 100, y: 90 },
      { x: 100, y: 150 },
      { x: 0, y: 0 },
    ]);
    expect(estimate?.ratio).toBeCloseTo(1.2, 12);
    expect(estimate?.standardError).toBeCloseTo(0.3, 12);
  });

  it('has no error from one day and no ratio without spend', () => {
    expect(ratioWithError([{ x: 50, y: 75 }])).toEqual({ ratio: 1.5, standardError: null });
    expect(ratioWithError([{ x: 0, y: 75 }])).toBeNull();
  });
});

describe('paybackDay', () => {
  it('interpolates linearly between the points either side of ROAS 1, rounding up', () => {
    // (90, 0.8) to (180, 1.2): 90 + (0.2 / 0.4) * 90 = 135.
    expect(
      paybackDay([
        { ageDay: 7, roas: 0.5 },
        { ageDay: 90, roas: 0.8 },
        { ageDay: 180, roas: 1.2 },
      ]),
    ).toBe(135);
    // From (0, 0) to (7, 1.5): 7 / 1.5 = 4.67, day 5.
    expect(paybackDay([{ ageDay: 7, roas: 1.5 }])).toBe(5);
  });

  it('never lets the curve fall: a lower later point keeps the earlier ROAS', () => {
    // (30, 0.9) then (90, 0.7) reads as (90, 0.9); (180, 1.3): 90 + (0.1 / 0.4) * 90 = 112.5, day 113.
    expect(
      paybackDay([
        { ageDay: 30, roas: 0.9 },
        { ageDay: 90, roas: 0.7 },
        { ageDay: 180, roas: 1.3 },
      ]),
    ).toBe(113);
  });

  it('is null when the curve stays below 1', () => {
    expect(
      paybackDay([
        { ageDay: 30, roas: 0.4 },
        { ageDay: 365, roas: 0.99 },
      ]),
    ).toBeNull();
  });
});

describe('forecastPartnerRoi', () => {
  it('projects the window cohorts at the horizon against the window spend, with the 95% interval', () => {
    // Act
    const forecast = forecastPartnerRoi(input, R, 180);

    // Assess: spend 100 + 100 = 200 (2026-10-31 is outside the window); users 2 + 3; to date 10 + 5.
    expect(forecast.spendUsd).toBe(200);
    expect(forecast.cohortUsers).toBe(5);
    expect(forecast.valueToDateUsd).toBe(15);
    // At 180 days: 90 + 150 = 240; ROI 240 / 200 - 1 = 0.2; SE 0.3 (see ratioWithError).
    expect(forecast.projectedValueUsd).toBe(240);
    expect(forecast.projectedRoi).toBeCloseTo(0.2, 12);
    expect(forecast.projectedRoiLow).toBeCloseTo(0.2 - Z * 0.3, 12);
    expect(forecast.projectedRoiHigh).toBeCloseTo(0.2 + Z * 0.3, 12);
    expect(forecast.roiD7).toBe(-0.5);
    expect(forecast.roiD30).toBe(-0.2);
  });

  it('finds the payback day on the matured and projected ROAS, and at both ends of the interval', () => {
    const forecast = forecastPartnerRoi(input, R, 180);
    // Curve: (7, 0.5), (30, 0.8), (90, 160/200 = 0.8), (180, 1.2), (365, 320/200 = 1.6): 90 + 0.5 * 90 = 135.
    expect(forecast.paybackDay).toBe(135);
    // High end: at 90 days residuals 60 - 80 = -20 and 20, SE = sqrt(2 * 800) / 200 = 0.2, ROAS 0.8 + 0.392 = 1.192;
    // from (30, 0.8): 30 + (0.2 / 0.392) * 60 = 60.61, day 61.
    expect(forecast.paybackDayEarliest).toBe(61);
    // Low end: 0.8 - 0.392, 1.2 - 0.588 and 1.6 - Z * 0.4 = 0.816 (SE = sqrt(2 * 3200) / 200 = 0.4): never 1.
    expect(forecast.paybackDayLatest).toBeNull();
  });

  it('lets matured ROAS above the projection at 90 days not pay the window back early', () => {
    // roi_d30 = +0.5 (ROAS 1.5 at 30) from older cohorts is above the window's 0.8 at 90, so it is left out:
    // the curve is (7, 0.5), (90, 0.8), (180, 1.2), (365, 1.6) and pays back on day 135 as before, not by day 30.
    expect(forecastPartnerRoi({ ...input, roiD30: 0.5 }, R, 180).paybackDay).toBe(135);
  });

  it('has no projection without a value model, and no ROI without spend', () => {
    const noModel = forecastPartnerRoi({ ...input, cohorts: null }, R, 180);
    expect(noModel.projectedValueUsd).toBeNull();
    expect(noModel.projectedRoi).toBeNull();
    expect(noModel.paybackDay).toBeNull();
    expect(noModel.cohortUsers).toBe(0);

    const noSpend = forecastPartnerRoi({ ...input, spendByDate: new Map() }, R, 90);
    expect(noSpend.projectedValueUsd).toBe(160);
    expect(noSpend.projectedRoi).toBeNull();
    expect(noSpend.paybackDay).toBeNull();
  });
});

describe('forecastPartnerRoi on a whale cohort', () => {
  it('never lets the interval go below -100%: value is not negative', () => {
    // Day 1: $100 spend, $0 value; day 2: $100 spend, $400 value. r = 2, residuals -200 and 200,
    // SE = sqrt(2 * 80000) / 200 = 2, so r - 1.96 * 2 < 0: the low end is 0 - 1 = -1, the high end 2 + 3.92 - 1.
    const forecast = forecastPartnerRoi(
      {
        partnerId: 'kol-002',
        spendByDate: new Map([
          ['2026-11-29', 100],
          ['2026-11-30', 100],
        ]),
        cohorts: new Map([
          ['2026-11-29', cohort(1, 0, 0, 0, 0)],
          ['2026-11-30', cohort(1, 100, 400, 400, 400)],
        ]),
        roiD7: null,
        roiD30: null,
      },
      R,
      180,
    );
    expect(forecast.projectedRoi).toBeCloseTo(1, 12);
    expect(forecast.projectedRoiLow).toBe(-1);
    expect(forecast.projectedRoiHigh).toBeCloseTo(1 + Z * 2, 12);
    // ROAS 2 at 90 days from (0, 0): 90 / 2 = 45; at the low end the curve never reaches 1.
    expect(forecast.paybackDay).toBe(45);
    expect(forecast.paybackDayLatest).toBeNull();
  });
});
