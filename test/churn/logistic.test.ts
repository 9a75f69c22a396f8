import { describe, expect, it } from 'vitest';
import { ChurnFitError } from '../../lambdas/churn/errors.ts';
import { fitLogistic, solveSpd } from '../../lambdas/churn/logistic.ts';

describe('solveSpd', () => {
  it('solves a 2 x 2 system by Cholesky', () => {
    // [[4, 2], [2, 3]] x = [2, 1]: det = 4 * 3 - 2 * 2 = 8; x1 = (3 * 2 - 2 * 1) / 8 = 0.5,
    // x2 = (4 * 1 - 2 * 2) / 8 = 0.
    expect(
      solveSpd(
        [
          [4, 2],
          [2, 3],
        ],
        [2, 1],
      ).map((x) => Number(x.toFixed(12))),
    ).toEqual([0.5, 0]);
  });

  it('refuses a singular matrix', () => {
    expect(() =>
      solveSpd(
        [
          [1, 1],
          [1, 1],
        ],
        [1, 1],
      ),
    ).toThrow(ChurnFitError);
  });
});

describe('fitLogistic', () => {
  it('without a penalty, a binary feature gives the logits of the two groups (closed form)', () => {
    // Prepare: x = 0: 2 of 10 active; x = 1: 8 of 10. The model is saturated, so the MLE fits each
    // rate exactly: intercept = logit(0.2) = ln(0.2 / 0.8) = -ln 4 = -1.386294361;
    // slope = logit(0.8) - logit(0.2) = ln 4 + ln 4 = 2.772588722.
    const groups = [
      { x: [1, 0], trials: 10, successes: 2 },
      { x: [1, 1], trials: 10, successes: 8 },
    ];

    // Act
    const fit = fitLogistic(groups, { l2: 0 });

    // Assess
    expect(fit.coefficients[0]).toBeCloseTo(-Math.log(4), 9);
    expect(fit.coefficients[1]).toBeCloseTo(2 * Math.log(4), 9);
  });

  it('the penalty leaves the intercept free and sends a redundant indicator to zero', () => {
    // Prepare: every user has the indicator: x = [1, 1], 3 of 4 active. Penalized objective
    // 3 eta - 4 log(1 + e^eta) - (l2 / 2) b^2 with eta = a + b. Setting the derivatives to zero:
    // in a, 3 - 4 p = 0, so p = 0.75; in b, 3 - 4 p - l2 b = 0, so b = 0; a = logit(0.75) = ln 3.
    const groups = [{ x: [1, 1], trials: 4, successes: 3 }];

    // Act
    const fit = fitLogistic(groups, { l2: 1 });

    // Assess
    expect(fit.coefficients[0]).toBeCloseTo(Math.log(3), 9);
    expect(fit.coefficients[1]).toBeCloseTo(0, 9);
  });

  it('keeps a separated level finite under the penalty, at the stationary point of the objective', () => {
    // Prepare: x = 1 users are all active (the MLE without a penalty is infinite). With l2 = 1 the
    // fit must satisfy the score equations: for the intercept, sum(y - n p) = 0; for the slope,
    // (y - n p) of the x = 1 group = b.
    const groups = [
      { x: [1, 0], trials: 10, successes: 5 },
      { x: [1, 1], trials: 10, successes: 10 },
    ];

    // Act
    const fit = fitLogistic(groups, { l2: 1 });
    const [a, b] = fit.coefficients as [number, number];
    const p0 = 1 / (1 + Math.exp(-a));
    const p1 = 1 / (1 + Math.exp(-(a + b)));

    // Assess
    expect(Number.isFinite(b)).toBe(true);
    expect(5 - 10 * p0 + (10 - 10 * p1)).toBeCloseTo(0, 9);
    expect(10 - 10 * p1).toBeCloseTo(b, 9);
  });

  it('refuses an empty design', () => {
    expect(() => fitLogistic([])).toThrow(ChurnFitError);
  });
});
