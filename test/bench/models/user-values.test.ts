import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadUserValues, type UserValue } from '../../../bench/models/user-values.ts';
import { addDays } from '../../../lambdas/contract/dates.ts';
import type { LocalLake } from '../../../lambdas/pipeline/local-lake.ts';
import { transformAndMeasure } from '../../../lambdas/pipeline/transform.ts';
import { generatedLake } from '../../pipeline/generated-lake.ts';

const END = '2026-06-30';
const HORIZONS = [90, 180, 365] as const;

/**
 * The spec, straight from user_daily: each attributed user's net revenue to date and at age <= each
 * horizon (a trade before the cohort date counts at age 0).
 */
const SPEC = `
  with attributed as (
    select user_id, partner_id, cohort_date from users where cohort_date is not null
  )
  select
    attributed.user_id,
    ${HORIZONS.map(
      (h) =>
        `coalesce(sum(case when date_diff('day', attributed.cohort_date, daily.dt) <= ${h} then daily.fees_usd end), 0) as fees_${h}`,
    ).join(',\n    ')},
    coalesce(sum(daily.fees_usd), 0) as fees_total,
    coalesce(max(partners.revshare_rate), 0) as revshare_rate,
    max(date_diff('day', attributed.cohort_date, daily.dt)) as oldest_trade_age
  from attributed
  left join user_daily as daily on daily.user_id = attributed.user_id and daily.dt <= date '${END}'
  left join partners on partners.partner_id = attributed.partner_id
  group by attributed.user_id
  order by attributed.user_id`;

describe('user values for the persistence model (400 generated days, a fold onto a rebuilt state)', () => {
  let lake: LocalLake;
  let values: UserValue[];
  let spec: Record<string, unknown>[];

  beforeAll(async () => {
    // Prepare: the state of END - 1 from scratch, then the fold of END onto it
    lake = await generatedLake({ endDate: END, days: 400, users: 400, partners: 3, seed: 31 });
    await transformAndMeasure(lake.engine, addDays(END, -1));
    await transformAndMeasure(lake.engine, END);

    // Act
    values = await loadUserValues(lake.engine, END);
    spec = await lake.engine.query(SPEC);
  }, 120_000);

  afterAll(async () => {
    await lake?.close();
    // generatedLake keeps its inputs beside the lake, under one temporary root.
    if (lake !== undefined) await rm(dirname(lake.store.root), { recursive: true, force: true });
  });

  it('has every attributed user, and users who traded past each horizon', () => {
    // Assess
    expect(values.map((v) => v.userId)).toEqual(spec.map((row) => row.user_id));
    for (const horizon of HORIZONS) {
      const beyond = spec.filter((row) => Number(row.oldest_trade_age) > horizon).length;
      expect(beyond, `users with a trade past age ${horizon}`).toBeGreaterThan(5);
    }
  });

  it('gives net revenue to date and at age <= 90, 180 and 365 as user_daily does', () => {
    for (const [i, value] of values.entries()) {
      // Prepare
      const row = spec[i] as Record<string, unknown>;
      const keep = 1 - Number(row.revshare_rate);

      // Assess
      expect(value.netRevenueUsd, value.userId).toBeCloseTo(Number(row.fees_total) * keep, 9);
      for (const horizon of HORIZONS) {
        expect(value.cumulativeNetRevenueUsd[horizon], `${value.userId} at ${horizon}`).toBeCloseTo(
          Number(row[`fees_${horizon}`]) * keep,
          9,
        );
      }
    }
  });
});
