/**
 * A partner with traffic-quality flags gets no budget increase (docs/contract.md, budget_recommendations):
 * held at its current spend, or exactly at its registry minimum when that is more, still cut when the
 * allocation cuts it, and its reason names the flags. Curves are value = a·√spend, whose marginal
 * return a / (2√s) gives every expected number by hand.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PARTNER_QUALITY } from '../../lambdas/contract/tables-traffic.ts';
import { openLocalLake } from '../../lambdas/pipeline/local-lake.ts';
import { allocateBudget } from '../../lambdas/recommend/allocate.ts';
import { loadQualityFlags } from '../../lambdas/recommend/quality-flags.ts';
import { budgetReasons } from '../../lambdas/recommend/reason.ts';
import { writeRows } from '../publish/fixture.ts';
import { partner, sqrtResponse } from './allocation-fixtures.ts';

const spendsOf = (result: ReturnType<typeof allocateBudget>) =>
  result.partners.map((p) => p.recommendedSpendUsd);

const FLAGS = ['bonus_abuse', 'shared_devices'];

describe('allocateBudget with traffic-quality flags', () => {
  it('holds a partner that would have been raised at its current spend, and gives the money to the others', () => {
    // Prepare: 3√s, 2√s and 1√s at 100 each; unflagged, the strong one would grow 30% to 130.
    const partners = [
      partner('strong', 100, sqrtResponse(3), { qualityFlags: FLAGS }),
      partner('mid', 100, sqrtResponse(2)),
      partner('weak', 100, sqrtResponse(1)),
    ];

    // Act
    const result = allocateBudget(partners);

    // Assess: strong stops at 100; mid and weak share 200 as 4:1 (160 / 40), clamped to ±30%:
    // 130 and 70. The total stays 300.
    expect(spendsOf(result)).toEqual([100, expect.closeTo(130, 9), expect.closeTo(70, 9)]);
    expect(result.partners.map((p) => p.boundBy)).toEqual(['quality_hold', 'max_change', 'max_change']);
    expect(result.partners[0]).toMatchObject({ changePct: 0, qualityFlags: FLAGS });
    expect(result.allocatedUsd).toBeCloseTo(300, 9);
  });

  it('sets a flagged partner whose registry minimum is above its current spend to exactly the minimum', () => {
    // Prepare: unflagged, strong would go to 130 (its maximum change).
    const unflagged = allocateBudget([
      partner('strong', 100, sqrtResponse(3), { minDailyBudgetUsd: 120 }),
      partner('weak', 100, sqrtResponse(1)),
    ]);

    // Act
    const result = allocateBudget([
      partner('strong', 100, sqrtResponse(3), { minDailyBudgetUsd: 120, qualityFlags: ['bonus_abuse'] }),
      partner('weak', 100, sqrtResponse(1)),
    ]);

    // Assess: 120, the minimum; weak takes the other 80 of 200.
    expect(spendsOf(unflagged)).toEqual([expect.closeTo(130, 9), expect.closeTo(70, 9)]);
    expect(spendsOf(result)).toEqual([120, expect.closeTo(80, 9)]);
    expect(result.partners[0]?.boundBy).toBe('registry_min');
    expect(result.partners[0]?.changePct).toBeCloseTo(0.2, 12);
  });

  it('still cuts a flagged partner the allocation cuts', () => {
    // Act: 36√s and 12√s at 100 each; the weak one is flagged.
    const result = allocateBudget([
      partner('kol-042', 100, sqrtResponse(36)),
      partner('aff-007', 100, sqrtResponse(12), { qualityFlags: FLAGS }),
    ]);

    // Assess: as without the flag, 130 / 70.
    expect(spendsOf(result)).toEqual([expect.closeTo(130, 9), expect.closeTo(70, 9)]);
    expect(result.partners[1]?.boundBy).toBe('max_change');
  });

  it('keeps a partner with too little data at its current spend, or its minimum', () => {
    // Act
    const result = allocateBudget([
      partner('new', 250, sqrtResponse(3), { spendDataDays: 9, qualityFlags: FLAGS }),
      partner('small', 40, null, { minDailyBudgetUsd: 60, qualityFlags: FLAGS }),
      partner('weak', 100, sqrtResponse(1)),
    ]);

    // Assess: 250 and the minimum 60; weak gives up the 20 the minimum takes (100 - 20 = 80).
    expect(spendsOf(result)).toEqual([250, 60, expect.closeTo(80, 9)]);
    expect(result.partners.map((p) => p.boundBy)).toEqual(['insufficient_data', 'registry_min', 'none']);
  });

  it('changes nothing for partners without flags', () => {
    // Prepare
    const partners = [
      partner('kol-042', 100, sqrtResponse(36)),
      partner('aff-007', 100, sqrtResponse(12), { minDailyBudgetUsd: 80 }),
      partner('new', 0, sqrtResponse(5)),
    ];

    // Act
    const omitted = allocateBudget(partners);
    const empty = allocateBudget(partners.map((p) => ({ ...p, qualityFlags: [] })));

    // Assess
    expect(empty).toEqual(omitted);
    expect(budgetReasons(empty)).toEqual(budgetReasons(omitted));
  });
});

describe('the reason of a flagged partner', () => {
  it('says it is held and names the flags when it would have been raised', () => {
    // Prepare: the marginal return of 36√s at 100 is 36 / (2·10) = 1.8, $180 per $100.
    const result = allocateBudget([
      partner('kol-042', 100, sqrtResponse(36), { qualityFlags: FLAGS }),
      partner('aff-007', 100, sqrtResponse(12)),
    ]);

    // Act
    const [held] = budgetReasons(result);

    // Assess
    expect(held).toBe(
      'Keep kol-042 at $100/day: held: traffic-quality flags bonus_abuse, shared_devices allow no increase, ' +
        'though each extra $100 returns about $180 of 180-day net revenue.',
    );
  });

  it('says the registry minimum raises it and nothing more', () => {
    // Prepare
    const result = allocateBudget([
      partner('kol-042', 100, sqrtResponse(36), { minDailyBudgetUsd: 120, qualityFlags: ['fast_signups'] }),
      partner('aff-007', 100, sqrtResponse(12)),
    ]);

    // Act
    const [raised] = budgetReasons(result);

    // Assess: (120 - 100) / 100 = 20%.
    expect(raised).toBe(
      'Raise kol-042 by 20% to $120/day, its registry minimum, and no further: held: ' +
        'traffic-quality flag fast_signups allows nothing above it.',
    );
  });

  it('keeps the reason of a cut and adds the flags', () => {
    // Prepare: the last $100 of 12√s at 100 returned 12 / (2·10) = 0.6, $60.
    const result = allocateBudget([
      partner('kol-042', 100, sqrtResponse(36)),
      partner('aff-007', 100, sqrtResponse(12), { qualityFlags: FLAGS }),
    ]);

    // Act
    const reasons = budgetReasons(result);

    // Assess: kol-042's reason is the one it has without any flag.
    expect(reasons).toEqual([
      'Raise kol-042 by 30% to $130/day: each extra $100 returns about $158 of 180-day net revenue, ' +
        'the best marginal return of any partner; 30% is the most it may grow in one run.',
      'Cut aff-007 by 30% to $70/day: the last $100 returned about $60, below the 1.0 target ROAS; ' +
        '30% is the most it may drop in one run; traffic-quality flags bonus_abuse, shared_devices allow no increase.',
    ]);
  });
});

describe('loadQualityFlags', () => {
  it("reads R's non-empty flags of partner_quality, and nothing from a lake without quality data", async () => {
    // Prepare
    const R = '2026-11-22';
    const dir = await mkdtemp(join(tmpdir(), 'growthlake-quality-flags-'));
    const lake = await openLocalLake(dir, { threads: 1 });
    try {
      const before = await loadQualityFlags(lake.engine, R);
      const row = (partner_id: string, flags: string, run_date: string) => ({
        partner_id,
        signups: 40,
        flags,
        quality_score: 50,
        run_date,
      });
      await writeRows(lake.engine, PARTNER_QUALITY, [
        row('aff_one', 'bonus_abuse,shared_devices', R),
        row('kol_alpha', '', R),
        row('kol_beta', 'fast_signups', R),
        row('content_blog', 'shared_funding', '2026-11-21'),
      ]);

      // Act
      const flags = await loadQualityFlags(lake.engine, R);

      // Assess: kol_alpha is clean; content_blog's flag is of R - 1.
      expect(before).toEqual(new Map());
      expect(flags).toEqual(
        new Map([
          ['aff_one', ['bonus_abuse', 'shared_devices']],
          ['kol_beta', ['fast_signups']],
        ]),
      );
    } finally {
      await lake.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
