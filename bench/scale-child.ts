/**
 * A child process of the scale benchmark, one job each, so that its peak RSS is that job's alone:
 *
 * - `generate DIR USERS DAYS END SEED`: the generator's data set;
 * - `ingest LAKE KIND:FILE...`: the files in order, with the CLI's ingest engine settings;
 * - `backfill LAKE FROM TO`: the daily runs of those dates, as `growthlake backfill` runs them;
 * - `run LAKE DATE`: the daily run of DATE, each step timed and each statement profiled;
 * - `floor LAKE DATE`: DuckDB reading DATE's `user_state` partition once and writing it once,
 *   with the engine's settings and file format: the least any fold of the user base must do.
 *
 * Each prints one JSON line last: what it did, its wall time and its peak RSS.
 */

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { InputKind } from '../lambdas/contract/inputs.ts';
import { DEFAULT_RUN_CONFIG } from '../lambdas/contract/run-config.ts';
import { generate } from '../lambdas/generate/generate.ts';
import { ingestFile } from '../lambdas/ingest/ingest.ts';
import { INGEST_ENGINE_OPTIONS, openLocalLake } from '../lambdas/pipeline/local-lake.ts';
import { backfill } from '../lambdas/pipeline/run.ts';
import { audiencesStep, publishStep, recommendStep, transformStep } from '../lambdas/pipeline/steps.ts';
import type { FsStore } from '../lambdas/storage/fs-store.ts';
import { ProfilingEngine } from './query-profile.ts';

const [mode, ...args] = process.argv.slice(2) as [string, ...string[]];
const started = performance.now();
/**
 * The largest JavaScript heap seen (sampled every 50 ms): what the process holds in JavaScript, as
 * opposed to DuckDB's native memory, which peak RSS also counts.
 */
let peakHeapBytes = 0;
/** The same since the last reset: the daily run resets it at each step. */
let stepPeakHeapBytes = 0;
const sampleHeap = () => {
  const { heapUsed, external } = process.memoryUsage();
  peakHeapBytes = Math.max(peakHeapBytes, heapUsed + external);
  stepPeakHeapBytes = Math.max(stepPeakHeapBytes, heapUsed + external);
};
const sampler = setInterval(sampleHeap, 50);
sampler.unref();

/** The process's bytes read so far (`rchar`), the local stand-in for Athena's bytes scanned. */
async function bytesRead(): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  return Number(/rchar:\s*(\d+)/.exec(await readFile('/proc/self/io', 'utf8'))?.[1] ?? 0);
}

async function generateMode(): Promise<Record<string, unknown>> {
  const [outDir, users, days, endDate, seed] = args as [string, string, string, string, string];
  const summary = await generate({
    outDir,
    users: Number(users),
    days: Number(days),
    endDate,
    partners: 20,
    seed: Number(seed),
  });
  return {
    startDate: summary.startDate,
    endDate: summary.endDate,
    users: summary.users,
    events: summary.events,
    eventRows: summary.eventRows,
    files: summary.files,
  };
}

async function ingestMode(): Promise<Record<string, unknown>> {
  const [lakeDir, ...files] = args as [string, ...string[]];
  const lake = await openLocalLake(lakeDir, { ...INGEST_ENGINE_OPTIONS, writer: 'bench scale ingest' });
  let rowsRead = 0;
  let rowsAccepted = 0;
  try {
    for (const spec of files) {
      const colon = spec.indexOf(':');
      const result = await ingestFile(lake, spec.slice(0, colon) as InputKind, spec.slice(colon + 1));
      rowsRead += result.rowsRead;
      rowsAccepted += result.rowsAccepted;
    }
  } finally {
    await lake.close();
  }
  return { files: files.length, rowsRead, rowsAccepted };
}

async function backfillMode(): Promise<Record<string, unknown>> {
  const [lakeDir, from, to] = args as [string, string, string];
  const lake = await openLocalLake(lakeDir, { writer: 'bench scale backfill' });
  try {
    const before = lake.engine.stats().bytesRead;
    const reports = await backfill({ ...lake, config: DEFAULT_RUN_CONFIG }, from, to);
    return { days: reports.length, bytesRead: lake.engine.stats().bytesRead - before };
  } finally {
    await lake.close();
  }
}

/**
 * Counts the bytes placed in the lake through `store` (files moved in, objects put), so that the
 * profile can tell the bytes a statement wrote as output from those it spilled.
 */
function countOutput(store: FsStore): () => number {
  let placed = 0;
  const sizeOf = async (key: string) => {
    placed += (await stat(store.uriOf(key))).size;
  };
  const { moveFile, put, putStream } = store;
  store.moveFile = async (fromKey, toKey) => {
    await moveFile.call(store, fromKey, toKey);
    await sizeOf(toKey);
  };
  store.put = async (key, body) => {
    await put.call(store, key, body);
    await sizeOf(key);
  };
  store.putStream = async (key, body) => {
    await putStream.call(store, key, body);
    await sizeOf(key);
  };
  return () => placed;
}

