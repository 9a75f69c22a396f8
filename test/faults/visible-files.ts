/**
 * Which files a new reader of a table reads, partition by partition: the files its manifests name
 * (or, for an append-only table or one not yet published, every data file under its location), as
 * both engines read them (see warehouse/table-files.ts), and a view's stored query
 * (`<location>/view.sql`).
 */
import type { TableDef } from '../../lambdas/contract/table-def.ts';
import type { ObjectStore } from '../../lambdas/storage/object-store.ts';
import { currentFiles } from '../../lambdas/warehouse/table-files.ts';

/** The files a reader sees, by partition value (`''` for an unpartitioned table or a view). */
export type VisibleFiles = Map<string, string[]>;

/** The files of `table` a query started now would read. */
export async function visibleFiles(store: ObjectStore, table: TableDef): Promise<VisibleFiles> {
  if (table.isView === true) {
    const key = `${table.location}/view.sql`;
    return new Map(
      (await store.list(table.location)).some((object) => object.key === key) ? [['', [key]]] : [],
    );
  }
  return new Map([...(await currentFiles(store, table))].map(([partition, keys]) => [partition, [...keys]]));
}
