/**
 * The recommender on generated data: budget_recommendations as the contract states them, then the
 * quality hold through the whole recommender (partner_quality flags of R reach the
 * recommendations, a flagged partner is held at its current spend or set to its registry minimum,
 * and the recommendations stay budget-neutral). One generated lake serves both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARTNER_QUALITY } from '../../lambdas/contract/tables-traffic.ts';
import type { LocalLake } from '../../lambdas/pipeline/local-lake.ts';
import { transformAndMeasure } from '../../lambdas/pipeline/transform.ts';
import { type RecommendReport, recommendBudgets } from '../../lambdas/recommend/recommend.ts';
import type { Row } from '../../lambdas/warehouse/engine.ts';
import { generatedLake } from '../pipeline/generated-lake.ts';
import { writeRows } from '../publish/fixture.ts';

const R = '2026-11-21';

/** The generated lake, transformed for R: the recommender's input, shared by both describes. */
let lake: LocalLake;

beforeAll(async () => {
  // Every generated input; the events of the 60 days in one ingest (see generatedLake).
  lake = await generatedLake({ endDate: R, days: 60, users: 3000, partners: 8, seed: 3 }, { spend: true });
  await transformAndMeasure(lake.engine, R);
}, 120_000);

afterAll(async () => {
  await lake?.close();
});

describe('budget recommendations on generated data (docs/contract.md, budget_recommendations)', () => {
  let report: RecommendReport;
  let rows: Row[];
  let partners: Row[];

  beforeAll(async () => {
    // Act
    report = await recommendBudgets(lake.engine, R, {});
    rows = await lake.engine.query(
      `select * from budget_recommendations where run_date = date '${R}' order by partner_id`,
    );
    partners = await lake.engine.query('select * from partners order by partner_id');
  }, 120_000);

  it('fits the value model and forecasts every cohort', async () => {
    expect(report.valueModel).not.toBeNull();
    const [forecast] = await lake.engine.query(
      'select count(*) as cohorts, count_if(forecast_ltv_90_usd < ltv_to_date_usd - 1e-9) as shrinking, ' +
        'count_if(forecast_ltv_365_usd < forecast_ltv_180_usd - 1e-9 or forecast_ltv_180_usd < forecast_ltv_90_usd - 1e-9) as unordered ' +
        'from ltv_forecast',
    );
    expect(Number(forecast?.cohorts)).toBeGreaterThan(60);
    expect(forecast?.shrinking).toBe(0);
    expect(forecast?.unordered).toBe(0);
  });

  it('has one row per registry partner', () => {
    expect(rows.map((r) => r.partner_id)).toEqual(partners.map((p) => p.partner_id));
  });

  it('is budget-neutral: the recommendations sum to the current total', () => {
    const current = rows.reduce((sum, r) => sum + Number(r.current_daily_spend_usd), 0);
    const recommended = rows.reduce((sum, r) => sum + Number(r.recommended_daily_spend_usd), 0);
    expect(recommended).toBeCloseTo(current, 4);
  });

  it('recommends 0 for paused partners and keeps every partner within its bounds and the maximum change', () => {
    for (const row of rows) {
      const partner = partners.find((p) => p.partner_id === row.partner_id) as Row;
      const recommended = Number(row.recommended_daily_spend_usd);
      const current = Number(row.current_daily_spend_usd);
      if (partner.status === 'paused') {
        expect(recommended).toBe(0);
        continue;
      }
      if (partner.min_daily_budget_usd !== null)
        expect(recommended).toBeGreaterThanOrEqual(Number(partner.min_daily_budget_usd) - 1e-6);
      if (partner.max_daily_budget_usd !== null)
        expect(recommended).toBeLessThanOrEqual(Number(partner.max_daily_budget_usd) + 1e-6);
      const byRegistry = String(row.binding_constraint).startsWith('registry_');
      if (!byRegistry && current > 0)
        expect(Math.abs(recommended / current - 1)).toBeLessThanOrEqual(0.3 + 1e-9);
    }
  });

  it('gives every partner a confidence level and a one-sentence reason', () => {
    for (const row of rows) {
      expect(['high', 'medium', 'low', 'insufficient_data']).toContain(row.confidence);
      expect(String(row.reason)).toMatch(/^[A-Z].*\.$/);
      expect(String(row.reason)).not.toContain('\n');
    }
  });

  it('projects each registry partner ROI from ltv_forecast and spend_daily, beside partner_performance', async () => {
    // Prepare: the same figures written independently in SQL over the tables partner_roi_forecast reads.
    const expected = await lake.engine.query(
      `select partners.partner_id,
         (select sum(spend_usd) from spend_daily s where s.partner_id = partners.partner_id
            and s.spend_date between date '2026-10-23' and date '${R}') as spend_usd,
         (select sum(forecast_ltv_180_usd * cohort_users) from ltv_forecast f where f.partner_id = partners.partner_id
            and f.cohort_date between date '2026-10-23' and date '${R}') as value_180_usd,
         (select roi_d30 from partner_performance p where p.partner_id = partners.partner_id
            and p.run_date = date '${R}' and p.window_days = 30) as roi_d30
       from partners order by partner_id`,
    );
    const forecasts = await lake.engine.query(
      `select * from partner_roi_forecast where run_date = date '${R}' order by partner_id`,
    );

    // Assess
    expect(forecasts.map((f) => f.partner_id)).toEqual(expected.map((e) => e.partner_id));
    let projected = 0;
    for (const [index, forecast] of forecasts.entries()) {
      const truth = expected[index] as Row;
      expect(forecast.horizon_days).toBe(180);
      expect(forecast.window_start).toBe('2026-10-23');
      expect(Number(forecast.spend_usd)).toBeCloseTo(Number(truth.spend_usd ?? 0), 6);
      expect(Number(forecast.projected_value_usd)).toBeCloseTo(Number(truth.value_180_usd ?? 0), 6);
      expect(forecast.roi_d30).toBe(truth.roi_d30);
      if (Number(truth.spend_usd ?? 0) === 0) {
        expect(forecast.projected_roi).toBeNull();
        continue;
      }
      projected += 1;
      const roi = Number(truth.value_180_usd ?? 0) / Number(truth.spend_usd) - 1;
      expect(Number(forecast.projected_roi)).toBeCloseTo(roi, 9);
      expect(Number(forecast.projected_roi_low)).toBeLessThanOrEqual(roi);
      expect(Number(forecast.projected_roi_high)).toBeGreaterThanOrEqual(roi);
      // Payback within the horizon exactly when the projected ROI at the horizon is not negative.
      if (roi >= 0) expect(Number(forecast.payback_day)).toBeLessThanOrEqual(180);
      else if (forecast.payback_day !== null) expect(Number(forecast.payback_day)).toBeGreaterThan(180);
    }
    expect(projected).toBeGreaterThan(4);
  });

  it('moves budget: at least one partner goes up and one goes down', () => {
    expect(rows.some((r) => Number(r.change_pct) > 0.01)).toBe(true);
    expect(rows.some((r) => Number(r.change_pct) < -0.01)).toBe(true);
  });
});

