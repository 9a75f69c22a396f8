/** Test helpers for ingestion: throwaway lakes in temp directories and table read-back. */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, expect } from 'vitest';
import type { InputKind } from '../../lambdas/contract/inputs.ts';
import type { TableDef } from '../../lambdas/contract/tables.ts';
import { type IngestContext, type IngestResult, ingestFile } from '../../lambdas/ingest/ingest.ts';
import { LAKE_LOCK_FILE } from '../../lambdas/pipeline/lake-lock.ts';
import { type LocalLake, openLocalLake } from '../../lambdas/pipeline/local-lake.ts';
import type { ObjectStore } from '../../lambdas/storage/object-store.ts';
import type { DuckDbEngineOptions } from '../../lambdas/warehouse/duckdb-engine.ts';
import type { Engine, Row } from '../../lambdas/warehouse/engine.ts';

/** The fixed ingest clock, so `ingested_at` is the same in every lake of a test. */
export const INGESTED_AT = new Date('2026-11-22T06:00:00.000Z');

/** The folder of the hand-written input files of these tests. */
export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/ingest/', import.meta.url));

/** The tables an ingest may change: the curated inputs and the three quality tables. */
export const INGEST_TABLES = [
  'events',
  'spend',
  'partners',
  'fx',
  'campaigns',
  'exposures',
  'ingest_log',
  'quarantine',
  'ingest_partitions',
] as const;

/** A lake in its own temp directory, with a scratch folder next to it for input files. */
export interface TestLake {
  readonly root: string;
  readonly lakeDir: string;
  readonly lake: LocalLake;
  readonly context: IngestContext;
  /** Writes `lines` joined by `\n` (with a trailing newline) to a file in the scratch folder. */
  writeLines(name: string, lines: readonly string[]): Promise<string>;
  /** Runs a query on the lake's engine. */
  rows(sql: string): Promise<Row[]>;
  close(): Promise<void>;
}

/**
 * Opens the lake under `root` (a fresh `fs.mkdtemp` directory when not given); closing it removes
 * `root` with everything in it.
 */
export async function openTestLake(root?: string): Promise<TestLake> {
  const base = root ?? (await mkdtemp(join(tmpdir(), 'growthlake-ingest-')));
  const lakeDir = join(base, 'lake');
  const lake = await openLocalLake(lakeDir, { threads: 1, memoryLimit: '256MB' });
  const context: IngestContext = {
    store: lake.store,
    engine: lake.engine,
    pseudonymizationKey: lake.pseudonymizationKey,
    now: () => INGESTED_AT,
  };
  return {
    root: base,
    lakeDir,
    lake,
    context,
    async writeLines(name, lines) {
      const path = join(base, name);
      await writeFile(path, `${lines.join('\n')}\n`);
      return path;
    },
    rows: (sql) => lake.engine.query(sql),
    async close() {
      await lake.close();
      await rm(base, { recursive: true, force: true });
    },
  };
}

/**
 * Registers an `afterEach` that closes every lake the returned opener opened during the test, so a
 * test file's lakes never outlive their test. Call it once, at the top of the file.
 */
export function testLakes(): (root?: string) => Promise<TestLake> {
  const opened: TestLake[] = [];
  afterEach(async () => {
    for (const lake of opened.splice(0)) await lake.close();
  });
  return async (root) => {
    const lake = await openTestLake(root);
    opened.push(lake);
    return lake;
  };
}

/** A result's counts as `[read, accepted, duplicate, quarantined]`, the order `ingest_log` has them in. */
export const ingestCounts = (r: IngestResult): number[] => [
  r.rowsRead,
  r.rowsAccepted,
  r.rowsDuplicate,
  r.rowsQuarantined,
];

/**
 * Runs an ingest that must fail and returns its error. The ingest writes through a watched store:
 * a file refused before the store has begun reading its staging streams also raises an uncaught
 * exception (see 'raises no uncaught exception ...' in partners-fx.test.ts); here that is only
 * recorded, so that tests of refused files hold whatever the timing.
 */
export async function ingestFailure(context: IngestContext, kind: InputKind, file: string): Promise<Error> {
  const watched = watchStore(context.store);
  const outcome = await ingestFile({ ...context, store: watched.store }, kind, file).then(
    () => undefined,
    (error: unknown) => error,
  );
  await Promise.all(watched.uploads);
  if (!(outcome instanceof Error)) throw new Error('expected the ingest to fail');
  return outcome;
}

