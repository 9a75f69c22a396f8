import { describe, expect, it } from 'vitest';
import { allocateBudget, partnerResponseFromFit } from '../../lambdas/recommend/allocate.ts';
import { RecommendInputError } from '../../lambdas/recommend/errors.ts';
import { hillValue } from '../../lambdas/recommend/response-curve.ts';
import { hillFit, partner, sqrtResponse } from './allocation-fixtures.ts';

const spendsOf = (result: ReturnType<typeof allocateBudget>) =>
  result.partners.map((p) => p.recommendedSpendUsd);
const relative = (actual: number, expected: number) => Math.abs(actual / expected - 1);

describe('allocateBudget: closed-form optima', () => {
  it('puts spend in proportion to a² for value = a·√spend', () => {
    // Prepare: 300 USD across a = 1, 2, 3 gives 300 · (1, 4, 9) / 14
    const partners = [1, 2, 3].map((a, i) => partner(`p${i}`, 100, sqrtResponse(a)));

    // Act
    const result = allocateBudget(partners, { maxChangePct: 100 });

    // Assess
    const expected = [300 / 14, 1200 / 14, 2700 / 14];
    for (const [i, spend] of spendsOf(result).entries()) {
      expect(relative(spend, expected[i] as number)).toBeLessThan(1e-3);
    }
    expect(result.allocatedUsd).toBeCloseTo(300, 6);
    expect(result.partners.map((p) => p.boundBy)).toEqual(['none', 'none', 'none']);
  });

  it('equalises V·K/(s+K)² for Michaelis-Menten curves: 1000 USD split 400 / 600', () => {
    // Prepare: s_i + K_i ∝ √(V_i K_i): √(1e5) : √(4e5) = 1 : 2 of 1000 + 500, minus K = 100, 400
    const partners = [
      partner('near', 500, partnerResponseFromFit(hillFit({ vmaxUsd: 1000, k: 1, ec50Usd: 100 }))),
      partner('far', 500, partnerResponseFromFit(hillFit({ vmaxUsd: 1000, k: 1, ec50Usd: 400 }))),
    ];

    // Act
    const result = allocateBudget(partners, { maxChangePct: 10 });

    // Assess
    expect(relative(spendsOf(result)[0] as number, 400)).toBeLessThan(1e-3);
    expect(relative(spendsOf(result)[1] as number, 600)).toBeLessThan(1e-3);
    expect(result.marginalRoasOfBudget).toBeCloseTo((1000 * 100) / 500 ** 2, 6);
  });

  it('concentrates a small budget on one S-shaped curve rather than splitting it', () => {
    // Prepare: k = 3 curves are convex below ec50; 60 + 60 earns 2 · 177.6, 120 + 0 earns 633.4
    const curve = { vmaxUsd: 1000, k: 3, ec50Usd: 100 };
    const partners = [
      partner('a', 60, partnerResponseFromFit(hillFit(curve))),
      partner('b', 60, partnerResponseFromFit(hillFit(curve))),
    ];

    // Act
    const result = allocateBudget(partners, { maxChangePct: 10 });

    // Assess
    expect([...spendsOf(result)].sort((x, y) => x - y)).toEqual([0, 120].map((v) => expect.closeTo(v, 6)));
    const total = result.partners.reduce((sum, p) => sum + (p.expectedValueUsd ?? 0), 0);
    expect(total).toBeCloseTo(hillValue(curve, 120), 6);
  });
});

