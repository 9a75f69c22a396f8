/**
 * Which files of a table a reader sees, and how a write changes that at once.
 *
 * A table that is replaced (by partition or whole) keeps its data files under its location as
 * before (`<location>/<partition>=<value>/<name>.parquet`), but readers read only the files named
 * in the partition's manifest, `<location>/_symlink/<partition>=<value>/manifest` (an unpartitioned
 * table's is `<location>/_symlink/manifest`): one line per file, its full URI. A write puts its
 * files under names no reader's manifest holds, then replaces each partition's manifest with one
 * PUT (S3) or rename (a local disk), so a reader finds the old files or the new ones, never
 * neither and never both. This is the layout of Delta Lake's manifests for Presto and Athena: the
 * Glue table is a `SymlinkTextInputFormat` table over `<location>/_symlink/` with the same partition
 * projection as before, and the local engine reads the same manifests. Files a manifest no longer
 * names stay {@link SUPERSEDED_GRACE_MS} for the queries planned before, then go.
 *
 * Tables written only by appends ({@link TableDef.appendOnly}) have no manifests: each append adds
 * whole files, named after what they hold, and readers list them.
 */
import { hasManifests, MANIFEST_NAME, MANIFEST_ROOT, manifestRoot } from '../contract/lake-layout.ts';
import type { TableDef } from '../contract/table-def.ts';
import type { ObjectStore, StoredObject } from '../storage/object-store.ts';
import type { WriteMode } from './engine.ts';
import { QueryError } from './errors.ts';

/**
 * How long a data file no manifest names any more stays: a query planned before the manifest
 * changed may still read it. Athena's longest query runs for 30 minutes unless a workgroup raises
 * it; six hours covers any setting short of a day and the lake's storage grows by a fraction of a
 * day's writes.
 */
export const SUPERSEDED_GRACE_MS = 6 * 60 * 60 * 1000;

/** Manifests written or removed at once. */
const MANIFEST_CONCURRENCY = 8;

/** The files readers see, by partition value (`''` for an unpartitioned table), each list sorted. */
export type TableFiles = ReadonlyMap<string, readonly string[]>;

/** The manifest of one partition, or of an unpartitioned table when `value` is `''`. */
export function manifestKey(table: TableDef, value: string): string {
  const partition = table.partition?.name;
  if (partition === undefined) return `${manifestRoot(table)}/${MANIFEST_NAME}`;
  return `${manifestRoot(table)}/${partition}=${value}/${MANIFEST_NAME}`;
}

/** The folder of one partition's data files (the table's location when unpartitioned). */
export function dataFolder(table: TableDef, value: string): string {
  const partition = table.partition?.name;
  return partition === undefined ? table.location : `${table.location}/${partition}=${value}`;
}

/** The partition value of a data file's key (`''` for an unpartitioned table), if it is a data file. */
export function partitionOfDataKey(table: TableDef, key: string): string | undefined {
  if (!key.startsWith(`${table.location}/`)) return undefined;
  const rest = key.slice(table.location.length + 1);
  if (rest.startsWith(`${MANIFEST_ROOT}/`) || !rest.endsWith(`.${table.format}`)) return undefined;
  const partition = table.partition?.name;
  if (partition === undefined) return rest.includes('/') ? undefined : '';
  const match = new RegExp(`^${partition}=([^/]+)/[^/]+$`).exec(rest);
  return match?.[1];
}

/** The manifest's text: the files' URIs, one a line, as Athena's SymlinkTextInputFormat reads them. */
export function manifestText(store: Pick<ObjectStore, 'uriOf'>, keys: readonly string[]): string {
  return keys.map((key) => `${store.uriOf(key)}\n`).join('');
}

/**
 * The data keys a manifest names. Each line is a URI ending in the file's key, which starts with
 * the table's location: the key is taken from there, so a lake copied elsewhere (another bucket,
 * another directory) still reads.
 */
export function manifestKeys(table: TableDef, manifest: string, text: string): string[] {
  const keys: string[] = [];
  for (const line of text.split('\n')) {
    const uri = line.trim();
    if (uri === '') continue;
    const at = uri.lastIndexOf(`${table.location}/`);
    const key = at < 0 ? undefined : uri.slice(at);
    if (key === undefined || partitionOfDataKey(table, key) === undefined) {
      throw new QueryError(
        `the manifest ${manifest} of ${table.name} names ${JSON.stringify(uri.slice(0, 200))}, which is not a data file of the table; ` +
          'restore the manifest from a backup, or rebuild the table',
      );
    }
    keys.push(key);
  }
  return keys.sort();
}

