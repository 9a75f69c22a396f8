import { describe, expect, it } from 'vitest';
import { churnLogit, churnRisk, pActive30d } from '../../lambdas/churn/features.ts';
import { calibrationByDecile, rocAuc } from '../../lambdas/churn/validation.ts';

describe('rocAuc', () => {
  it('counts the active users ranked above inactive ones, ties half', () => {
    // Prepare: score 2: 2 users, both active; score 1: 2 users, 1 active; score 0: 1 inactive.
    // Active 3, inactive 2 (one at score 1, one at 0): 6 pairs. The two at score 2 beat both
    // inactive users (4); the active one at score 1 ties one (0.5) and beats one (1): 5.5 / 6.
    const groups = [
      { score: 2, users: 2, active: 2 },
      { score: 1, users: 2, active: 1 },
      { score: 0, users: 1, active: 0 },
    ];

    // Act / Assess
    expect(rocAuc(groups)).toBeCloseTo(5.5 / 6, 12);
    expect(rocAuc([{ score: 1, users: 3, active: 3 }])).toBeNull();
  });
});

describe('calibrationByDecile', () => {
  it('cuts the users sorted by forecast into ten equal groups', () => {
    // Prepare: 20 users with forecasts 0, 0.05, ..., 0.95; the upper half active.
    const users = Array.from({ length: 20 }, (_, i) => ({ forecast: i / 20, active: i >= 10 }));

    // Act
    const deciles = calibrationByDecile(users);

    // Assess: 2 users each; decile 1 holds 0 and 0.05 (mean 0.025, none active), decile 6 holds
    // 0.5 and 0.55 (mean 0.525, both active).
    expect(deciles.map((d) => d.users)).toEqual(new Array(10).fill(2));
    expect(deciles[0]?.meanForecast).toBeCloseTo(0.025, 12);
    expect(deciles[0]?.observedRate).toBe(0);
    expect(deciles[5]?.meanForecast).toBeCloseTo(0.525, 12);
    expect(deciles[5]?.observedRate).toBe(1);
  });
});

describe('churn_risk bands and the logit', () => {
  it('puts 0.7 in low and 0.3 in medium (the bands are >= 0.7, >= 0.3, < 0.3)', () => {
    expect(churnRisk(0.7)).toBe('low');
    expect(churnRisk(0.6999999)).toBe('medium');
    expect(churnRisk(0.3)).toBe('medium');
    expect(churnRisk(0.2999999)).toBe('high');
    expect(churnRisk(1)).toBe('low');
    expect(churnRisk(0)).toBe('high');
  });

  it('adds the intercept and the coefficient of each level, 0 for a level without one', () => {
    // Prepare: intercept 0.5, recency '0' 1.2, gap '1' 0.3: 0.5 + 1.2 + 0.3 = 2.0 (the other
    // levels have no coefficient); p = 1 / (1 + e^-2) = 0.880797078.
    const coefficients = [
      { feature: 'intercept', level: '', coefficient: 0.5 },
      { feature: 'recency', level: '0', coefficient: 1.2 },
      { feature: 'recency', level: '1', coefficient: -7 },
      { feature: 'gap', level: '1', coefficient: 0.3 },
    ];
    const levels = {
      recency: '0',
      gap: '1',
      gap2: 'none',
      trade_days_30d: '0',
      trade_days_31_90d: '0',
      tenure: '0-7',
      value_tier: 'zero',
      overdue: '0',
    };

    // Act / Assess
    expect(churnLogit(coefficients, levels)).toBeCloseTo(2, 12);
    expect(pActive30d(coefficients, levels)).toBeCloseTo(0.880797078, 9);
  });
});
