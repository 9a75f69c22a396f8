/**
 * What a new reader of the lake would see, partition by partition, and which of those states a
 * reader may see at all: the ones a clean run of the same job leaves between its writes.
 */
import { stat } from 'node:fs/promises';
import { ListObjectsV2Command, type ListObjectsV2CommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import type { TableDef } from '../../lambdas/contract/table-def.ts';
import { TABLES } from '../../lambdas/contract/tables.ts';
import type { FsStore } from '../../lambdas/storage/fs-store.ts';
import type { S3Store } from '../../lambdas/storage/s3-store.ts';
import { visibleFiles } from './visible-files.ts';

/** A partition's state as a reader sees it, by table name, then partition value (`''` unpartitioned). */
export type LakeView = Map<string, Map<string, string>>;

/** A partition no reader finds. */
export const ABSENT = 'absent';

/** Reads the lake as a query started now would. */
export interface LakeReader {
  /** The states of every table, or of the named ones. */
  read(tables?: ReadonlySet<string>): Promise<LakeView>;
  /** The tables it reads. */
  readonly tables: readonly TableDef[];
  close(): Promise<void>;
}

/** The tables a reader queries: every registry table but the ingest's staging (CSV, never read by a report). */
export const READ_TABLES: readonly TableDef[] = Object.values(TABLES).filter(
  (table) => table.layer !== 'staging' && table.format === 'parquet',
);

/**
 * A reader of a local lake: each file's rows are read once (cached by path, inode, size and
 * modification time, which a rename keeps and a rewrite changes), and a partition's state is its
 * row count and the sum of its rows' 64-bit hashes: the same rows give the same state whatever the
 * files and their order, so a state tells old rows, new rows, a mix and a gap apart.
 */
export class LocalLakeReader implements LakeReader {
  readonly #store: FsStore;
  readonly #tables: readonly TableDef[];
  public get tables(): readonly TableDef[] {
    return this.#tables;
  }
  readonly #cache = new Map<string, { rows: bigint; hash: bigint }>();
  #duckdb: Promise<{ instance: DuckDBInstance; run: (sql: string) => Promise<unknown[][]> }> | undefined;

  /** `store` must be the lake's own store, not a counted one: reading is no call of the job. */
  public constructor(store: FsStore, tables: readonly TableDef[] = READ_TABLES) {
    this.#store = store;
    this.#tables = tables;
  }

  async #connection() {
    this.#duckdb ??= (async () => {
      const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
      const connection = await instance.connect();
      return {
        instance,
        run: async (sql: string) => (await connection.runAndReadAll(sql)).getRowsJson() as unknown[][],
      };
    })();
    return this.#duckdb;
  }

  async #fileState(key: string, isView: boolean): Promise<{ rows: bigint; hash: bigint }> {
    const path = this.#store.uriOf(key);
    const info = await stat(path, { bigint: true });
    const identity = `${path}\n${info.ino}\n${info.size}\n${info.mtimeNs}`;
    const known = this.#cache.get(identity);
    if (known !== undefined) return known;
    let state: { rows: bigint; hash: bigint };
    const { run } = await this.#connection();
    if (isView) {
      const [[hash]] = (await run(
        `select hash(content)::varchar from read_text('${path.replaceAll("'", "''")}')`,
      )) as [[string]];
      state = { rows: 0n, hash: BigInt(hash) };
    } else {
      const [[rows, hash]] = (await run(
        `select count(*)::varchar, coalesce(sum(hash(t)), 0)::varchar from read_parquet('${path.replaceAll("'", "''")}') as t`,
      )) as [[string, string]];
      state = { rows: BigInt(rows), hash: BigInt(hash) };
    }
    this.#cache.set(identity, state);
    return state;
  }

  public async read(tables?: ReadonlySet<string>): Promise<LakeView> {
    const view: LakeView = new Map();
    for (const table of this.#tables.filter((t) => tables === undefined || tables.has(t.name))) {
      const partitions = new Map<string, string>();
      for (const [partition, keys] of await visibleFiles(this.#store, table)) {
        let rows = 0n;
        let hash = 0n;
        for (const key of keys) {
          let file: { rows: bigint; hash: bigint };
          try {
            file = await this.#fileState(key, table.isView === true);
          } catch (error) {
            // Listed, then moved or removed before it was read: a reader's query would fail too.
            file = { rows: -1n, hash: BigInt(String(error).length) };
          }
          rows += file.rows;
          hash = (hash + file.hash) % 2n ** 64n;
        }
        partitions.set(partition, `${rows} rows #${hash.toString(16)}`);
      }
      view.set(table.name, partitions);
    }
    return view;
  }

  public async close(): Promise<void> {
    if (this.#duckdb !== undefined) (await this.#duckdb).instance.closeSync();
  }
}

/**
 * A reader of a lake in S3: a partition's state is the sorted ETags (MD5s of the contents) of its
 * files, from one listing of the bucket; no object is downloaded for its rows.
 */
export class S3LakeReader implements LakeReader {
  readonly #store: S3Store;
  readonly #client: S3Client;
  readonly #tables: readonly TableDef[];
  public get tables(): readonly TableDef[] {
    return this.#tables;
  }

  /** `client` and `store` must be uncounted: reading is no call of the job. */
  public constructor(client: S3Client, store: S3Store, tables: readonly TableDef[] = READ_TABLES) {
    this.#client = client;
    this.#store = store;
    this.#tables = tables;
  }

  async #etags(): Promise<Map<string, string>> {
    const etags = new Map<string, string>();
    let token: string | undefined;
    do {
      const page: ListObjectsV2CommandOutput = await this.#client.send(
        new ListObjectsV2Command({ Bucket: this.#store.bucket, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) etags.set(object.Key as string, String(object.ETag));
      token = page.NextContinuationToken;
    } while (token !== undefined);
    return etags;
  }

  public async read(tables?: ReadonlySet<string>): Promise<LakeView> {
    const etags = await this.#etags();
    const view: LakeView = new Map();
    for (const table of this.#tables.filter((t) => tables === undefined || tables.has(t.name))) {
      const partitions = new Map<string, string>();
      for (const [partition, keys] of await visibleFiles(this.#store, table)) {
        const files = keys.map((key) => etags.get(key) ?? 'gone').sort();
        partitions.set(partition, `${files.length} files ${files.join(',')}`);
      }
      view.set(table.name, partitions);
    }
    return view;
  }

  public async close(): Promise<void> {}
}

/** The states a reader may see: per table and partition, every state of the given views (ABSENT where one lacks it). */
export type AllowedStates = Map<string, Map<string, Set<string>>>;

/** The states of `views`: per table and partition, each view's state, ABSENT where a view lacks the partition. */
export function allowedStates(views: readonly LakeView[]): AllowedStates {
  const allowed: AllowedStates = new Map();
  const tables = new Set(views.flatMap((view) => [...view.keys()]));
  for (const table of tables) {
    const partitions = new Set(views.flatMap((view) => [...(view.get(table)?.keys() ?? [])]));
    const states = new Map<string, Set<string>>();
    for (const partition of partitions) {
      states.set(partition, new Set(views.map((view) => view.get(table)?.get(partition) ?? ABSENT)));
    }
    allowed.set(table, states);
  }
  return allowed;
}

/** What `view` shows that no clean run shows: one line per partition. */
export function violations(view: LakeView, allowed: AllowedStates): string[] {
  const found: string[] = [];
  for (const [table, seen] of view) {
    const states = allowed.get(table) ?? new Map<string, Set<string>>();
    for (const partition of new Set([...states.keys(), ...seen.keys()])) {
      const state = seen.get(partition) ?? ABSENT;
      const permitted = states.get(partition) ?? new Set([ABSENT]);
      if (!permitted.has(state)) {
        found.push(
          `${table}${partition === '' ? '' : `/${partition}`}: ${state}, never seen in a clean run (${[...permitted].join(' | ')})`,
        );
      }
    }
  }
  return found;
}

/** The lines where two views differ, for an assertion that they are equal. */
export function differences(actual: LakeView, expected: LakeView): string[] {
  const found: string[] = [];
  for (const table of new Set([...actual.keys(), ...expected.keys()])) {
    const a = actual.get(table) ?? new Map<string, string>();
    const e = expected.get(table) ?? new Map<string, string>();
    for (const partition of new Set([...a.keys(), ...e.keys()])) {
      const got = a.get(partition) ?? ABSENT;
      const want = e.get(partition) ?? ABSENT;
      if (got !== want)
        found.push(`${table}${partition === '' ? '' : `/${partition}`}: ${got}, clean run ${want}`);
    }
  }
  return found;
}