/** The partition value a manifest's key stands for, if it is one. */
function partitionOfManifest(table: TableDef, key: string): string | undefined {
  const partition = table.partition?.name;
  const root = manifestRoot(table);
  if (partition === undefined) return key === `${root}/${MANIFEST_NAME}` ? '' : undefined;
  const match = new RegExp(`^${partition}=([^/]+)/${MANIFEST_NAME}$`).exec(key.slice(root.length + 1));
  return match?.[1];
}

function sortedGroups(groups: Map<string, string[]>): TableFiles {
  return new Map(
    [...groups].sort(([a], [b]) => (a < b ? -1 : 1)).map(([value, keys]) => [value, keys.sort()]),
  );
}

/** The data files a table without manifests holds: every file of its format in its folders. */
function listedFiles(table: TableDef, objects: readonly StoredObject[]): TableFiles {
  const groups = new Map<string, string[]>();
  for (const { key } of objects) {
    const value = partitionOfDataKey(table, key);
    if (value !== undefined) groups.set(value, [...(groups.get(value) ?? []), key]);
  }
  return sortedGroups(groups);
}

/**
 * The files readers of `table` see now, by partition value. A table of a release before manifests
 * has none and its files are read by listing, until its next write publishes them (see
 * {@link adoptListedFiles}).
 */
export async function currentFiles(store: ObjectStore, table: TableDef): Promise<TableFiles> {
  if (!hasManifests(table)) return listedFiles(table, await store.list(table.location));
  const manifests = (await store.list(manifestRoot(table))).flatMap(({ key }) => {
    const value = partitionOfManifest(table, key);
    return value === undefined ? [] : [{ key, value }];
  });
  if (manifests.length === 0) return listedFiles(table, await store.list(table.location));
  const groups = new Map<string, string[]>();
  await forEachLimited(manifests, MANIFEST_CONCURRENCY, async ({ key, value }) => {
    const body = await store.get(key);
    // Removed since the listing (by a hand, not a write: writes replace manifests, never remove them).
    if (body === undefined) return;
    const keys = manifestKeys(table, key, Buffer.from(body).toString('utf8'));
    if (keys.length > 0) groups.set(value, keys);
  });
  return sortedGroups(groups);
}

/**
 * Makes each partition of `changes` show exactly its files: one manifest PUT per partition.
 * Partitions not in `changes` keep theirs. Each partition changes at once; a write of several
 * changes them one after another. An emptied partition keeps an empty manifest rather than none,
 * so a table whose every partition was emptied is still told from one written before manifests.
 */
export async function publishFiles(
  store: ObjectStore,
  table: TableDef,
  changes: ReadonlyMap<string, readonly string[]>,
): Promise<void> {
  const entries = [...changes].sort(([a], [b]) => (a < b ? -1 : 1));
  await forEachLimited(entries, MANIFEST_CONCURRENCY, async ([value, keys]) => {
    await store.put(manifestKey(table, value), manifestText(store, [...keys].sort()));
  });
}

/**
 * Whether `key` is a file an append with `filePrefix` placed: `<filePrefix>_<n>.parquet` under a
 * partition, or `<filePrefix>.parquet` in an unpartitioned table. A retried append replaces them.
 */
export function isAppendedBy(key: string, filePrefix: string): boolean {
  const name = key.slice(key.lastIndexOf('/') + 1);
  return name.startsWith(`${filePrefix}_`) || name === `${filePrefix}.parquet`;
}

/** The partitions a replaced table has manifests for: one listing, no manifest read. */
export async function publishedPartitions(store: ObjectStore, table: TableDef): Promise<Set<string>> {
  const values = (await store.list(manifestRoot(table))).map(({ key }) => partitionOfManifest(table, key));
  return new Set(values.filter((value): value is string => value !== undefined));
}

/**
 * The partitions of `table` a write starts from. A table written before manifests existed has its
 * files published first, so that the write can replace some partitions and keep the others; a
 * reader that lists the manifests while that runs may miss the partitions not yet published, once
 * in the table's life. Costs one listing when the table has manifests.
 */
