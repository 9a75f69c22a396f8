import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../lambdas/contract/dates.ts';
import type { LocalLake } from '../../lambdas/pipeline/local-lake.ts';
import { type TransformReport, transformAndMeasure } from '../../lambdas/pipeline/transform.ts';
import { generatedLake } from './generated-lake.ts';

const END = '2026-06-30';
/** A build from scratch, then folds of 2, 3 and 3 days: each adds several new days per user. */
const RUN_DATES = [addDays(END, -8), addDays(END, -6), addDays(END, -3), END];

/**
 * The spec of the activity dates, straight from user_daily: per user known on the as-of date, the
 * latest, second-latest and third-latest days with a user_daily row; returns the state rows that
 * differ.
 */
function mismatchQuery(asOf: string): string {
  return `
    with ranked as (
      select user_id, dt, row_number() over (partition by user_id order by dt desc) as recency
      from user_daily
      where dt <= date '${asOf}'
    ),
    expected as (
      select
        user_id,
        max(case when recency = 1 then dt end) as last_active_date,
        max(case when recency = 2 then dt end) as prev_active_date,
        max(case when recency = 3 then dt end) as prev2_active_date
      from ranked
      group by user_id
    ),
    state as (select * from user_state where dt = date '${asOf}')
    select state.user_id
    from state
    full outer join expected on state.user_id = expected.user_id
    where state.user_id is null or expected.user_id is null
      or state.last_active_date is distinct from expected.last_active_date
      or state.prev_active_date is distinct from expected.prev_active_date
      or state.prev2_active_date is distinct from expected.prev2_active_date`;
}

describe('user_state activity dates (120 generated days, folds of several days)', () => {
  let lake: LocalLake;
  const reports: TransformReport[] = [];

  beforeAll(async () => {
    lake = await generatedLake({ endDate: END, days: 120, users: 400, partners: 3, seed: 23 });
    for (const date of RUN_DATES) reports.push(await transformAndMeasure(lake.engine, date));
  }, 120_000);

  afterAll(async () => {
    await lake?.close();
  });

  it('built from scratch, then folded each run onto the state of the run before', () => {
    // Assess
    expect(reports.map((report) => report.stateBase)).toEqual([null, ...RUN_DATES.slice(0, -1)]);
  });

  it('keeps the latest three active days of every user on every run date', async () => {
    for (const asOf of RUN_DATES) {
      // Act
      const mismatches = await lake.engine.query(mismatchQuery(asOf));

      // Assess
      expect(mismatches, `as of ${asOf}`).toEqual([]);
    }
  });

  it('is exercised: each fold met known users active on one, two and (in 3-day folds) three new days', async () => {
    // Act: per fold (1-3, by its run), users known before the first, by how many of its days they were active on
    const rows = await lake.engine.query(`
      with known as (
        select user_id from user_daily
        where dt <= date '${RUN_DATES[0]}'
        group by user_id
      ),
      per_user as (
        select
          case when dt <= date '${RUN_DATES[1]}' then 1 when dt <= date '${RUN_DATES[2]}' then 2 else 3 end as fold,
          user_id,
          count(*) as active_days
        from user_daily
        where dt > date '${RUN_DATES[0]}' and user_id in (select user_id from known)
        group by 1, 2
      )
      select fold, active_days, count(*) as users
      from per_user
      group by fold, active_days`);
    const seen = new Set(rows.map((row) => `${row.fold}:${row.active_days}`));

    // Assess
    expect([...seen].sort()).toEqual(['1:1', '1:2', '2:1', '2:2', '2:3', '3:1', '3:2', '3:3']);
  });
});