/** The daily run as `runDaily` runs it (lambdas/pipeline/run.ts), with each step timed. */
async function runMode(): Promise<Record<string, unknown>> {
  const [lakeDir, date] = args as [string, string];
  const lake = await openLocalLake(lakeDir, { writer: 'bench scale run' });
  try {
    const engine = new ProfilingEngine(lake.engine, countOutput(lake.store));
    const context = { ...lake, engine, config: DEFAULT_RUN_CONFIG };
    const steps: Record<string, number> = {};
    /** The most the JavaScript heap held during each step (garbage not yet collected included), MB. */
    const stepHeapMb: Record<string, number> = {};
    const before = lake.engine.stats().bytesRead;
    const runStarted = performance.now();
    const timed = async (name: string, step: () => Promise<unknown>) => {
      const stepStarted = performance.now();
      stepPeakHeapBytes = 0;
      await step();
      sampleHeap();
      steps[name] = performance.now() - stepStarted;
      stepHeapMb[name] = stepPeakHeapBytes / 2 ** 20;
    };
    await timed('transform', () => transformStep(context, date));
    await timed('recommend', () => recommendStep(context, date));
    await timed('audiences', () => audiencesStep(context, date));
    await timed('publish', () => publishStep(context, date));
    const runMs = performance.now() - runStarted;
    const bytes = lake.engine.stats().bytesRead - before;
    const [counts] = await lake.engine.query(
      `select (select count(*) from events where dt = date '${date}') as events_on_date, ` +
        `(select count(*) from user_state where dt = date '${date}') as users`,
    );
    return {
      runMs,
      bytesRead: bytes,
      steps,
      stepHeapMb,
      statements: engine.costs,
      eventsOnDate: Number(counts?.events_on_date),
      users: Number(counts?.users),
    };
  } finally {
    await lake.close();
  }
}

/** Reads DATE's user_state partition whole and writes it whole, as the engine writes a table. */
async function floorMode(): Promise<Record<string, unknown>> {
  const [lakeDir, date] = args as [string, string];
  const partition = join(lakeDir, 'state', 'user_state', `dt=${date}`);
  const files = (await readdir(partition)).filter((name) => name.endsWith('.parquet'));
  const scratch = join(lakeDir, '_tmp', 'bench-floor');
  const { mkdir, rm } = await import('node:fs/promises');
  await mkdir(scratch, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:', {
    memory_limit: '1GB',
    threads: '2',
    temp_directory: scratch,
    preserve_insertion_order: 'false',
  });
  const connection = await instance.connect();
  const target = join(scratch, 'user_state.parquet');
  const list = files.map((name) => `'${join(partition, name)}'`).join(', ');
  const before = await bytesRead();
  const copyStarted = performance.now();
  await connection.run(
    `copy (select * from read_parquet([${list}])) to '${target}' (format parquet, compression zstd)`,
  );
  const floorMs = performance.now() - copyStarted;
  const bytes = (await bytesRead()) - before;
  const written = (await stat(target)).size;
  const layout = await partitionLayouts(connection, lakeDir, date);
  connection.closeSync();
  instance.closeSync();
  await rm(scratch, { recursive: true, force: true });
  return { floorMs, bytesRead: bytes, bytesWritten: written, layout };
}

/** A table's partition of one date as stored: its files, bytes, rows and row groups. */
interface PartitionLayout {
  readonly table: string;
  readonly files: number;
  readonly bytes: number;
  readonly rows: number;
  readonly rowGroups: number;
  /** The four columns that take the most compressed bytes, with those bytes. */
  readonly largestColumns: readonly { readonly name: string; readonly bytes: number }[];
}

/** The layout of DATE's partition of every curated and state table that has one. */
async function partitionLayouts(
  connection: Awaited<ReturnType<DuckDBInstance['connect']>>,
  lakeDir: string,
  date: string,
): Promise<PartitionLayout[]> {
  const layouts: PartitionLayout[] = [];
  for (const layer of ['curated', 'state']) {
    for (const table of await readdir(join(lakeDir, layer)).catch(() => [] as string[])) {
      const partition = join(lakeDir, layer, table, `dt=${date}`);
      const names = (await readdir(partition).catch(() => [] as string[])).filter((n) =>
        n.endsWith('.parquet'),
      );
      if (names.length === 0) continue;
      const paths = names.map((name) => join(partition, name));
      const sizes = await Promise.all(paths.map(async (path) => (await stat(path)).size));
      const reader = await connection.runAndReadAll(
        `select count(*) as row_groups, coalesce(sum(num_rows), 0) as rows from (select distinct file_name, row_group_id, row_group_num_rows as num_rows from parquet_metadata([${paths.map((path) => `'${path}'`).join(', ')}]))`,
      );
      const [row] = reader.getRowObjectsJS();
      const columns = await connection.runAndReadAll(
        `select path_in_schema as name, sum(total_compressed_size) as bytes from parquet_metadata([${paths.map((path) => `'${path}'`).join(', ')}]) group by 1 order by 2 desc limit 4`,
      );
      layouts.push({
        table,
        files: names.length,
        bytes: sizes.reduce((sum, size) => sum + size, 0),
        rows: Number(row?.rows ?? 0),
        rowGroups: Number(row?.row_groups ?? 0),
        largestColumns: columns
          .getRowObjectsJS()
          .map((c) => ({ name: String(c.name), bytes: Number(c.bytes) })),
      });
    }
  }
  return layouts;
}

const MODES: Record<string, () => Promise<Record<string, unknown>>> = {
  generate: generateMode,
  ingest: ingestMode,
  backfill: backfillMode,
  run: runMode,
  floor: floorMode,
};
const work = MODES[mode];
if (work === undefined) throw new Error(`scale-child: unknown mode ${mode}`);
const result = await work();
process.stdout.write(
  `${JSON.stringify({ ...result, elapsedMs: performance.now() - started, peakRssKb: process.resourceUsage().maxRSS, peakHeapMb: peakHeapBytes / 2 ** 20 })}\n`,
);
