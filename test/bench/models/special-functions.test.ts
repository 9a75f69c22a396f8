import { describe, expect, it } from 'vitest';
import { NumericalError } from '../../../bench/models/errors.ts';
import {
  hypergeometric2F1MinusOne,
  logHypergeometric2F1Positive,
  logSumExp,
} from '../../../bench/models/special-functions.ts';

describe('logSumExp', () => {
  it('adds huge exponents without overflow: ln(2e^1000) = 1000 + ln 2', () => {
    expect(logSumExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
  });

  it('treats -Infinity as a zero term', () => {
    expect(logSumExp(Number.NEGATIVE_INFINITY, -3)).toBe(-3);
  });
});

describe('hypergeometric2F1MinusOne', () => {
  it('matches the closed form 2F1(1, 1; 2; z) = -ln(1 - z) / z on both sides of 0', () => {
    for (const z of [0.3, -0.5, 0.9]) {
      // Act
      const value = hypergeometric2F1MinusOne(1, 1, 2, z);

      // Assess
      expect(value).toBeCloseTo(-Math.log1p(-z) / z - 1, 13);
    }
  });

  it('keeps relative precision for a tiny argument: 2F1(1, 1; 2; z) - 1 is about z/2', () => {
    // Act
    const value = hypergeometric2F1MinusOne(1, 1, 2, 1e-12);

    // Assess
    expect(value / 5e-13).toBeCloseTo(1, 10);
  });

  it('refuses |z| >= 1, where the series diverges', () => {
    expect(() => hypergeometric2F1MinusOne(1, 1, 2, 1)).toThrow(NumericalError);
  });
});

describe('logHypergeometric2F1Positive', () => {
  it('matches 2F1(a, b; b; z) = (1 - z)^-a even when the value exceeds a double', () => {
    // Prepare: (1 - 0.99)^-200 = 1e400
    const a = 200;

    // Act
    const value = logHypergeometric2F1Positive(a, 3, 3, 0.99);

    // Assess
    expect(value).toBeCloseTo(-a * Math.log(0.01), 9);
  });
});
