/**
 * The campaign state's fold and campaign_results' rows through the Athena engine (the shared fake
 * in test/warehouse/, which runs no SQL): both are written with the engine's interface only, and
 * what reaches Athena is Trino SQL that casts every column to its registry type.
 */
import { TrinoSQL } from 'dt-sql-parser';
import { describe, expect, it } from 'vitest';
import { CAMPAIGN_RESULTS, CAMPAIGN_USER_STATE } from '../../lambdas/contract/tables.ts';
import { campaignResultRows } from '../../lambdas/experiments/campaign-results.ts';
import { AthenaEngine } from '../../lambdas/warehouse/athena-engine.ts';
import { queryFile } from '../../lambdas/warehouse/sql.ts';
import { currentFiles } from '../../lambdas/warehouse/table-files.ts';
import { FakeAthena } from '../warehouse/athena-fake.ts';
import { MemoryStore } from '../warehouse/memory-store.ts';

const R = '2026-03-05';
const DAY_BEFORE = '2026-03-04';
const trino = new TrinoSQL();

/** The grammar's complaints about the SELECT an UNLOAD writes (it knows no UNLOAD). */
function selectErrors(unload: string | undefined): string[] {
  const select = /^unload \(([\s\S]*)\) to 's3:/.exec(unload ?? '')?.[1] ?? 'not an unload';
  return trino.validate(select).map((error) => `${error.startLine}:${error.startColumn} ${error.message}`);
}

function athenaOver(store: MemoryStore, fake: FakeAthena): AthenaEngine {
  return new AthenaEngine({
    client: fake.client,
    store,
    database: 'growthlake',
    workGroup: 'growthlake-pipeline',
    jobId: `daily-run:${R}`,
    tables: [CAMPAIGN_USER_STATE, CAMPAIGN_RESULTS],
    sleep: async () => {},
    random: () => 0.5,
  });
}

describe('campaign tables on Athena', () => {
  it('folds the campaign state of two run dates into their partitions with one Trino UNLOAD', async () => {
    // Prepare
    const store = new MemoryStore();
    const fake = new FakeAthena({
      lake: store,
      // The engine asks which partitions the fold fills before it UNLOADs them.
      respond: (sql) =>
        sql.startsWith('select distinct dt')
          ? { columns: [{ name: 'dt', type: 'date' }], rows: [[DAY_BEFORE], [R]] }
          : undefined,
    });
    const engine = athenaOver(store, fake);
    const sql = queryFile('models/campaign_user_state', {
      base_date: { date: '2026-03-03' },
      as_of_dates: {
        table: { columns: ['as_of_date'], rows: [[{ date: DAY_BEFORE }], [{ date: R }]] },
      },
      last_date: { date: R },
      exposures_from: { date: DAY_BEFORE },
      days_from: { date: DAY_BEFORE },
      pre_from: { date: '2026-02-03' },
      playbook_window_days: 14,
      playbook_pre_days: 30,
    });

    // Act
    await engine.write(CAMPAIGN_USER_STATE, sql, {
      kind: 'replace-partitions',
      partitions: [DAY_BEFORE, R],
    });

    // Assess
    const [unload] = fake.unloads();
    expect(fake.unloads()).toHaveLength(1);
    expect(unload).toContain('cast(has_traded_outcome as boolean) as has_traded_outcome');
    expect(unload).toContain('cast(fees_pre_usd as decimal(38,9)) as fees_pre_usd');
    expect(selectErrors(unload)).toEqual([]);
    expect([...(await currentFiles(store, CAMPAIGN_USER_STATE))]).toEqual([
      [
        DAY_BEFORE,
        [
          expect.stringMatching(
            new RegExp(`^state/campaign_user_state/dt=${DAY_BEFORE}/part_[0-9a-f]{24}_0\\.parquet$`),
          ),
        ],
      ],
      [
        R,
        [
          expect.stringMatching(
            new RegExp(`^state/campaign_user_state/dt=${R}/part_[0-9a-f]{24}_0\\.parquet$`),
          ),
        ],
      ],
    ]);
  });

  it('writes the result rows as literal rows Trino reads: numbers, nulls, booleans as text', async () => {
    // Prepare: one campaign, one arm of traded.
    const store = new MemoryStore();
    const fake = new FakeAthena({ lake: store });
    const engine = athenaOver(store, fake);
    const statistics = [
      {
        campaign_id: 'c1',
        metric: 'traded',
        arm: 'treatment',
        n: 4,
        sum_y: 3,
        sum_x: 0,
        sum_yy: 3,
        sum_xx: 0,
        sum_xy: 0,
        n_switched: 0,
      },
    ];
    const design = {
      windowDays: 14,
      preDays: 0,
      holdoutShare: 0.5,
      costPerTreatedUsd: 0,
      primaryMetric: 'traded' as const,
    };
    const rows = campaignResultRows(R, statistics, new Map([['c1', design]]));
    const columns = [...CAMPAIGN_RESULTS.columns.map((column) => column.name), 'run_date'];

    // Act
    await engine.writeRows(
      CAMPAIGN_RESULTS,
      { columns, rows },
      { kind: 'replace-partitions', partitions: [R] },
    );

    // Assess: the fake answers no partition, so the engine stops after reading which partitions the
    // rows fill; that statement carries every row as a values list (booleans as text, which the
    // UNLOAD's cast to the registry's boolean reads).
    const [partitionsQuery] = fake.started;
    expect(partitionsQuery).toContain(
      "('c1', 'traded', 4, 0, 0, cast(0.75 as double), null, 0, null, null, null, null, null, null, null,",
    );
    expect(partitionsQuery).toContain("'true', 'inconclusive', date '2026-03-05')");
    expect(trino.validate(partitionsQuery as string)).toEqual([]);
  });
});
