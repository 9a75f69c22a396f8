import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateBudget, partnerResponseFromFit } from '../../lambdas/recommend/allocate.ts';
import { type HillParameters, hillMarginalValue, hillValue } from '../../lambdas/recommend/response-curve.ts';
import { hillFit, partner } from './allocation-fixtures.ts';

const RUNS = { numRuns: 150, seed: 20240611 };
const MAX_CHANGE = 0.3;
const STARTING_BUDGET = 50;

const money = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });

const hillArb = (kMax: number) =>
  fc.record({ vmaxUsd: money(10, 10_000), k: money(0.5, kMax), ec50Usd: money(10, 1000) });

/** Any partner: paused or not, with or without a curve or enough data, any registry bounds. */
const anyPartnerArb = fc.record({
  curve: hillArb(3),
  current: fc.oneof(fc.constant(0), money(1, 1000)),
  status: fc.constantFrom('active', 'active', 'paused'),
  enoughData: fc.boolean(),
  registry: fc.tuple(fc.option(money(0, 800)), fc.option(money(0, 800))),
  trusted: fc.tuple(money(0, 500), money(0, 2000)),
});

/** A partner the optimizer may move, whose current spend satisfies all of its bounds. */
const movablePartnerArb = (kMax: number) =>
  fc.record({
    curve: hillArb(kMax),
    current: money(1, 1000),
    below: money(0, 1),
    above: money(1, 3),
    trustedBelow: money(0, 1),
    trustedAbove: money(1, 3),
  });