describe('allocateBudget: constraints', () => {
  const strong = sqrtResponse(3);
  const weak = sqrtResponse(1);

  it('caps each move at ±30% of current spend by default', () => {
    // Act
    const result = allocateBudget([partner('strong', 100, strong), partner('weak', 100, weak)]);

    // Assess
    expect(spendsOf(result)).toEqual([expect.closeTo(130, 9), expect.closeTo(70, 9)]);
    expect(result.partners.map((p) => p.boundBy)).toEqual(['max_change', 'max_change']);
    expect(result.partners.map((p) => p.changePct)).toEqual([
      expect.closeTo(0.3, 9),
      expect.closeTo(-0.3, 9),
    ]);
  });

  it('stops at the registry maximum and gives the rest to the next best partner', () => {
    // Act
    const result = allocateBudget([
      partner('strong', 100, strong, { maxDailyBudgetUsd: 110 }),
      partner('weak', 100, weak),
    ]);

    // Assess
    expect(spendsOf(result)).toEqual([expect.closeTo(110, 9), expect.closeTo(90, 9)]);
    expect(result.partners.map((p) => p.boundBy)).toEqual(['registry_max', 'none']);
  });

  it('holds a partner at its registry minimum', () => {
    // Act
    const result = allocateBudget([
      partner('strong', 100, strong),
      partner('weak', 100, weak, { minDailyBudgetUsd: 90 }),
    ]);

    // Assess
    expect(spendsOf(result)).toEqual([expect.closeTo(110, 9), expect.closeTo(90, 9)]);
    expect(result.partners.map((p) => p.boundBy)).toEqual(['none', 'registry_min']);
  });

  it('recommends 0 for a paused partner and moves its budget to the others', () => {
    // Act
    const result = allocateBudget(
      [
        partner('paused', 100, strong, { status: 'paused' }),
        partner('b', 100, weak),
        partner('c', 100, weak),
      ],
      { maxChangePct: 1 },
    );

    // Assess
    expect(spendsOf(result)).toEqual([0, expect.closeTo(150, 9), expect.closeTo(150, 9)]);
    expect(result.partners[0]).toMatchObject({
      boundBy: 'paused',
      confidence: 'high',
      expectedMarginalRoas: null,
    });
  });

  it('keeps partners with too little data or no curve at their current spend', () => {
    // Act
    const result = allocateBudget([
      partner('strong', 100, strong),
      partner('new', 250, strong, { spendDataDays: 9 }),
      partner('unfit', 80, null),
      partner('weak', 100, weak),
    ]);

    // Assess
    expect(spendsOf(result)).toEqual([expect.closeTo(130, 9), 250, 80, expect.closeTo(70, 9)]);
    expect(result.partners[1]).toMatchObject({
      boundBy: 'insufficient_data',
      confidence: 'insufficient_data',
    });
    expect(result.partners[2]).toMatchObject({ boundBy: 'insufficient_data', expectedMarginalRoas: null });
  });

  it('clamps a partner without enough data into its registry bounds', () => {
    // Act
    const result = allocateBudget(
      [
        partner('over', 300, null, { maxDailyBudgetUsd: 200 }),
        partner('b', 100, weak, { maxDailyBudgetUsd: 1000 }),
      ],
      { maxChangePct: 2 },
    );

    // Assess
    expect(spendsOf(result)).toEqual([200, expect.closeTo(200, 9)]);
    expect(result.partners[0]?.boundBy).toBe('registry_max');
  });

  it('allocates a configured total instead of the current one', () => {
    // Act
    const result = allocateBudget([partner('a', 100, weak), partner('b', 100, weak)], {
      totalBudgetUsd: 250,
    });

    // Assess
    expect(result.totalBudgetUsd).toBe(250);
    expect(spendsOf(result)).toEqual([expect.closeTo(125, 9), expect.closeTo(125, 9)]);
    expect(result.allocatedUsd).toBeCloseTo(250, 9);
  });

  it('does not move a partner beyond the spend its curve is trusted over', () => {
    // Act
    const result = allocateBudget([
      partner('strong', 100, sqrtResponse(3, { minUsd: 50, maxUsd: 110 })),
      partner('weak', 100, weak),
    ]);

    // Assess
    expect(spendsOf(result)).toEqual([expect.closeTo(110, 9), expect.closeTo(90, 9)]);
    expect(result.partners[0]?.boundBy).toBe('extrapolation_limit');
  });

  it('lets a partner with a curve but no current spend start at most at the starting budget', () => {
    // Act
    const result = allocateBudget([partner('idle', 0, strong), partner('weak', 100, weak)], {
      startingBudgetUsd: 20,
    });

    // Assess
    expect(spendsOf(result)).toEqual([expect.closeTo(20, 9), expect.closeTo(80, 9)]);
    expect(result.partners[0]).toMatchObject({ boundBy: 'max_change', changePct: null });
  });

  it('returns the closest feasible allocation and names the binding constraint when the minimums exceed the total', () => {
    // Act
    const result = allocateBudget([partner('a', 100, weak), partner('b', 100, strong)], {
      totalBudgetUsd: 100,
    });

    // Assess
    expect(spendsOf(result)).toEqual([expect.closeTo(70, 9), expect.closeTo(70, 9)]);
    expect(result.allocatedUsd).toBeCloseTo(140, 9);
    expect(result.feasibility).toMatchObject({
      feasible: false,
      binding: 'minimums_exceed_total',
      constraints: ['max_change'],
    });
    expect(result.partners.map((p) => p.boundBy)).toEqual(['max_change', 'max_change']);
  });

  it('says so when the maximums cannot absorb the total', () => {
    // Act
    const result = allocateBudget(
      [
        partner('a', 100, weak, { maxDailyBudgetUsd: 120 }),
        partner('b', 100, strong, { maxDailyBudgetUsd: 100 }),
      ],
      { totalBudgetUsd: 400 },
    );

    // Assess
    expect(spendsOf(result)).toEqual([120, 100]);
    expect(result.feasibility).toMatchObject({ feasible: false, binding: 'maximums_below_total' });
    expect(result.feasibility.feasible === false && result.feasibility.constraints).toEqual(['registry_max']);
  });

  it('refuses a registry minimum above the maximum', () => {
    expect(() =>
      allocateBudget([partner('a', 100, weak, { minDailyBudgetUsd: 200, maxDailyBudgetUsd: 100 })]),
    ).toThrow(RecommendInputError);
  });
});

describe('allocateBudget: confidence', () => {
  it('grades a tight, well-fitting curve high and a loose one low', () => {
    // Prepare
    const tight = hillFit({ vmaxUsd: 1000, k: 1, ec50Usd: 100 }, undefined, 0.9);
    const loose = {
      ...hillFit({ vmaxUsd: 1000, k: 1, ec50Usd: 100 }, undefined, 0.3),
      bootstrapParameters: [
        { vmaxUsd: 200, k: 1, ec50Usd: 100 },
        { vmaxUsd: 5000, k: 1, ec50Usd: 100 },
      ],
    };

    // Act
    const result = allocateBudget([
      partner('tight', 100, partnerResponseFromFit(tight)),
      partner('loose', 100, partnerResponseFromFit(loose)),
    ]);

    // Assess
    expect(result.partners.map((p) => p.confidence)).toEqual(['high', 'low']);
  });
});
