import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRevenueWindows, loadUserValues } from '../../bench/models/user-values.ts';
import { PARTNERS, USER_STATE } from '../../lambdas/contract/tables.ts';
import { type LocalLake, openLocalLake } from '../../lambdas/pipeline/local-lake.ts';
import { transformAndMeasure } from '../../lambdas/pipeline/transform.ts';
import {
  type CohortForecast,
  type CohortValueSums,
  fitUserValueModel,
  forecastCohorts,
  loadCohortValueSums,
  loadPersistenceSums,
} from '../../lambdas/recommend/ltv-forecast.ts';
import {
  AGE_BANDS_DAYS,
  type BandSums,
  emptyBandSums,
  type PersistenceModel,
} from '../../lambdas/recommend/persistence.ts';
import type { SqlParam } from '../../lambdas/warehouse/sql.ts';
import { generatedLake } from '../pipeline/generated-lake.ts';
import { fitPersistence, forecastCohortsPerUser, windowPairs } from './per-user-reference.ts';

const R = '2026-06-30';

/** A user_state row of R: the given columns, zero for the other counts and sums, null otherwise. */
function stateRow(values: Record<string, SqlParam>): SqlParam[] {
  return [
    ...USER_STATE.columns.map(
      (column) =>
        values[column.name] ?? (column.type === 'bigint' || column.type.startsWith('decimal') ? 0 : null),
    ),
    { date: R },
  ];
}

/** The band sums of AGE_BANDS_DAYS with the given bands (by lower bound) filled in. */
function bands(filled: Record<number, Partial<BandSums>>): BandSums[] {
  return AGE_BANDS_DAYS.map((start) => ({ ...emptyBandSums(), ...filled[start] }));
}

describe('the value sums SQL hands the persistence model (a hand-made user_state)', () => {
  let root: string;
  let lake: LocalLake;

  beforeAll(async () => {
    // Prepare: kol-a keeps 80% of fees (revshare 0.2); organic is not in the registry, so keeps all.
    // Windows: 0 = 7d + 8_30d, 1 = 31_60d, 2 = 61_90d, 3 = 91_120d.
    root = await mkdtemp(join(tmpdir(), 'growthlake-value-sums-'));
    lake = await openLocalLake(join(root, 'lake'), { threads: 1 });
    await lake.engine.writeRows(
      PARTNERS,
      {
        columns: PARTNERS.columns.map((c) => c.name),
        rows: [['kol-a', 'KOL A', 'kol', null, 0.2, 'active', null, null]],
      },
      { kind: 'replace-table' },
    );
    const rows = [
      // u1: 75 days old; window days 2 (1 + 1), 3, 0, 0; fees $10 (5 + 5) and $20; $40 to date
      stateRow({
        user_id: 'u1',
        partner_id: 'kol-a',
        cohort_date: { date: '2026-04-16' },
        fees_usd: 40,
        trade_days_7d: 1,
        fees_7d_usd: 5,
        trade_days_8_30d: 1,
        fees_8_30d_usd: 5,
        trade_days_31_60d: 3,
        fees_31_60d_usd: 20,
      }),
      // u6: u1's cohort, never traded
      stateRow({ user_id: 'u6', partner_id: 'kol-a', cohort_date: { date: '2026-04-16' } }),
      // u2: 200 days old, organic; window days 0, 0, 4, 2; fees $30 in window 2, $12 in window 3;
      // $100 to date, of which $30 at ages 91-180 and $12 at ages 181-365
      stateRow({
        user_id: 'u2',
        partner_id: 'organic',
        cohort_date: { date: '2025-12-12' },
        fees_usd: 100,
        fees_ages_91_180_usd: 30,
        fees_ages_181_365_usd: 12,
        trade_days_61_90d: 4,
        fees_61_90d_usd: 30,
        trade_days_91_120d: 2,
        fees_91_120d_usd: 12,
      }),
      // u3: 40 days old, never traded
      stateRow({ user_id: 'u3', partner_id: 'kol-a', cohort_date: { date: '2026-05-21' } }),
      // u4: 20 days old (no boundary reached); 2 days and $2.50 in window 0
      stateRow({
        user_id: 'u4',
        partner_id: 'kol-a',
        cohort_date: { date: '2026-06-10' },
        fees_usd: 2.5,
        trade_days_7d: 2,
        fees_7d_usd: 2.5,
      }),
      // u5: unattributed (no cohort date): in neither the fit nor a cohort
      stateRow({ user_id: 'u5', partner_id: 'unattributed', trade_days_31_60d: 9, fees_31_60d_usd: 90 }),
    ];
    await lake.engine.writeRows(
      USER_STATE,
      { columns: [...USER_STATE.columns.map((c) => c.name), 'dt'], rows },
      { kind: 'replace-partitions', partitions: [R] },
    );
  });

  afterAll(async () => {
    await lake?.close();
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });

  it('sums the window pairs into their age bands', async () => {
    // Act
    const sums = await loadPersistenceSums(lake.engine, R);

    // Assess: boundary 1 (30 days back) pairs base windows 1 + 2 with window 0, boundary 2 (60 days
    // back) windows 2 + 3 with window 1, for users at least 30 (60) days old.
    // u1 at 75 - 30 = 45 (band 30): 3 + 0 = 3 base days, then 2 days: earning, stays.
    // u1 at 75 - 60 = 15 (band 14): 0 + 0 base days, then 3 days and $20 * 0.8 = $16: idle, back.
    // u6 at 45 (band 30) and 15 (band 14): idle, stays idle.
    // u2 at 200 - 30 = 170 and 200 - 60 = 140 (both band 120): 0 + 4 = 4 and 4 + 2 = 6 base days,
    // then 0 days in windows 0 and 1: two earning pairs, both drop out.
    // u3 at 40 - 30 = 10 (band 7): idle, stays idle; u4 (20 days) has no pair; u5 no cohort.
    expect(sums).toEqual(
      bands({
        7: { idle: 1 },
        14: { idle: 2, nextOfIdleUsd: 16, nextOfIdleDays: 3, reactivated: 1 },
        30: { earners: 1, lastDays: 3, nextOfEarnersDays: 2, idle: 1 },
        120: { earners: 2, lastDays: 4 + 6, droppedOut: 2 },
      }),
    );
  });

  it('leaves the model unfitted with fewer than 100 earning pairs', async () => {
    // Assess: 1 + 2 = 3 earning pairs
    expect(fitUserValueModel(await loadPersistenceSums(lake.engine, R))).toBeNull();
  });

  it('sums each cohort and partner', async () => {
    // Act
    const cohorts = await loadCohortValueSums(lake.engine, R);

    // Assess
    expect(cohorts).toEqual<CohortValueSums[]>([
      {
        // u2: organic keeps all: $100 to date, 100 - 12 - 30 = $58 by age 90, 100 - 12 = $88 by 180;
        // idle: no trading day in windows 0 and 1
        cohortDate: '2025-12-12',
        partnerId: 'organic',
        ageDays: 200,
        users: 1,
        netRevenueUsd: 100,
        cumulativeNetRevenueUsd: { 90: 58, 180: 88, 365: 100 },
        lastWindowsUsd: [0, 0, 30],
        lastWindowsDays: [0, 0, 4],
        idleUsers: 1,
      },
      {
        // u1 and u6: $40 * 0.8 = $32 to date, all of it by age 90 (no later age band);
        // windows $10 * 0.8 = $8 and $20 * 0.8 = $16; u6 is idle
        cohortDate: '2026-04-16',
        partnerId: 'kol-a',
        ageDays: 75,
        users: 2,
        netRevenueUsd: 32,
        cumulativeNetRevenueUsd: { 90: 32, 180: 32, 365: 32 },
        lastWindowsUsd: [8, 16, 0],
        lastWindowsDays: [2, 3, 0],
        idleUsers: 1,
      },
      {
        cohortDate: '2026-05-21',
        partnerId: 'kol-a',
        ageDays: 40,
        users: 1,
        netRevenueUsd: 0,
        cumulativeNetRevenueUsd: { 90: 0, 180: 0, 365: 0 },
        lastWindowsUsd: [0, 0, 0],
        lastWindowsDays: [0, 0, 0],
        idleUsers: 1,
      },
      {
        // u4: $2.50 * 0.8 = $2
        cohortDate: '2026-06-10',
        partnerId: 'kol-a',
        ageDays: 20,
        users: 1,
        netRevenueUsd: 2,
        cumulativeNetRevenueUsd: { 90: 2, 180: 2, 365: 2 },
        lastWindowsUsd: [2, 0, 0],
        lastWindowsDays: [2, 0, 0],
        idleUsers: 0,
      },
    ]);
  });
});