describe('allocateBudget properties', () => {
  it('respects every bound and meets the total exactly whenever the bounds allow it', () => {
    fc.assert(
      fc.property(
        fc.array(anyPartnerArb, { minLength: 1, maxLength: 6 }),
        fc.option(money(0, 5000)),
        (specs, total) => {
          // Prepare
          const inputs = specs.map((spec, i) => {
            const [a, b] = spec.registry;
            const [min, max] = a !== null && b !== null && a > b ? [b, a] : [a, b];
            const [tLow, tHigh] = spec.trusted;
            const trusted = { minUsd: Math.min(tLow, tHigh), maxUsd: Math.max(tLow, tHigh) };
            return partner(`p${i}`, spec.current, partnerResponseFromFit(hillFit(spec.curve, trusted)), {
              status: spec.status,
              spendDataDays: spec.enoughData ? 30 : 5,
              minDailyBudgetUsd: min,
              maxDailyBudgetUsd: max,
            });
          });

          // Act
          const result = allocateBudget(inputs, {
            totalBudgetUsd: total ?? undefined,
            maxChangePct: MAX_CHANGE,
            startingBudgetUsd: STARTING_BUDGET,
          });

          // Assess
          result.partners.forEach((out, i) => {
            const input = inputs[i] as (typeof inputs)[number];
            const spend = out.recommendedSpendUsd;
            const min = input.minDailyBudgetUsd ?? 0;
            const max = input.maxDailyBudgetUsd ?? Number.POSITIVE_INFINITY;
            const slack = 1e-9 * Math.max(1, spend);
            if (input.status === 'paused') {
              expect(spend).toBe(0);
              return;
            }
            expect(spend).toBeGreaterThanOrEqual(min - slack);
            expect(spend).toBeLessThanOrEqual(max + slack);
            const current = input.currentSpendUsd;
            const changeLow = current * (1 - MAX_CHANGE);
            const changeHigh = current > 0 ? current * (1 + MAX_CHANGE) : STARTING_BUDGET;
            const withinChange = spend >= changeLow - slack && spend <= changeHigh + slack;
            expect(withinChange || out.boundBy === 'registry_min' || out.boundBy === 'registry_max').toBe(
              true,
            );
            if (input.spendDataDays < 14) expect(spend).toBe(Math.min(Math.max(current, min), max));
          });
          if (result.feasibility.feasible) {
            expect(Math.abs(result.allocatedUsd - result.totalBudgetUsd)).toBeLessThanOrEqual(1e-6);
          } else if (result.feasibility.binding === 'minimums_exceed_total') {
            expect(result.allocatedUsd).toBeGreaterThan(result.totalBudgetUsd);
          } else {
            expect(result.allocatedUsd).toBeLessThan(result.totalBudgetUsd);
          }
        },
      ),
      RUNS,
    );
  });

  it('never expects less value than the current allocation when that allocation is feasible', () => {
    fc.assert(
      fc.property(fc.array(movablePartnerArb(3), { minLength: 2, maxLength: 6 }), (specs) => {
        // Prepare
        const inputs = specs.map((spec, i) =>
          partner(
            `p${i}`,
            spec.current,
            partnerResponseFromFit(
              hillFit(spec.curve, {
                minUsd: spec.current * spec.trustedBelow,
                maxUsd: spec.current * spec.trustedAbove,
              }),
            ),
            { minDailyBudgetUsd: spec.current * spec.below, maxDailyBudgetUsd: spec.current * spec.above },
          ),
        );
        const valueAt = (spends: readonly number[]) =>
          spends.reduce((sum, s, i) => sum + hillValue((specs[i] as { curve: HillParameters }).curve, s), 0);

        // Act
        const result = allocateBudget(inputs);

        // Assess
        const before = valueAt(specs.map((s) => s.current));
        const after = valueAt(result.partners.map((p) => p.recommendedSpendUsd));
        expect(result.feasibility.feasible).toBe(true);
        expect(after).toBeGreaterThanOrEqual(before - 1e-9 * Math.max(1, before));
        expect(Math.abs(result.allocatedUsd - result.totalBudgetUsd)).toBeLessThanOrEqual(1e-6);
      }),
      RUNS,
    );
  });

  it('never moves a partner with a higher marginal return down while one with a lower return goes up', () => {
    fc.assert(
      fc.property(fc.array(movablePartnerArb(1), { minLength: 2, maxLength: 6 }), (specs) => {
        // Prepare: k <= 1, concave curves
        const inputs = specs.map((spec, i) =>
          partner(`p${i}`, spec.current, partnerResponseFromFit(hillFit(spec.curve)), {
            minDailyBudgetUsd: spec.current * spec.below,
            maxDailyBudgetUsd: spec.current * spec.above,
          }),
        );
        const marginals = specs.map((spec) => hillMarginalValue(spec.curve, spec.current));

        // Act
        const result = allocateBudget(inputs);

        // Assess
        const moves = result.partners.map(
          (p, i) => p.recommendedSpendUsd - (specs[i] as { current: number }).current,
        );
        const epsilon = 1e-6;
        marginals.forEach((mi, i) => {
          marginals.forEach((mj, j) => {
            if (mi > mj * (1 + 1e-6)) {
              const wrongWay = (moves[i] as number) < -epsilon && (moves[j] as number) > epsilon;
              expect(wrongWay).toBe(false);
            }
          });
        });
      }),
      RUNS,
    );
  });

  it('finds the optimum of a brute-force grid search for three partners with S-shaped curves', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ curve: hillArb(3), current: money(10, 300) }), { minLength: 3, maxLength: 3 }),
        (specs) => {
          // Prepare: free to move anywhere in [0, 2 × current]
          const inputs = specs.map((spec, i) =>
            partner(`p${i}`, spec.current, partnerResponseFromFit(hillFit(spec.curve))),
          );
          const [a, b, c] = specs as [(typeof specs)[0], (typeof specs)[0], (typeof specs)[0]];
          const total = a.current + b.current + c.current;
          let gridBest = Number.NEGATIVE_INFINITY;
          const steps = 200;
          for (let i = 0; i <= steps; i++) {
            const sa = (2 * a.current * i) / steps;
            for (let j = 0; j <= steps; j++) {
              const sb = (2 * b.current * j) / steps;
              const sc = total - sa - sb;
              if (sc < 0 || sc > 2 * c.current) continue;
              const value = hillValue(a.curve, sa) + hillValue(b.curve, sb) + hillValue(c.curve, sc);
              gridBest = Math.max(gridBest, value);
            }
          }

          // Act
          const result = allocateBudget(inputs, { maxChangePct: 1 });

          // Assess
          const value = result.partners.reduce((sum, p) => sum + (p.expectedValueUsd ?? 0), 0);
          expect(value).toBeGreaterThanOrEqual(gridBest - 1e-9 * gridBest);
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });
});