export async function adoptListedFiles(store: ObjectStore, table: TableDef): Promise<Set<string>> {
  const published = await publishedPartitions(store, table);
  if (published.size > 0 || !hasManifests(table)) return published;
  const listed = listedFiles(table, await store.list(table.location));
  await publishFiles(store, table, listed);
  return new Set(listed.keys());
}

/**
 * Publishes every replaced table of `tables` still laid out as before manifests (see
 * {@link adoptListedFiles}), as the first run of a release with manifests does: until then Athena,
 * which reads only manifests, sees such a table empty. One listing per table that has them.
 * @returns the names of the tables published.
 */
export async function adoptListedTables(store: ObjectStore, tables: readonly TableDef[]): Promise<string[]> {
  const adopted: string[] = [];
  for (const table of tables.filter(hasManifests)) {
    if ((await publishedPartitions(store, table)).size > 0) continue;
    const listed = listedFiles(table, await store.list(table.location));
    if (listed.size === 0) continue;
    await publishFiles(store, table, listed);
    adopted.push(table.name);
  }
  return adopted;
}

/**
 * Refuses a mode the table's layout does not take: appends only to {@link TableDef.appendOnly}
 * tables (whose files readers list), replacements only to the others (published by manifest).
 */
export function checkWriteMode(table: TableDef, mode: WriteMode): void {
  if (table.format !== 'parquet') {
    throw new QueryError(`table ${table.name} is stored as ${table.format}; only Parquet tables are written`);
  }
  if (mode.kind === 'append' && table.appendOnly !== true) {
    throw new QueryError(
      `table ${table.name} is replaced, not appended to (its readers follow manifests); mark it appendOnly or replace its partitions`,
    );
  }
  if (mode.kind !== 'append' && table.appendOnly === true) {
    throw new QueryError(`table ${table.name} is append-only (its readers list its files); append to it`);
  }
  if (mode.kind === 'replace-partitions' && table.partition === undefined) {
    throw new QueryError(`table ${table.name} has no partitions to replace; use replace-table`);
  }
}

/**
 * What a replacement makes each partition hold: the partitions it replaces get the files it
 * wrote for them (none empties a partition); `replace-table` replaces every partition there is.
 * The result is what {@link publishFiles} takes.
 */
export function replacedFiles(
  table: TableDef,
  mode: WriteMode,
  current: ReadonlySet<string>,
  written: ReadonlyMap<string, readonly string[]>,
): Map<string, readonly string[]> {
  if (mode.kind === 'append') throw new QueryError(`an append to ${table.name} publishes no manifest`);
  const replaced =
    mode.kind === 'replace-partitions'
      ? new Set(mode.partitions)
      : new Set([...current, ...written.keys(), ...(table.partition === undefined ? [''] : [])]);
  const outside = [...written.keys()].filter((value) => !replaced.has(value));
  if (outside.length > 0) {
    throw new QueryError(
      `the query for ${table.name} produced partitions it may not replace: ${outside.slice(0, 3).join(', ')}`,
    );
  }
  return new Map([...replaced].sort().map((value) => [value, written.get(value) ?? []]));
}

/**
 * Removes the data files of the partitions a write has just published that their new manifests do
 * not name and that were last written more than `graceMs` ago: the files the write replaced (once
 * old enough: a later write of the partition collects them) and any a stopped write left there.
 */
export async function removeSuperseded(
  store: ObjectStore,
  table: TableDef,
  published: ReadonlyMap<string, readonly string[]>,
  options: { readonly now?: number; readonly graceMs?: number } = {},
): Promise<number> {
  const before = (options.now ?? Date.now()) - (options.graceMs ?? SUPERSEDED_GRACE_MS);
  const stale: string[] = [];
  for (const [value, keys] of published) {
    const named = new Set(keys);
    for (const { key, modifiedMs } of await store.list(dataFolder(table, value))) {
      if (partitionOfDataKey(table, key) !== value || named.has(key)) continue;
      if (modifiedMs === undefined || modifiedMs < before) stale.push(key);
    }
  }
  await store.delete(stale);
  return stale.length;
}

/**
 * Runs `work` over `items`, `limit` at a time. After a failure no new item starts, and the first
 * error is thrown only once the items in flight have finished, so nothing runs on behind the caller.
 */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  const worker = async (): Promise<void> => {
    while (next < items.length && failures.length === 0) {
      try {
        await work(items[next++] as T);
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failures.length > 0) throw failures[0];
}
