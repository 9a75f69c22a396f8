import { mkdtemp, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { col, type TableDef } from '../../lambdas/contract/table-def.ts';
import { TABLES } from '../../lambdas/contract/tables.ts';
import { FsStore } from '../../lambdas/storage/fs-store.ts';
import { DuckDbEngine } from '../../lambdas/warehouse/duckdb-engine.ts';
import { CorruptLakeFileError, duckDbError } from '../../lambdas/warehouse/duckdb-errors.ts';
import { QueryError } from '../../lambdas/warehouse/errors.ts';
import { valuesQuery } from '../../lambdas/warehouse/sql.ts';

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

const INPUT: TableDef = { ...DAILY, name: 'input', layer: 'curated', location: 'curated/input' };

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('duckDbError', () => {
  it('names the table, the file and the remedy of a derived table when DuckDB finds no footer', () => {
    // Prepare: DuckDB 1.5's message for a Parquet file cut short.
    const cause = new Error(
      "Invalid Input Error: No magic bytes found at end of file '/lake/marts/daily/dt=2026-11-18/part_0.parquet'\nLINE 1",
    );

    // Act
    const error = duckDbError(cause, '/lake', [DAILY, INPUT]);

    // Assess
    expect(error).toBeInstanceOf(CorruptLakeFileError);
    expect(error.cause).toBe(cause);
    expect(error.message).toBe(
      'table daily: the file marts/daily/dt=2026-11-18/part_0.parquet has no Parquet footer at its end: ' +
        'it is truncated or corrupt; restore it from a backup, or delete it and /lake/state/build_manifest/ ' +
        'and run the latest date again, which rebuilds the derived tables from the ingested data',
    );
    expect(error).toMatchObject({ table: 'daily', file: 'marts/daily/dt=2026-11-18/part_0.parquet' });
  });

  it('sends an ingested table to a backup, and leaves other failures as DuckDB said them', () => {
    // Act
    const input = duckDbError(
      new Error(
        "Invalid Input Error: File '/lake/curated/input/dt=2026-11-18/a_0.parquet' too small to be a Parquet file",
      ),
      '/lake',
      [DAILY, INPUT],
    );
    const outside = duckDbError(
      new Error("Invalid Input Error: File '/elsewhere/x.parquet' too small to be a Parquet file"),
      '/lake',
      [DAILY, INPUT],
    );
    const other = duckDbError(
      new Error('Binder Error: column "nope" not found\nLINE 1: select nope'),
      '/lake',
    );

    // Assess
    expect(input.message).toBe(
      'table input: the file curated/input/dt=2026-11-18/a_0.parquet is too small to be Parquet: it is ' +
        'truncated or corrupt; restore it from a backup; it holds ingested data that the lake cannot ' +
        'rebuild, so without a backup ingest the input files again into a new lake',
    );
    expect(outside).not.toBeInstanceOf(CorruptLakeFileError);
    expect(outside.message).toBe(
      "DuckDB: Invalid Input Error: File '/elsewhere/x.parquet' too small to be a Parquet file",
    );
    expect(other).toBeInstanceOf(QueryError);
    expect(other.message).toBe('DuckDB: Binder Error: column "nope" not found');
  });
});

/** A two-column table where the registry's spend_daily lives: the engine names tables from the registry. */
const SPEND_DAILY: TableDef = { ...DAILY, name: 'spend_daily', location: TABLES.spend_daily.location };

describe('DuckDbEngine over a truncated Parquet file', () => {
  it('fails to open with the one line that names the table and the file', async () => {
    // Prepare: two partitions written by the engine, the second then cut to 100 bytes.
    const root = await mkdtemp(join(tmpdir(), 'growthlake-corrupt-'));
    dirs.push(root);
    const store = new FsStore(root);
    const engine = await DuckDbEngine.open(store, [SPEND_DAILY]);
    await engine.write(
      SPEND_DAILY,
      valuesQuery(
        ['id', 'amount', 'dt'],
        [
          ['a', 1, { date: '2026-11-17' }],
          ['b', 2, { date: '2026-11-18' }],
        ],
      ),
      { kind: 'replace-partitions', partitions: ['2026-11-17', '2026-11-18'] },
    );
    await engine.close();
    const [file] = await store.list(`${SPEND_DAILY.location}/dt=2026-11-18`);
    await truncate(store.uriOf(file?.key as string), 100);

    // Act
    const opening = DuckDbEngine.open(store, [SPEND_DAILY]);

    // Assess
    await expect(opening).rejects.toThrow(CorruptLakeFileError);
    await expect(DuckDbEngine.open(store, [SPEND_DAILY])).rejects.toThrow(
      `table spend_daily: the file ${file?.key} has no Parquet footer at its end: it is truncated or corrupt; ` +
        `restore it from a backup, or delete it and ${join(root, 'state', 'build_manifest')}/ and run the latest date again`,
    );
  });
});
