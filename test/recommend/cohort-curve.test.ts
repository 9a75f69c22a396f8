import { describe, expect, it } from 'vitest';
import { decayedRunRate, expectedIncrement, fitCohortCurves } from '../../lambdas/recommend/cohort-curve.ts';

// Checkpoints: 0, 1, 3, 7, 14, 30, 60, 90, 180, 365.
const user = (partnerId: string, ageDays: number, cumulativeUsd: number[]) => ({
  partnerId,
  ageDays,
  valueToDateUsd: cumulativeUsd.at(-1) ?? 0,
  cumulativeUsd,
});

describe('the cohort-development model', () => {
  it('averages each interval over the users old enough to have lived it, and extrapolates a fading rate', () => {
    // Prepare: two users seen to age 60; one of them only to age 30 for the last interval's purposes.
    const users = [
      user('a', 60, [1, 2, 4, 6, 8, 10, 16, 16, 16, 16]),
      user('a', 60, [3, 4, 6, 8, 10, 12, 18, 18, 18, 18]),
      user('a', 30, [0, 0, 0, 0, 0, 4, 4, 4, 4, 4]),
    ];

    // Act
    const { pooled } = fitCohortCurves(users);

    // Assess: (0,1]: (1+1+0)/3; (14,30]: (2+2+4)/3; (30,60]: only the two 60-day users: (6+6)/2.
    expect(pooled.increments[0]).toBeCloseTo(2 / 3, 12);
    expect(pooled.increments[4]).toBeCloseTo(8 / 3, 12);
    expect(pooled.increments[5]).toBeCloseTo(6, 12);
    expect(pooled.support.slice(0, 7)).toEqual([3, 3, 3, 3, 3, 2, 0]);
    // (60,90] is extrapolated: daily rate 6/30 = 0.2 at mid-age 45, after (8/3)/16 at mid-age 22,
    // so it grows, and growth is capped at no decay: 0.2 per day over 30 days.
    expect(pooled.increments[6]).toBeCloseTo(6, 12);
  });

  it('shrinks a small partner towards all partners pooled', () => {
    const many = Array.from({ length: 400 }, () => user('big', 30, [0, 0, 0, 0, 0, 10, 10, 10, 10, 10]));
    const few = [user('small', 30, [0, 0, 0, 0, 0, 40, 40, 40, 40, 40])];
    const { byPartner } = fitCohortCurves([...many, ...few]);
    // Pooled (14,30]: (400*10 + 40)/401; small: (40 + 200 * pooled) / (1 + 200).
    const pooledIncrement = (400 * 10 + 40) / 401;
    expect(byPartner.get('small')?.increments[4]).toBeCloseTo((40 + 200 * pooledIncrement) / 201, 9);
  });

  it('counts the interval that contains an end pro rata', () => {
    const curve = { increments: [1, 2, 4, 7, 16, 30, 30, 90, 185, 0], support: [] };
    // (5, 20]: 2 of the 4 days of (3,7] -> 4 * 2/4; all of (7,14] -> 7; 6 of the 16 days of (14,30] -> 16 * 6/16.
    expect(expectedIncrement(curve, 5, 20)).toBeCloseTo(4 * (2 / 4) + 7 + 16 * (6 / 16), 12);
  });

  it('carries the recent revenue of a user forward at the pace of the curve', () => {
    const curve = { increments: [0, 0, 0, 0, 0, 0, 60, 30, 45, 0], support: [] };
    // Age 90, recent window (30, 90]: curve gives 60 + 30 = 90; next 60 days (90, 150]: 45 * 60/90 = 30.
    expect(decayedRunRate(curve, 90, 120, 60)).toBeCloseTo((120 * 30) / 90, 12);
    expect(decayedRunRate(curve, 90, 0, 60)).toBe(0);
  });
});
