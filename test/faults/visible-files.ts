/**
 * Which files a new reader of a table reads, partition by partition, in the layout the engines
 * write today: every Parquet file under `<location>/<partition>=<value>/` (`<location>/*.parquet`
 * unpartitioned), as DuckDB's glob and Athena's partition prefixes read them, and a view's stored
 * query (`<location>/view.sql`).
 */
import type { TableDef } from '../../lambdas/contract/table-def.ts';
import type { ObjectStore } from '../../lambdas/storage/object-store.ts';

/** The files a reader of a table sees, by partition value (`''` for an unpartitioned table or a view). */
export type VisibleFiles = Map<string, string[]>;

/** The files of `table` a query started now would read. */
export async function visibleFiles(store: ObjectStore, table: TableDef): Promise<VisibleFiles> {
  const keys = (await store.list(table.location)).map((object) => object.key).sort();
  const files: VisibleFiles = new Map();
  const add = (partition: string, key: string) =>
    files.set(partition, [...(files.get(partition) ?? []), key]);
  const inside = (key: string) => key.slice(table.location.length + 1);
  if (table.isView === true) {
    for (const key of keys) if (inside(key) === 'view.sql') add('', key);
    return files;
  }
  const partition = table.partition?.name;
  const pattern =
    partition === undefined
      ? /^[^/_.][^/]*\.parquet$/
      : new RegExp(`^${partition}=([^/]+)/[^/_.][^/]*\\.parquet$`);
  for (const key of keys) {
    const match = pattern.exec(inside(key));
    if (match !== null) add(match[1] ?? '', key);
  }
  return files;
}
