import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { addDays, dateRange } from '../../lambdas/contract/dates.ts';
import { allColumns } from '../../lambdas/contract/table-def.ts';
import { TABLES, USER_SEGMENTS, USERS } from '../../lambdas/contract/tables.ts';
import type { LocalLake } from '../../lambdas/pipeline/local-lake.ts';
import { transformAndMeasure } from '../../lambdas/pipeline/transform.ts';
import type { Engine } from '../../lambdas/warehouse/engine.ts';
import { openLakeCopy } from '../ingest/lake-helpers.ts';
import { generatedLake } from './generated-lake.ts';

const END = '2026-03-31';
const RUN_DATES = dateRange(addDays(END, -3), END);

/** DuckDB's names for the registry's column types. */
const DUCKDB_TYPES: Record<string, string> = {
  varchar: 'VARCHAR',
  double: 'DOUBLE',
  bigint: 'BIGINT',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  'decimal(38,9)': 'DECIMAL(38,9)',
};

describe('the views of user_state: users and user_segments (60 generated days, 4 runs)', () => {
  let lake: LocalLake;

  beforeAll(async () => {
    lake = await generatedLake({ endDate: END, days: 60, users: 400, partners: 3, seed: 5 });
    for (const date of RUN_DATES) await transformAndMeasure(lake.engine, date);
  }, 120_000);

  afterAll(async () => {
    await lake?.close();
  });

  it('are the only views, and have the registry columns with the registry types, in order', async () => {
    // Assess
    expect(Object.values(TABLES).filter((table) => table.isView === true)).toEqual([USERS, USER_SEGMENTS]);
    for (const view of [USERS, USER_SEGMENTS]) {
      const described = await lake.engine.query(`describe select * from ${view.name}`);
      expect(
        described.map((column) => [column.column_name, column.column_type]),
        view.name,
      ).toEqual(allColumns(view).map((column) => [column.name, DUCKDB_TYPES[column.type]]));
    }
  });

  it('hold a snapshot of every user of each run date, and users the latest one', async () => {
    // Act
    const snapshots = await lake.engine.query(`
      select snapshot_date, count(*) as users, count(distinct user_id) as distinct_users
      from user_segments group by snapshot_date order by snapshot_date`);
    const states = await lake.engine.query(
      'select dt as snapshot_date, count(*) as users, count(*) as distinct_users from user_state group by dt order by dt',
    );
    const [latest] = await lake.engine.query(
      'select count(*) as users, min(as_of_date) as first_date, max(as_of_date) as last_date from users',
    );

    // Assess
    expect(snapshots.map((row) => row.snapshot_date)).toEqual(RUN_DATES);
    expect(snapshots).toEqual(states);
    expect(latest).toEqual({ users: states.at(-1)?.users, first_date: END, last_date: END });
  });

  it('read only the state partition a filter on snapshot_date names', async () => {
    // Act: the same question of one snapshot and of all four.
    const measure = async (sql: string) => {
      const before = lake.engine.stats().bytesRead;
      await lake.engine.query(sql);
      return lake.engine.stats().bytesRead - before;
    };
    const one = await measure(
      `select lifecycle, count(*) as n from user_segments where snapshot_date = date '${END}' group by lifecycle`,
    );
    const all = await measure('select lifecycle, count(*) as n from user_segments group by lifecycle');

    // Assess: four partitions of about the same size; one costs about a quarter.
    expect(one).toBeGreaterThan(0);
    expect(one / all).toBeLessThan(0.4);
  });

  it("keep each user's lifecycle of the day before: the day before's snapshot, or none", async () => {
    // Act: every user of the last three snapshots against the snapshot of the day before.
    const compared = await lake.engine.query(`
      select
        coalesce(yesterday.lifecycle, 'none') as expected,
        today.previous_lifecycle as kept,
        count(*) as users
      from user_state as today
      left join user_segments as yesterday
        on yesterday.user_id = today.user_id
        and yesterday.snapshot_date = today.dt - interval 1 day
      where today.dt > date '${RUN_DATES[0]}'
      group by all
      order by all`);

    // Assess: they agree for every user, over transitions from every lifecycle a 60-day lake
    // has (churned takes 90 days without an event) and from none.
    expect(compared.filter((row) => row.expected !== row.kept)).toEqual([]);
    expect(new Set(compared.map((row) => row.expected))).toEqual(
      new Set(['none', 'new', 'resurrected', 'active', 'at_risk', 'dormant']),
    );
  });

  it('keep the three latest active days of each user, from user_daily', async () => {
    // Act: the state's dates against the user's active days up to each as-of date, ranked.
    const mismatches = await lake.engine.query(`
      with ranked as (
        select state.dt, state.user_id, daily.dt as day,
          row_number() over (partition by state.dt, state.user_id order by daily.dt desc) as rank
        from user_state as state
        join user_daily as daily on daily.user_id = state.user_id and daily.dt <= state.dt
      ),
      expected as (
        select dt, user_id,
          max(case when rank = 1 then day end) as last_day,
          max(case when rank = 2 then day end) as prev_day,
          max(case when rank = 3 then day end) as prev2_day
        from ranked group by dt, user_id
      )
      select count(*) as users,
        count(*) filter (where expected.prev2_day is not null) as with_three_days,
        count(*) filter (where state.last_active_date is distinct from expected.last_day
          or state.prev_active_date is distinct from expected.prev_day
          or state.prev2_active_date is distinct from expected.prev2_day) as wrong
      from user_state as state
      join expected using (dt, user_id)`);

    // Assess
    expect(mismatches[0]?.wrong).toBe(0);
    expect(mismatches[0]?.with_three_days).toBeGreaterThan(100);
  });

  it('keep users at the last good run when a later run fails after its fold', async () => {
    // Prepare: a copy of the lake (the run below changes it), and an engine over the copy whose write
    // of the funnel (a mart after the fold) fails.
    const copy = await openLakeCopy(lake, await mkdtemp(join(tmpdir(), 'growthlake-views-')));
    onTestFinished(async () => {
      await copy.close();
      await rm(copy.store.root, { recursive: true, force: true });
    });
    const inner = copy.engine;
    const failing: Engine = {
      name: inner.name,
      query: (sql) => inner.query(sql),
      queryBatches: (sql) => inner.queryBatches(sql),
      write: (table, sql, mode) =>
        table.name === 'funnel' ? Promise.reject(new Error('disk full')) : inner.write(table, sql, mode),
      writeRows: (table, rows, mode) => inner.writeRows(table, rows, mode),
      defineView: (table, sql) => inner.defineView(table, sql),
      refresh: (table) => inner.refresh(table),
      stats: () => inner.stats(),
      close: () => inner.close(),
    };

    // Act
    const run = transformAndMeasure(failing, addDays(END, 1));

    // Assess
    await expect(run).rejects.toThrow('funnel failed: disk full');
    expect(await copy.engine.query('select distinct as_of_date from users')).toEqual([{ as_of_date: END }]);
  });
});
