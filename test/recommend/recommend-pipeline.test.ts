import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, inputFiles } from '../../lambdas/generate/generate.ts';
import { ingestFile } from '../../lambdas/ingest/ingest.ts';
import { type LocalLake, openLocalLake } from '../../lambdas/pipeline/local-lake.ts';
import { transformAndMeasure } from '../../lambdas/pipeline/transform.ts';
import { type RecommendReport, recommendBudgets } from '../../lambdas/recommend/recommend.ts';
import type { Row } from '../../lambdas/warehouse/engine.ts';

const R = '2026-11-21';

describe('budget recommendations on generated data (docs/contract.md, budget_recommendations)', () => {
  let lake: LocalLake;
  let report: RecommendReport;
  let rows: Row[];
  let partners: Row[];

  beforeAll(async () => {
    // Prepare
    const root = await mkdtemp(join(tmpdir(), 'growthlake-recommend-'));
    const generated = await generate({
      outDir: join(root, 'input'),
      endDate: R,
      days: 60,
      users: 3000,
      partners: 8,
      seed: 3,
    });
    lake = await openLocalLake(join(root, 'lake'));
    for (const file of inputFiles(generated))
      await ingestFile(lake, file.kind, join(root, 'input', file.path));
    await transformAndMeasure(lake.engine, R);

    // Act
    report = await recommendBudgets(lake.engine, R, {});
    rows = await lake.engine.query(
      `select * from budget_recommendations where run_date = date '${R}' order by partner_id`,
    );
    partners = await lake.engine.query('select * from partners order by partner_id');
  }, 120_000);

  afterAll(async () => {
    await lake?.close();
  });

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

  it('moves budget: at least one partner goes up and one goes down', () => {
    expect(rows.some((r) => Number(r.change_pct) > 0.01)).toBe(true);
    expect(rows.some((r) => Number(r.change_pct) < -0.01)).toBe(true);
  });
});