describe('the value sums against the per-user path they replace (a generated lake)', () => {
  const END = '2026-06-30';
  let lake: LocalLake;
  let reference: { model: PersistenceModel; cohorts: Map<string, CohortForecast> };
  let summed: { model: PersistenceModel | null; cohorts: Map<string, CohortForecast> };

  beforeAll(async () => {
    // Prepare
    lake = await generatedLake({ endDate: END, days: 400, users: 1500, partners: 3, seed: 31 });
    await transformAndMeasure(lake.engine, END);
    const users = await loadUserValues(lake.engine, END);
    const windows = await loadRevenueWindows(lake.engine, END);
    const model = fitPersistence(windowPairs(users, windows));
    reference = { model, cohorts: forecastCohortsPerUser(users, windows, model) };

    // Act
    const sums = await loadPersistenceSums(lake.engine, END);
    const fitted = fitUserValueModel(sums);
    const cohorts = await loadCohortValueSums(lake.engine, END);
    summed = { model: fitted, cohorts: fitted === null ? new Map() : forecastCohorts(cohorts, fitted) };
  }, 180_000);

  afterAll(async () => {
    await lake?.close();
    // generatedLake keeps its inputs beside the lake, under one temporary root.
    if (lake !== undefined) await rm(dirname(lake.store.root), { recursive: true, force: true });
  });

  it('fits the same model', () => {
    // Assess
    expect(summed.model).not.toBeNull();
    const bands = summed.model?.bands ?? [];
    expect(bands).toHaveLength(reference.model.bands.length);
    for (const [i, band] of reference.model.bands.entries()) {
      const got = bands[i];
      expect(got?.support, `band ${i}`).toBe(band.support);
      for (const key of [
        'persistence',
        'dropout',
        'reactivationUsd',
        'reactivationDays',
        'reactivation',
      ] as const) {
        expect(got?.[key], `band ${i} ${key}`).toBeCloseTo(band[key], 9);
      }
    }
  });

  it('forecasts the same cohorts', () => {
    // Assess: cohorts of every age up to 400 days, so every horizon is both observed and forecast
    expect([...summed.cohorts.keys()].sort()).toEqual([...reference.cohorts.keys()].sort());
    expect(reference.cohorts.size).toBeGreaterThan(300);
    for (const [key, cohort] of reference.cohorts) {
      const got = summed.cohorts.get(key) as CohortForecast;
      expect(got.users, key).toBe(cohort.users);
      for (const field of ['toDate', 90, 180, 365] as const) {
        expect(got[field], `${key} ${field}`).toBeCloseTo(cohort[field], 9);
      }
    }
  });
});
