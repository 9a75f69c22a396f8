/**
 * A truncated Parquet file in the lake (docs/contract.md, Command line): `growthlake run` stops
 * with one line naming the table, the file and the remedy, writes nothing, and runs again once
 * the file is restored, or once a derived table's file is deleted with the build manifest.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../../lambdas/contract/tables.ts';
import { growthlake } from '../cli/growthlake-cli.ts';
import { generatedLake } from './generated-lake.ts';

/** Every file of the lake but its scratch, with a hash of its bytes: what "writes nothing" compares. */
async function lakeFiles(lake: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(lake, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = relative(lake, join(entry.parentPath, entry.name));
    if (path.startsWith('_tmp')) continue;
    files[path] = createHash('sha256')
      .update(await readFile(join(lake, path)))
      .digest('hex');
  }
  return files;
}

/** The first Parquet file of a table's partition, lake-relative. */
async function partitionFile(lake: string, location: string, partition: string): Promise<string> {
  const names = (await readdir(join(lake, location, partition))).filter((name) => name.endsWith('.parquet'));
  return `${location}/${partition}/${names.sort()[0]}`;
}

async function rowsOf(lake: string, sql: string): Promise<unknown> {
  const result = await growthlake('query', sql, '--lake', lake, '--format', 'json');
  if (result.code !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout);
}

describe('growthlake run over a lake with a truncated Parquet file', () => {
  let lake: string;
  const R = '2026-11-21';
  const USER_DAILY_SQL = 'select dt, count(*) as users from user_daily group by dt order by dt';

  beforeAll(async () => {
    // Six days of a small business, run once for the day before R.
    const opened = await generatedLake({ endDate: R, days: 6, users: 40, partners: 3, seed: 1 });
    lake = opened.store.root;
    await opened.close();
    const first = await growthlake('run', '--date', '2026-11-20', '--lake', lake);
    if (first.code !== 0) throw new Error(first.stderr);
  });

  afterAll(async () => {
    if (lake !== undefined) await rm(dirname(lake), { recursive: true, force: true });
  });

  it('fails on an ingested table with the file named, writes nothing, and runs once the file is restored', async () => {
    // Prepare: cut one day's events file to 100 bytes (its footer is at the end).
    const file = await partitionFile(lake, TABLES.events.location, 'dt=2026-11-19');
    const original = await readFile(join(lake, file));
    const userDaily = await rowsOf(lake, USER_DAILY_SQL);
    await truncate(join(lake, file), 100);
    const before = await lakeFiles(lake);

    // Act
    const failed = await growthlake('run', '--date', R, '--lake', lake);

    // Assess: one line; the lake byte for byte as before; the other tables still read.
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe(
      `growthlake: table events: the file ${file} has no Parquet footer at its end: it is truncated or ` +
        'corrupt; restore it from a backup; it holds ingested data that the lake cannot rebuild, so ' +
        'without a backup ingest the input files again into a new lake\n',
    );
    expect(await lakeFiles(lake)).toEqual(before);
    expect(await rowsOf(lake, USER_DAILY_SQL)).toEqual(userDaily);

    // Act: restore the file and run again.
    await writeFile(join(lake, file), original);
    const rerun = await growthlake('run', '--date', R, '--lake', lake);

    // Assess
    expect(rerun.stderr).toBe('');
    expect(rerun.code).toBe(0);
    expect(await rowsOf(lake, 'select max(dt) as last_day from user_daily')).toEqual([{ last_day: R }]);
  });

  it('fails on a derived table with the remedy, which rebuilds the lost rows when followed', async () => {
    // Prepare: cut one day of user_daily to nothing.
    const file = await partitionFile(lake, TABLES.user_daily.location, 'dt=2026-11-18');
    const userDaily = await rowsOf(lake, USER_DAILY_SQL);
    await truncate(join(lake, file), 0);
    const before = await lakeFiles(lake);

    // Act
    const failed = await growthlake('run', '--date', R, '--lake', lake);

    // Assess
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe(
      `growthlake: table user_daily: the file ${file} is too small to be Parquet: it is truncated or ` +
        `corrupt; restore it from a backup, or delete ${join(lake, 'state', 'user_daily')}/ and ${join(lake, 'state', 'build_manifest')}/ ` +
        'and run the latest date again, which rebuilds the derived tables from the ingested data\n',
    );
    expect(await lakeFiles(lake)).toEqual(before);

    // Act: do as the line says.
    await rm(join(lake, TABLES.user_daily.location), { recursive: true });
    await rm(join(lake, TABLES.build_manifest.location), { recursive: true });
    const rerun = await growthlake('run', '--date', R, '--lake', lake);

    // Assess: the rebuilt table has every day it had, 2026-11-18 included, with the same users.
    expect(rerun.stderr).toBe('');
    expect(rerun.code).toBe(0);
    expect(await rowsOf(lake, USER_DAILY_SQL)).toEqual(userDaily);
  });
});
