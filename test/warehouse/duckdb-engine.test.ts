import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { col, type TableDef } from '../../lambdas/contract/table-def.ts';
import { FsStore } from '../../lambdas/storage/fs-store.ts';
import { DuckDbEngine } from '../../lambdas/warehouse/duckdb-engine.ts';
import { QueryError } from '../../lambdas/warehouse/errors.ts';
import { valuesQuery } from '../../lambdas/warehouse/sql.ts';
import { currentFiles, removeSuperseded, SUPERSEDED_GRACE_MS } from '../../lambdas/warehouse/table-files.ts';

const DAILY: TableDef = {
  name: 'daily',
  layer: 'mart',
  description: 'test',
  grain: 'one row per id and day',
  key: ['id', 'dt'],
  columns: [col('id', 'varchar', ''), col('amount', 'double', '')],
  partition: col('dt', 'date', ''),
  location: 'marts/daily',
  format: 'parquet',
};

const SNAPSHOT: TableDef = {
  ...DAILY,
  name: 'snapshot',
  partition: undefined,
  location: 'marts/snapshot',
  key: ['id'],
};

/** A table written only by appends, as the ingest writes its logs. */
const LOG: TableDef = { ...DAILY, name: 'log', location: 'quality/log', appendOnly: true };

const rows = (...values: [string, number, string][]) =>
  valuesQuery(
    ['id', 'amount', 'dt'],
    values.map(([id, amount, dt]) => [id, amount, { date: dt }]),
  );

