/**
 * The lake's folders that hold no table (the registry places the tables): the scratch the engines
 * stage work in, and the root of what a run publishes. The CDK app reads them too, for the lake's
 * lifecycle rules and the published bucket's grants.
 */
import type { TableDef } from './table-def.ts';

/** The lake's scratch: engines stage unfinished work under it, so anything left there can expire. */
export const SCRATCH_PREFIX = '_tmp';

/** Where the Athena engine stages UNLOAD output before placing it; a lifecycle rule expires it. */
export const ATHENA_SCRATCH_PREFIX = `${SCRATCH_PREFIX}/athena`;

/** The top-level directory of everything a run publishes (dashboard, digests, audiences). */
export const PUBLISHED_ROOT = 'published';

/**
 * The folder of a table's manifests, under its location: the Glue table's location on AWS (see
 * `warehouse/table-files.ts`). Its name starts with `_`, which Athena and Hive skip as hidden when
 * they list a table's files.
 */
export const MANIFEST_ROOT = '_symlink';

/** The manifest's file name in its partition's folder. Athena reads every file there, so it is the only one. */
export const MANIFEST_NAME = 'manifest';

/** Whether `table`'s readers follow manifests: every Parquet table but views and append-only ones. */
export function hasManifests(table: TableDef): boolean {
  return table.isView !== true && table.format === 'parquet' && table.appendOnly !== true;
}

/** The folder of the manifests of `table`. */
export function manifestRoot(table: TableDef): string {
  return `${table.location}/${MANIFEST_ROOT}`;
}

/**
 * Where the lake's lock lives (`_lock/lake.json` on S3): one writer at a time, so never under the
 * scratch, whose objects expire.
 */
export const LOCK_PREFIX = '_lock';