/** R's recommendations while no partner_quality row of R has a flag. */
let before: Row[];
/** The same after two raised partners were flagged. */
let after: Row[];
/** The partner `before` raised the most of those whose registry minimum is not above current spend. */
let held: string;
/** A partner whose registry minimum is above its current spend. */
let atMinimum: Row;

async function recommendations(): Promise<Row[]> {
  await recommendBudgets(lake.engine, R, {});
  return lake.engine.query(
    `select * from budget_recommendations where run_date = date '${R}' order by partner_id`,
  );
}

describe('budget recommendations with a flagged partner', () => {
  beforeAll(async () => {
    // Prepare: the recommendation of the lake without quality flags, then two partners it raised flagged.
    before = await recommendations();
    const minimums = await lake.engine.query('select partner_id, min_daily_budget_usd from partners');
    const minimumOf = (row: Row) => {
      const minimum = minimums.find((m) => m.partner_id === row.partner_id)?.min_daily_budget_usd;
      return minimum === null || minimum === undefined ? null : Number(minimum);
    };
    const [raised] = before
      .filter((row) => (minimumOf(row) ?? 0) <= Number(row.current_daily_spend_usd))
      .sort((a, b) => Number(b.change_pct ?? 0) - Number(a.change_pct ?? 0));
    held = String(raised?.partner_id);
    const below = before.find((row) => (minimumOf(row) ?? 0) > Number(row.current_daily_spend_usd));
    if (below === undefined)
      throw new Error('seed 3 has a partner whose registry minimum is above its spend');
    atMinimum = { ...below, min_daily_budget_usd: minimumOf(below) };
    await writeRows(lake.engine, PARTNER_QUALITY, [
      { partner_id: held, signups: 120, flags: 'bonus_abuse,shared_devices', quality_score: 20, run_date: R },
      {
        partner_id: String(below.partner_id),
        signups: 40,
        flags: 'fast_signups',
        quality_score: 35,
        run_date: R,
      },
    ]);

    // Act
    after = await recommendations();
  }, 180_000);

  it('raised both partners before they were flagged (the premise)', () => {
    for (const id of [held, atMinimum.partner_id]) {
      const row = before.find((r) => r.partner_id === id);
      expect(Number(row?.recommended_daily_spend_usd)).toBeGreaterThan(Number(row?.current_daily_spend_usd));
    }
  });

  it('holds the flagged partner at its current spend and names the flags', () => {
    const row = after.find((r) => r.partner_id === held);
    expect(row?.recommended_daily_spend_usd).toBe(row?.current_daily_spend_usd);
    expect(row?.change_pct).toBe(0);
    expect(row?.binding_constraint).toBe('quality_hold');
    expect(String(row?.reason)).toMatch(
      new RegExp(
        `^Keep ${held} at \\$[0-9,.]+/day: held: traffic-quality flags bonus_abuse, shared_devices allow no increase, though `,
      ),
    );
  });

  it('sets a flagged partner whose registry minimum is above its spend to exactly the minimum', () => {
    const row = after.find((r) => r.partner_id === atMinimum.partner_id);
    expect(row?.recommended_daily_spend_usd).toBe(atMinimum.min_daily_budget_usd);
    expect(row?.binding_constraint).toBe('registry_min');
    expect(String(row?.reason)).toMatch(
      /, its registry minimum, and no further: held: traffic-quality flag fast_signups allows nothing above it\.$/,
    );
  });

  it('stays budget-neutral: what the flagged partner is not given goes to the others', () => {
    const total = (rows: readonly Row[], column: string) =>
      rows.reduce((sum, r) => sum + Number(r[column]), 0);
    expect(total(after, 'recommended_daily_spend_usd')).toBeCloseTo(
      total(after, 'current_daily_spend_usd'),
      4,
    );
    expect(total(after, 'recommended_daily_spend_usd')).toBeCloseTo(
      total(before, 'recommended_daily_spend_usd'),
      4,
    );
  });
});
