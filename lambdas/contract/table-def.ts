/** The shape of a table definition in the registry (see tables.ts). */

/** Column types, named as Trino/Athena names them. */
export type ColumnType = 'varchar' | 'double' | 'bigint' | 'boolean' | 'date' | 'timestamp' | 'decimal(38,9)';

/** One column of a table. */
export interface ColumnDef {
  readonly name: string;
  readonly type: ColumnType;
  readonly description: string;
}

/** Where a table sits in the lake and who reads it. */
export type TableLayer = 'curated' | 'quality' | 'staging' | 'state' | 'mart';

/** How a table's files are laid out under its location. */
export type StorageFormat = 'parquet' | 'csv';

/** A table of the lake. */
export interface TableDef {
  readonly name: string;
  readonly layer: TableLayer;
  readonly description: string;
  /** "One row per ..." */
  readonly grain: string;
  readonly key: readonly string[];
  /** Data columns, without the partition column. */
  readonly columns: readonly ColumnDef[];
  /** The hive partition column (`name=value/` directories), if any. */
  readonly partition?: ColumnDef;
  /** The table's prefix under the lake root. */
  readonly location: string;
  readonly format: StorageFormat;
  /**
   * The order rows are written in, within each file: user-level tables are sorted by user, which
   * makes their files about 10% smaller and the user column nearly free to read (13 KB instead
   * of 158 KB for 54,000 users), so every scan of them reads fewer bytes. Layout only: no query
   * may rely on it.
   */
  readonly sortedBy?: readonly string[];
  /**
   * At most this many rows per Parquet row group, for a table read mostly by ranges of its sort
   * key: each row group carries the min and max of every column, so a filter on the leading sort
   * column skips the groups outside its range (cohort_ltv's readers want the recent cohorts: 79 KB
   * instead of 242 KB read on the 360-day bench lake). Small groups cost a larger footer and a
   * little compression, so only such tables set it. The local engine honours it; Athena's UNLOAD
   * sizes its own row groups (bytes scanned there are billed at 10 MB a query at least).
   */
  readonly rowGroupRows?: number;
  /**
   * A view rather than files: a projection of other tables that costs nothing to build and
   * cannot go stale. The run defines it (see `Engine.defineView`) from its query; `partition`,
   * when given, is only the column a query filters on (its filter reaches the table below).
   */
  readonly isView?: boolean;
  /**
   * Written only by appends, each adding whole files named after what they hold (an ingest's id):
   * readers list the files, and writers that land at once (two ingests) add theirs side by side.
   * Every other Parquet table is replaced, by partition or whole, and readers see only the files
   * its manifests name, so a replacement shows all at once (see `warehouse/table-files.ts`).
   */
  readonly appendOnly?: boolean;
  /** An analyst's question and the SQL that answers it, for the docs. */
  readonly example?: { readonly question: string; readonly sql: string };
}

/** A column definition. */
export const col = (name: string, type: ColumnType, description: string): ColumnDef => ({
  name,
  type,
  description,
});

/** The `dt` date partition column. */
export const dtPartition = (meaning: string): ColumnDef => col('dt', 'date', meaning);

/** ` order by ...` for a table written sorted (see {@link TableDef.sortedBy}), else ''. */
export function writeOrder(table: TableDef): string {
  return table.sortedBy === undefined || table.sortedBy.length === 0
    ? ''
    : ` order by ${table.sortedBy.join(', ')}`;
}

/** A table's columns as its files and views hold them: the data columns, then the partition column. */
export function allColumns(table: TableDef): readonly ColumnDef[] {
  return table.partition === undefined ? table.columns : [...table.columns, table.partition];
}
