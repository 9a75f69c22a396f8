import { describe, expect, it } from 'vitest';
import { col, type TableDef } from '../../lambdas/contract/table-def.ts';
import {
  adoptListedTables,
  currentFiles,
  manifestKeys,
  publishFiles,
  replacedFiles,
} from '../../lambdas/warehouse/table-files.ts';
import { MemoryStore } from './memory-store.ts';

const DAILY: TableDef = {
  name: 'daily',
  layer: 'mart',
  description: 'test',
  grain: 'one row per id and day',
  key: ['id', 'dt'],
  columns: [col('id', 'varchar', '')],
  partition: col('dt', 'date', ''),
  location: 'marts/daily',
  format: 'parquet',
};
const SNAPSHOT: TableDef = { ...DAILY, name: 'snapshot', partition: undefined, location: 'marts/snapshot' };
const LOG: TableDef = { ...DAILY, name: 'log', location: 'quality/log', appendOnly: true };

describe('table manifests', () => {
  it('reads the keys of a manifest written for another bucket, and refuses a line outside the table', () => {
    // A lake copied from s3://prod-lake/lake/ to a local directory still reads its manifests.
    const text =
      's3://prod-lake/lake/marts/daily/dt=2026-01-02/part_b_0.parquet\n' +
      's3://prod-lake/lake/marts/daily/dt=2026-01-02/part_a_0.parquet\n\n';
    expect(manifestKeys(DAILY, 'm', text)).toEqual([
      'marts/daily/dt=2026-01-02/part_a_0.parquet',
      'marts/daily/dt=2026-01-02/part_b_0.parquet',
    ]);
    expect(() =>
      manifestKeys(DAILY, 'marts/daily/_symlink/dt=2026-01-02/manifest', 's3://x/marts/other/a.parquet\n'),
    ).toThrow(
      'the manifest marts/daily/_symlink/dt=2026-01-02/manifest of daily names "s3://x/marts/other/a.parquet", which is not a data file of the table',
    );
  });

  it('replaces the named partitions, or every partition there is for a whole table, and refuses others', () => {
    const written = new Map([['2026-01-02', ['marts/daily/dt=2026-01-02/part_w_0.parquet']]]);
    const current = new Set(['2026-01-01', '2026-01-02']);
    expect([
      ...replacedFiles(
        DAILY,
        { kind: 'replace-partitions', partitions: ['2026-01-02', '2026-01-03'] },
        current,
        written,
      ),
    ]).toEqual([
      ['2026-01-02', ['marts/daily/dt=2026-01-02/part_w_0.parquet']],
      ['2026-01-03', []],
    ]);
    expect([...replacedFiles(DAILY, { kind: 'replace-table' }, current, written)]).toEqual([
      ['2026-01-01', []],
      ['2026-01-02', ['marts/daily/dt=2026-01-02/part_w_0.parquet']],
    ]);
    expect(() =>
      replacedFiles(DAILY, { kind: 'replace-partitions', partitions: ['2026-01-01'] }, current, written),
    ).toThrow('the query for daily produced partitions it may not replace: 2026-01-02');
  });

  it('publishes the files of tables laid out before manifests once, and leaves the others alone', async () => {
    // Prepare: daily and snapshot as an earlier release left them; log is append-only.
    const store = new MemoryStore();
    await store.put('marts/daily/dt=2026-01-01/part_0.parquet', 'a');
    await store.put('marts/daily/dt=2026-01-02/part_0.parquet', 'b');
    await store.put('marts/snapshot/data.parquet', 'c');
    await store.put('quality/log/dt=2026-01-01/x_0.parquet', 'd');
    await publishFiles(store, SNAPSHOT, new Map([['', ['marts/snapshot/data.parquet']]]));

    // Act
    const first = await adoptListedTables(store, [DAILY, SNAPSHOT, LOG]);
    const second = await adoptListedTables(store, [DAILY, SNAPSHOT, LOG]);

    // Assess
    expect([first, second]).toEqual([['daily'], []]);
    expect(store.textsUnder('marts/daily/_symlink/')).toEqual({
      'marts/daily/_symlink/dt=2026-01-01/manifest':
        's3://memory-lake/marts/daily/dt=2026-01-01/part_0.parquet\n',
      'marts/daily/_symlink/dt=2026-01-02/manifest':
        's3://memory-lake/marts/daily/dt=2026-01-02/part_0.parquet\n',
    });
    expect(Object.keys(store.textsUnder('quality/log/'))).toEqual(['quality/log/dt=2026-01-01/x_0.parquet']);
    expect([...(await currentFiles(store, LOG))]).toEqual([
      ['2026-01-01', ['quality/log/dt=2026-01-01/x_0.parquet']],
    ]);
  });
});