describe('DuckDbEngine', () => {
  let root: string;
  let engine: DuckDbEngine;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'growthlake-engine-'));
    engine = await DuckDbEngine.open(new FsStore(root), [DAILY, SNAPSHOT, LOG]);
  });

  afterEach(async () => {
    await engine.close();
  });

  it('hands a result over in batches of at most 16,384 rows, in order, running the query once', async () => {
    // Act: 40,000 rows come as DuckDB chunks of 2,048, gathered 8 to a batch: 16,384, 16,384, 7,232
    const batches: number[][] = [];
    for await (const batch of engine.queryBatches('select range as n from range(40000) order by n'))
      batches.push(batch.map((row) => Number(row.n)));

    // Assess
    expect(batches.map((batch) => batch.length)).toEqual([16_384, 16_384, 7_232]);
    expect(batches.flat()).toEqual(Array.from({ length: 40_000 }, (_, i) => i));
  });

  it('fails a batched query with a one-line QueryError, and hands over nothing for an empty result', async () => {
    const empty: unknown[] = [];
    for await (const batch of engine.queryBatches('select * from daily')) empty.push(batch);
    expect(empty).toEqual([]);
    const read = async () => {
      for await (const _ of engine.queryBatches('select * from no_such_table')) {
        // nothing
      }
    };
    await expect(read()).rejects.toThrow(/no_such_table/);
  });

  it('serves an empty, typed view before any file exists', async () => {
    const result = await engine.queryReadOnly('select * from daily');
    expect(result.columns).toEqual(['id', 'amount', 'dt']);
    expect(result.rows).toEqual([]);
  });

  it('answers max of the partition column when one partition exists (DuckDB 1.5.5 crashed planning it)', async () => {
    // Prepare: one partition, as after a lake's first run
    await engine.write(DAILY, rows(['a', 1, '2026-01-01'], ['b', 2, '2026-01-01']), {
      kind: 'replace-partitions',
      partitions: ['2026-01-01'],
    });

    // Act
    const latest = await engine.queryReadOnly('select max(dt) as latest from daily');
    const rowsOfLatest = await engine.query(
      'select count(*) as n from daily where dt = (select max(dt) from daily)',
    );

    // Assess: and the engine is still usable with its optimizer settings as before
    expect(latest.rows).toEqual([{ latest: '2026-01-01' }]);
    expect(rowsOfLatest).toEqual([{ n: 2 }]);
    expect(await engine.query("select current_setting('disabled_optimizers') as disabled")).toEqual([
      { disabled: '' },
    ]);
  });

  it('appends files by prefix, replacing an earlier attempt of the same prefix', async () => {
    await engine.write(LOG, rows(['a', 1, '2026-01-01'], ['b', 2, '2026-01-02']), {
      kind: 'append',
      filePrefix: 'x',
    });
    await engine.write(LOG, rows(['c', 3, '2026-01-01']), { kind: 'append', filePrefix: 'y' });
    await engine.write(LOG, rows(['a', 10, '2026-01-01']), { kind: 'append', filePrefix: 'x' });

    const result = await engine.query('select id, amount, dt from log order by id');
    expect(result).toEqual([
      { id: 'a', amount: 10, dt: '2026-01-01' },
      { id: 'c', amount: 3, dt: '2026-01-01' },
    ]);
    // Readers list an append-only table's files: it has no manifests.
    expect(await readdir(join(root, 'quality/log'))).not.toContain('_symlink');
  });

  it('refuses an append to a replaced table and a replacement of an append-only one', async () => {
    await expect(
      engine.write(DAILY, rows(['a', 1, '2026-01-01']), { kind: 'append', filePrefix: 'x' }),
    ).rejects.toThrow('table daily is replaced, not appended to');
    await expect(engine.write(LOG, rows(['a', 1, '2026-01-01']), { kind: 'replace-table' })).rejects.toThrow(
      'table log is append-only (its readers list its files); append to it',
    );
  });

  it('replaces exactly the named partitions and removes one the result leaves empty', async () => {
    await engine.write(DAILY, rows(['a', 1, '2026-01-01'], ['b', 2, '2026-01-02'], ['c', 3, '2026-01-03']), {
      kind: 'replace-partitions',
      partitions: ['2026-01-01', '2026-01-02', '2026-01-03'],
    });

    await engine.write(DAILY, rows(['z', 9, '2026-01-02']), {
      kind: 'replace-partitions',
      partitions: ['2026-01-02', '2026-01-03'],
    });

    expect(await engine.query('select id, dt from daily order by dt')).toEqual([
      { id: 'a', dt: '2026-01-01' },
      { id: 'z', dt: '2026-01-02' },
    ]);
    // Each remaining partition has its manifest; the emptied one has none. The replaced files stay
    // on disk for queries planned before (SUPERSEDED_GRACE_MS), named by no manifest.
    const store = new FsStore(root);
    expect([...(await currentFiles(store, DAILY)).keys()]).toEqual(['2026-01-01', '2026-01-02']);
    // The emptied partition keeps an empty manifest: the table stays told from one of an earlier layout.
    expect(await readFile(join(root, 'marts/daily/_symlink/dt=2026-01-03/manifest'), 'utf8')).toBe('');
    expect((await readdir(join(root, 'marts/daily/dt=2026-01-02'))).length).toBe(2);
  });

  it('refuses to write a partition it was not asked to replace, leaving the table as it was', async () => {
    await engine.write(DAILY, rows(['a', 1, '2026-01-01']), {
      kind: 'replace-partitions',
      partitions: ['2026-01-01'],
    });

    const write = engine.write(DAILY, rows(['b', 2, '2026-01-05']), {
      kind: 'replace-partitions',
      partitions: ['2026-01-01'],
    });

    await expect(write).rejects.toThrow(/may not replace: 2026-01-05/);
    expect(await engine.query('select id from daily')).toEqual([{ id: 'a' }]);
    // Refused before any file moved in: no folder for the date it may not write.
    expect(await readdir(join(root, 'marts/daily'))).not.toContain('dt=2026-01-05');
  });

  it('replaces an unpartitioned table whole', async () => {
    await engine.write(SNAPSHOT, rows(['a', 1, '2026-01-01']), { kind: 'replace-table' });
    await engine.write(SNAPSHOT, rows(['b', 2, '2026-01-01']), { kind: 'replace-table' });
    expect(await engine.query('select id from snapshot')).toEqual([{ id: 'b' }]);
  });

  it('replaces a partition at once: a query planned before reads the old file whole, the next the new one', async () => {
    // Prepare: a partition, and another engine on the lake (as in another step) that has read it.
    await engine.write(DAILY, rows(['a', 1, '2026-01-01']), {
      kind: 'replace-partitions',
      partitions: ['2026-01-01'],
    });
    const store = new FsStore(root);
    const before = (await currentFiles(store, DAILY)).get('2026-01-01') ?? [];
    const reader = await DuckDbEngine.open(store, [DAILY]);
    try {
      expect(await reader.query('select id from daily')).toEqual([{ id: 'a' }]);

      // Act
      await engine.write(DAILY, rows(['b', 2, '2026-01-01']), {
        kind: 'replace-partitions',
        partitions: ['2026-01-01'],
      });

      // Assess: the manifest names only the new file; the old one is still there, whole, for a
      // query that listed it before; and the other engine reads the new one at its next query.
      const manifest = await readFile(join(root, 'marts/daily/_symlink/dt=2026-01-01/manifest'), 'utf8');
      expect(manifest).toMatch(
        new RegExp(`^${root}/marts/daily/dt=2026-01-01/part_[0-9a-f]{16}_0\\.parquet\n$`),
      );
      expect(manifest).not.toContain(before[0]);
      expect(
        await reader.query(`select id from read_parquet('${store.uriOf(before[0] as string)}')`),
      ).toEqual([{ id: 'a' }]);
      expect(await reader.query('select id from daily')).toEqual([{ id: 'b' }]);
    } finally {
      await reader.close();
    }
  });

  it('removes files no manifest names once they are older than the grace period, and only those', async () => {
    // Prepare: a partition replaced twice, so two of its three files are superseded.
    const store = new FsStore(root);
    for (const id of ['a', 'b', 'c']) {
      await engine.write(DAILY, rows([id, 1, '2026-01-01']), {
        kind: 'replace-partitions',
        partitions: ['2026-01-01'],
      });
    }
    const current = await currentFiles(store, DAILY);
    const named = current.get('2026-01-01');

    // Act: once within the grace period, once after it.
    const young = await removeSuperseded(store, DAILY, current, { now: Date.now() });
    const old = await removeSuperseded(store, DAILY, current, {
      now: Date.now() + SUPERSEDED_GRACE_MS + 1000,
    });

    // Assess
    expect([young, old]).toEqual([0, 2]);
    const left = (await readdir(join(root, 'marts/daily/dt=2026-01-01'))).map(
      (name) => `marts/daily/dt=2026-01-01/${name}`,
    );
    expect(left).toEqual(named);
    expect(await engine.query('select id from daily')).toEqual([{ id: 'c' }]);
  });

  it('reads a table written before manifests by listing its files, and publishes them before its next write', async () => {
    // Prepare: two partitions as an earlier release left them, with no manifest.
    for (const dt of ['2026-01-01', '2026-01-02']) {
      await mkdir(join(root, `marts/daily/dt=${dt}`), { recursive: true });
      await engine.query(
        `copy (select 'old-${dt}' as id, 1.0::double as amount) to '${root}/marts/daily/dt=${dt}/part_0.parquet' (format parquet)`,
      );
    }
    await engine.refresh(DAILY);
    expect(await engine.query('select id from daily order by id')).toEqual([
      { id: 'old-2026-01-01' },
      { id: 'old-2026-01-02' },
    ]);

    // Act: replace one partition.
    await engine.write(DAILY, rows(['new', 2, '2026-01-02']), {
      kind: 'replace-partitions',
      partitions: ['2026-01-02'],
    });

    // Assess: the other partition kept its rows, now named by a manifest of its own.
    expect(await engine.query('select id from daily order by id')).toEqual([
      { id: 'new' },
      { id: 'old-2026-01-01' },
    ]);
    expect(await readFile(join(root, 'marts/daily/_symlink/dt=2026-01-01/manifest'), 'utf8')).toBe(
      `${root}/marts/daily/dt=2026-01-01/part_0.parquet\n`,
    );
  });

  it('reads a column added to the registry after the files were written as null, as Athena does', async () => {
    // Prepare: a partition written by a release whose table had no `fees` column.
    await engine.write(DAILY, rows(['a', 1, '2026-01-01']), {
      kind: 'replace-partitions',
      partitions: ['2026-01-01'],
    });
    await engine.close();
    const widened: TableDef = { ...DAILY, columns: [...DAILY.columns, col('fees', 'decimal(38,9)', '')] };

    // Act
    engine = await DuckDbEngine.open(new FsStore(root), [widened, SNAPSHOT]);

    // Assess
    const result = await engine.queryReadOnly('select * from daily');
    expect(result.columns).toEqual(['id', 'amount', 'fees', 'dt']);
    expect(result.rows).toEqual([{ id: 'a', amount: 1, fees: null, dt: '2026-01-01' }]);
  });

  it("writes each partition's rows in the table's sort order", async () => {
    // Prepare: ids in reverse order, over two partitions.
    const sorted: TableDef = { ...DAILY, sortedBy: ['id'] };
    const ids = Array.from({ length: 500 }, (_, i) => `u${String(499 - i).padStart(3, '0')}`);
    const sql = valuesQuery(
      ['id', 'amount', 'dt'],
      ids.map((id, i) => [id, i, { date: i % 2 === 0 ? '2026-01-01' : '2026-01-02' }]),
    );

    // Act
    await engine.write(sorted, sql, { kind: 'replace-partitions', partitions: ['2026-01-01', '2026-01-02'] });

    // Assess: each file, read in its stored order, holds its ids ascending.
    const files = await engine.query(
      `select filename, string_agg(id, ',' order by file_row_number) as ids from read_parquet('${root}/marts/daily/*/*.parquet', filename = true, file_row_number = true) group by filename`,
    );
    expect(files).toHaveLength(2);
    for (const file of files) {
      const stored = String(file.ids).split(',');
      expect(stored).toHaveLength(250);
      expect(stored).toEqual([...stored].sort());
    }
  });

  it("writes row groups of at most the table's rowGroupRows, each with its sort key's range", async () => {
    // Prepare: 5,000 rows in reverse order, for row groups of 2,048 rows (DuckDB's vector size,
    // the smallest group it writes).
    const grouped: TableDef = { ...SNAPSHOT, sortedBy: ['id'], rowGroupRows: 2048 };
    const ids = Array.from({ length: 5000 }, (_, i) => `u${String(4999 - i).padStart(4, '0')}`);
    const sql = valuesQuery(
      ['id', 'amount'],
      ids.map((id, i) => [id, i]),
    );

    // Act
    await engine.write(grouped, sql, { kind: 'replace-table' });

    // Assess: three groups (2,048, 2,048 and 904 rows) covering consecutive id ranges.
    const groups = await engine.query(
      `select row_group_num_rows as n, stats_min_value as lo, stats_max_value as hi from parquet_metadata('${root}/${SNAPSHOT.location}/data_*.parquet') where path_in_schema = 'id' order by row_group_id`,
    );
    expect(groups).toEqual([
      { n: 2048, lo: 'u0000', hi: 'u2047' },
      { n: 2048, lo: 'u2048', hi: 'u4095' },
      { n: 904, lo: 'u4096', hi: 'u4999' },
    ]);
  });

  it('keeps a view defined across engines opened later, and refuses to write files into it', async () => {
    // Prepare: a view of the daily table, where a release that stored it left a file.
    const view: TableDef = { ...SNAPSHOT, name: 'totals', location: 'marts/totals', isView: true };
    await engine.close();
    await mkdir(join(root, 'marts/totals'), { recursive: true });
    await writeFile(join(root, 'marts/totals/data.parquet'), 'stale');
    engine = await DuckDbEngine.open(new FsStore(root), [DAILY, view]);
    await engine.write(DAILY, rows(['a', 1, '2026-01-01'], ['a', 2, '2026-01-02'], ['b', 4, '2026-01-02']), {
      kind: 'replace-partitions',
      partitions: ['2026-01-01', '2026-01-02'],
    });
    const before = await engine.query('select count(*) as n from totals');

    // Act
    await engine.defineView(view, 'select id, sum(amount) as amount from daily group by id');
    await engine.close();
    engine = await DuckDbEngine.open(new FsStore(root), [view, DAILY]);

    // Assess: empty and typed before, the view's rows after reopening (views open last), no file.
    expect(before).toEqual([{ n: 0 }]);
    expect(await engine.query('select id, amount from totals order by id')).toEqual([
      { id: 'a', amount: 3 },
      { id: 'b', amount: 4 },
    ]);
    expect(await readdir(join(root, 'marts/totals'))).toEqual(['view.sql']);
    await expect(engine.write(view, 'select 1', { kind: 'replace-table' })).rejects.toThrow(
      'table totals is a view; define it with defineView',
    );
  });

  it('defines views lazily for a reader: only what a query names, a view after the tables it reads', async () => {
    // Prepare: the daily table with rows and a view of it stored; the snapshot table's only file is
    // not Parquet, so defining its view fails (as an eager open would).
    const view: TableDef = { ...SNAPSHOT, name: 'totals', location: 'marts/totals', isView: true };
    await engine.write(DAILY, rows(['a', 1, '2026-01-01'], ['b', 4, '2026-01-02']), {
      kind: 'replace-partitions',
      partitions: ['2026-01-01', '2026-01-02'],
    });
    await engine.defineView(view, 'select id, sum(amount) as amount from daily group by id');
    await engine.close();
    await mkdir(join(root, 'marts/snapshot'), { recursive: true });
    await writeFile(join(root, 'marts/snapshot/part_0.parquet'), 'not parquet');
    await expect(DuckDbEngine.open(new FsStore(root), [DAILY, SNAPSHOT, view])).rejects.toThrow(QueryError);

    // Act
    engine = await DuckDbEngine.open(new FsStore(root), [view, DAILY, SNAPSHOT], { lazyTables: true });
    const totals = await engine.queryReadOnly('select id, amount from totals order by id');

    // Assess: the view, and `daily` it reads, were defined; the snapshot was not touched, until a
    // catalog query, which defines every view, met its bad file.
    expect(totals.rows).toEqual([
      { id: 'a', amount: 1 },
      { id: 'b', amount: 4 },
    ]);
    expect(await engine.query('select count(*) as n from daily')).toEqual([{ n: 2 }]);
    await expect(engine.query('select * from information_schema.tables')).rejects.toThrow(QueryError);
  });

  it("writes literal rows with the table's types, the same as a values query would", async () => {
    // Prepare
    const widened: TableDef = { ...DAILY, columns: [...DAILY.columns, col('fees', 'decimal(38,9)', '')] };
    await engine.close();
    engine = await DuckDbEngine.open(new FsStore(root), [widened, SNAPSHOT]);
    const columns = ['id', 'amount', 'fees', 'dt'];

    // Act
    await engine.writeRows(
      widened,
      {
        columns,
        rows: [
          ['a', 1.5, 0.1, { date: '2026-01-01' }],
          ['b', 2, null, { date: '2026-01-02' }],
        ],
      },
      { kind: 'replace-partitions', partitions: ['2026-01-01', '2026-01-02'] },
    );
    await engine.writeRows(
      widened,
      { columns, rows: [] },
      { kind: 'replace-partitions', partitions: ['2026-01-02'] },
    );

    // Assess
    expect(
      await engine.query('select id, amount, cast(fees as varchar) as fees, dt from daily order by id'),
    ).toEqual([{ id: 'a', amount: 1.5, fees: '0.100000000', dt: '2026-01-01' }]);
    await expect(
      engine.writeRows(
        widened,
        { columns, rows: [['c', 1, 1, { date: '2026-02-30' }]] },
        { kind: 'replace-table' },
      ),
    ).rejects.toThrow(QueryError);
    expect(await engine.query('select count(*) as n from daily')).toEqual([{ n: 1 }]);
  });

  it('leaves the table untouched when the query fails', async () => {
    await engine.write(SNAPSHOT, rows(['a', 1, '2026-01-01']), { kind: 'replace-table' });
    await expect(
      engine.write(SNAPSHOT, 'select id, amount, dt from snapshot where cast(id as integer) = 1', {
        kind: 'replace-table',
      }),
    ).rejects.toThrow(QueryError);
    expect(await engine.query('select id from snapshot')).toEqual([{ id: 'a' }]);
  });

  it('follows Trino semantics where DuckDB differs: integer division and 3-argument date_add', async () => {
    const [row] = await engine.query(
      "select 5 / 2 as quotient, date_add('day', 3, date '2026-02-27') as later, day_of_week(date '2026-11-22') as weekday",
    );
    expect(row).toEqual({ quotient: 2, later: '2026-03-02', weekday: 7 });
  });

  it("follows Trino's hash functions: to_hex(sha256(to_utf8(text))) is the uppercase hex of the UTF-8's digest", async () => {
    // printf '%s' 'win_back:u-37' | sha256sum  ->  0c115f64...; 0x0C115F64 = 202465124.
    // 'ü' is 2 bytes of UTF-8 (c3 bc): length 2 as varbinary.
    const [row] = await engine.query(
      `select substr(to_hex(sha256(to_utf8('win_back:u-37'))), 1, 8) as prefix,
         length(to_hex(sha256(to_utf8('win_back:u-37')))) as hex_digits,
         from_base('0C115F64', 16) as value, from_base('ffffffff', 16) as largest,
         octet_length(to_utf8('ü')) as bytes`,
    );
    expect(row).toEqual({
      prefix: '0C115F64',
      hex_digits: 64,
      value: 202465124,
      largest: 4294967295,
      bytes: 2,
    });
    // Only radix 16 is translated; any other fails loudly rather than answering wrong.
    await expect(engine.query("select from_base('101', 2) as x")).rejects.toThrow(/radix 16/);
  });

  it.each([
    'create table t (a integer)',
    "copy (select 1) to '/tmp/x.csv'",
    'drop view daily',
    'select 1; select 2',
  ])('refuses a statement that is not one read-only query: %s', async (sql) => {
    await expect(engine.queryReadOnly(sql)).rejects.toThrow(QueryError);
  });
});