/**
 * Opens a copy of `lake` (its files, without the engine's scratch space or a writer's lock) in
 * `dir`: a test that changes a lake its file shares changes its own copy, so that no test depends
 * on what another did.
 */
export async function openLakeCopy(
  lake: LocalLake,
  dir: string,
  options: DuckDbEngineOptions = {},
): Promise<LocalLake> {
  const root = lake.store.root;
  const copied = (source: string) =>
    !['_tmp', LAKE_LOCK_FILE].includes(relative(root, source).split(sep)[0] ?? '');
  await cp(root, dir, { recursive: true, filter: copied });
  return openLocalLake(dir, options);
}

/** Every row of every table an ingest may change, in a stable order. */
export async function snapshotTables(engine: Engine): Promise<Record<string, Row[]>> {
  const snapshot: Record<string, Row[]> = {};
  for (const name of INGEST_TABLES) snapshot[name] = await engine.query(`select * from ${name} order by all`);
  return snapshot;
}

/** Keys and sizes of every file of the lake, leaving out the engine's scratch space. */
export async function lakeFiles(lake: LocalLake): Promise<string[]> {
  const files = await lake.store.list('');
  return files.filter((file) => !file.key.startsWith('_tmp/')).map((file) => `${file.key} ${file.size}`);
}

/** Asserts a USD amount to 1e-9. */
export function expectUsd(actual: unknown, expected: number): void {
  expect(typeof actual).toBe('number');
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(1e-9);
}

/** An engine that behaves like `engine` except for the methods `overrides` gives. */
export function overrideEngine(
  engine: Engine,
  overrides: Partial<Pick<Engine, 'query' | 'write' | 'writeRows' | 'refresh'>>,
): Engine {
  return new Proxy(engine, {
    get(target, property) {
      if (Object.hasOwn(overrides, property)) return overrides[property as keyof typeof overrides];
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * An engine that behaves like `engine` except that its first write to `table` throws, the way a
 * process killed in the middle of an ingest leaves the lake.
 */
export function failFirstWriteTo(engine: Engine, table: TableDef): Engine {
  let failed = false;
  const crashFirst = (target: TableDef) => {
    if (!failed && target.name === table.name) {
      failed = true;
      throw new Error(`simulated crash before writing ${table.name}`);
    }
  };
  return overrideEngine(engine, {
    async write(target, sql, mode) {
      crashFirst(target);
      await engine.write(target, sql, mode);
    },
    async writeRows(target, rows, mode) {
      crashFirst(target);
      await engine.writeRows(target, rows, mode);
    },
  });
}

/** A store wrapped by {@link watchStore}. */
export interface WatchedStore {
  readonly store: ObjectStore;
  /** Messages of 'error' events a body emitted while nothing listened: each one an uncaught exception. */
  readonly unlistenedErrors: string[];
  /** Every upload handed to the inner store, to wait for before the lake is closed. */
  readonly uploads: Promise<void>[];
}

/**
 * Wraps a store so that an 'error' event a streamed body emits with no listener is recorded instead
 * of crashing the process, and (with `opened`) uploads start only once `opened` resolves: a store
 * that takes a while to begin reading, as S3 or a busy disk may.
 */
export function watchStore(inner: ObjectStore, opened: Promise<void> = Promise.resolve()): WatchedStore {
  const unlistenedErrors: string[] = [];
  const uploads: Promise<void>[] = [];
  const putStream = (key: string, body: Readable): Promise<void> => {
    const emit = body.emit.bind(body);
    body.emit = ((name: string | symbol, ...args: unknown[]) => {
      if (name === 'error' && body.listenerCount('error') === 0) {
        unlistenedErrors.push((args[0] as Error).message);
        return false;
      }
      return emit(name, ...args);
    }) as typeof body.emit;
    const upload = opened.then(() => inner.putStream(key, body));
    uploads.push(upload.catch(() => undefined));
    return upload;
  };
  const store = new Proxy(inner, {
    get(target, property) {
      if (property === 'putStream') return putStream;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store, unlistenedErrors, uploads };
}
