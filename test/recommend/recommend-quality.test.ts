/**
 * The quality hold through the whole recommender on generated data: partner_quality flags of R reach
 * budget_recommendations, a flagged partner is held at its current spend or set to its registry
 * minimum, and the recommendations stay budget-neutral.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARTNER_QUALITY } from '../../lambdas/contract/tables-traffic.ts';
import { generate, inputFiles } from '../../lambdas/generate/generate.ts';
import { ingestFile } from '../../lambdas/ingest/ingest.ts';
import { type LocalLake, openLocalLake } from '../../lambdas/pipeline/local-lake.ts';
import { transformAndMeasure } from '../../lambdas/pipeline/transform.ts';
import { recommendBudgets } from '../../lambdas/recommend/recommend.ts';
import type { Row } from '../../lambdas/warehouse/engine.ts';
import { writeRows } from '../publish/fixture.ts';

const R = '2026-11-21';

let root: string;
let lake: LocalLake;
/** R's recommendations while partner_quality is empty. */
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

beforeAll(async () => {
  // Prepare: the recommendation of a lake without quality data, then two partners it raised flagged.
  root = await mkdtemp(join(tmpdir(), 'growthlake-recommend-quality-'));
  const generated = await generate({
    outDir: join(root, 'input'),
    endDate: R,
    days: 60,
    users: 3000,
    partners: 8,
    seed: 3,
  });
  lake = await openLocalLake(join(root, 'lake'));
  for (const file of inputFiles(generated)) await ingestFile(lake, file.kind, join(root, 'input', file.path));
  await transformAndMeasure(lake.engine, R);
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
  if (below === undefined) throw new Error('seed 3 has a partner whose registry minimum is above its spend');
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

afterAll(async () => {
  await lake?.close();
  await rm(root, { recursive: true, force: true });
});

describe('budget recommendations with a flagged partner', () => {
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
