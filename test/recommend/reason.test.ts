import { describe, expect, it } from 'vitest';
import { allocateBudget } from '../../lambdas/recommend/allocate.ts';
import { budgetReasons } from '../../lambdas/recommend/reason.ts';
import { partner, sqrtResponse } from './allocation-fixtures.ts';

describe('budgetReasons', () => {
  it('explains a raise capped per run and a cut below the target ROAS', () => {
    // Prepare: marginal of 36√s at 130 is 36/(2√130) = 1.579; of 12√s at 100 it is 0.6
    const result = allocateBudget([
      partner('kol-042', 100, sqrtResponse(36)),
      partner('aff-007', 100, sqrtResponse(12)),
    ]);

    // Act
    const reasons = budgetReasons(result);

    // Assess
    expect(reasons).toEqual([
      'Raise kol-042 by 30% to $130/day: each extra $100 returns about $158 of 180-day net revenue, ' +
        'the best marginal return of any partner; 30% is the most it may grow in one run.',
      'Cut aff-007 by 30% to $70/day: the last $100 returned about $60, below the 1.0 target ROAS; ' +
        '30% is the most it may drop in one run.',
    ]);
  });

  it('explains keeping a partner with too little data and recommending 0 for a paused one', () => {
    // Prepare
    const result = allocateBudget([
      partner('cre-003', 250, sqrtResponse(10), { spendDataDays: 9 }),
      partner('kol-001', 40, sqrtResponse(10), { status: 'paused' }),
      partner('aff-001', 0, null, { spendDataDays: 0 }),
    ]);

    // Act
    const reasons = budgetReasons(result);

    // Assess
    expect(reasons).toEqual([
      'Keep cre-003 at $250/day: only 9 days of spend data, too little to judge.',
      'Paused in the registry: recommend $0.',
      'Keep aff-001 at $0/day: no spend data yet, too little to judge.',
    ]);
  });

  it('explains keeping partners whose marginal returns already match', () => {
    // Prepare: 10√s at 100 returns 10/(2·10) = 0.5 per dollar
    const result = allocateBudget([partner('a', 100, sqrtResponse(10)), partner('b', 100, sqrtResponse(10))]);

    // Act
    const [first] = budgetReasons(result);

    // Assess
    expect(first).toBe(
      'Keep a at $100/day: each extra $100 returns about $50 of 180-day net revenue, ' +
        'in line with what the budget earns at other partners.',
    );
  });

  it('explains a registry cap, a start from zero and an uncertain curve, at the configured horizon', () => {
    // Prepare: 20√s at 100 returns 1.0 per dollar; 20√s at 20 returns 20/(2√20) = 2.236
    const uncertain = { ...sqrtResponse(2), rSquared: 0.1 };
    const result = allocateBudget(
      [
        partner('capped', 100, sqrtResponse(20), { maxDailyBudgetUsd: 100 }),
        partner('idle', 0, sqrtResponse(20)),
        partner('noisy', 100, uncertain),
      ],
      { startingBudgetUsd: 20, valueHorizonDays: 365 },
    );

    // Act
    const reasons = budgetReasons(result);

    // Assess
    expect(reasons).toEqual([
      'Keep capped at $100/day: the registry caps it there, though each extra $100 returns about $100 of 365-day net revenue.',
      'Start idle at $20/day: each extra $100 returns about $224 of 365-day net revenue, ' +
        'the best marginal return of any partner; $20/day is the most a partner may start with.',
      'Cut noisy by 20% to $80/day: the last $100 returned about $10, below the 1.0 target ROAS, though the estimate is uncertain.',
    ]);
  });

  it('says when the registry forces a move, whatever the curve says', () => {
    // Prepare
    const result = allocateBudget(
      [
        partner('below-min', 100, sqrtResponse(1), { minDailyBudgetUsd: 150 }),
        partner('above-max', 300, sqrtResponse(50), { maxDailyBudgetUsd: 250 }),
        partner('other', 100, sqrtResponse(5)),
      ],
      { maxChangePct: 0.3 },
    );

    // Act
    const [raised, cut] = budgetReasons(result);

    // Assess
    expect(raised).toBe('Raise below-min by 50% to $150/day: the registry minimum requires it.');
    expect(cut).toBe('Cut above-max by 17% to $250/day: the registry maximum requires it.');
  });
});
