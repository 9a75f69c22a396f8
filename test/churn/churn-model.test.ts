import { describe, expect, it } from 'vitest';
import { type ChurnCell, fitChurnCoefficients } from '../../lambdas/churn/churn-model.ts';
import type { ChurnLevels } from '../../lambdas/churn/features.ts';

const levels = (recency: string): ChurnLevels => ({
  recency,
  gap: '1',
  gap2: 'none',
  trade_days_30d: '0',
  trade_days_31_90d: '0',
  tenure: '0-7',
  value_tier: 'zero',
  overdue: 'none',
});

describe('fitChurnCoefficients', () => {
  it('gives a level no user had the coefficient of the nearest level before it that users had', () => {
    // Prepare: only recency 0 (8 of 10 active) and 90-179 (2 of 10) at the cut-off.
    const cells: ChurnCell[] = [
      { levels: levels('0'), users: 10, activeUsers: 8 },
      { levels: levels('90-179'), users: 10, activeUsers: 2 },
    ];

    // Act
    const coefficients = fitChurnCoefficients(cells);
    const of = (feature: string, level: string) =>
      coefficients.find((c) => c.feature === feature && c.level === level)?.coefficient;

    // Assess: 1 to 60-89 take 0's (the nearest seen before them), 180+ takes 90-179's; value tier
    // whale (before zero, the only one seen) takes zero's, the nearest after it.
    expect(of('recency', '0')).toBeGreaterThan(of('recency', '90-179') as number);
    expect(of('recency', '1')).toBe(of('recency', '0'));
    expect(of('recency', '60-89')).toBe(of('recency', '0'));
    expect(of('recency', '180+')).toBe(of('recency', '90-179'));
    expect(of('value_tier', 'whale')).toBe(of('value_tier', 'zero'));
  });
});
