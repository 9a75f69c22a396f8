import type { TableDef } from '../contract/tables.ts';
import type { SqlParam } from './sql.ts';

/** A value as the engines return it: dates as `YYYY-MM-DD`, timestamps as ISO 8601 UTC strings. */
export type SqlValue = string | number | boolean | null;

/** One result row, by column name. */
export type Row = Record<string, SqlValue>;

/** How {@link Engine.write} places a query's result into a table. */
export type WriteMode =
  /**
   * Adds files named after `filePrefix`, replacing any earlier files of that prefix (an earlier
   * attempt's, with the same rows): written over them first, so that a reader never finds the
   * prefix without its rows, then what the earlier attempt left beyond them is removed.
   */
  | { readonly kind: 'append'; readonly filePrefix: string }
  /** Replaces exactly these partitions (`YYYY-MM-DD` values) with the result; a partition the result leaves empty is removed. */
  | { readonly kind: 'replace-partitions'; readonly partitions: readonly string[] }
  /** Replaces the whole table. */
  | { readonly kind: 'replace-table' };

/** Rows computed outside the engine, to be written as they are: one typed parameter per column. */
export interface LiteralRows {
  /** The table's columns, in the table's order, partition column last. */
  readonly columns: readonly string[];
  readonly rows: readonly (readonly SqlParam[])[];
}

/** What a query cost, for benchmarks and budgets. */
export interface QueryStats {
  /** Bytes read from storage: Athena's DataScannedInBytes, or read(2) bytes of the process locally. */
  readonly bytesRead: number;
  readonly elapsedMs: number;
}

/**
 * A SQL engine over the lake: DuckDB on local files, or Athena on S3. Queries are Trino SQL
 * (see `queries/`); an engine adapts it at the edges and never changes what it means.
 */
export interface Engine {
  readonly name: 'duckdb' | 'athena';
  /** Runs a read-only query and returns its rows. */
  query(sql: string): Promise<Row[]>;
  /**
   * Runs a read-only query and hands its rows over in batches as the engine delivers them (DuckDB's
   * chunks, Athena's result pages), so that a caller can pass on a result larger than it should
   * hold (an audience of millions of users) holding one batch at a time. The query runs once.
   */
  queryBatches(sql: string): AsyncIterable<Row[]>;
  /** Writes the result of `sql` (its columns in the table's order, partition column last) into `table`. */
  write(table: TableDef, sql: string, mode: WriteMode): Promise<void>;
  /**
   * Writes rows computed outside the engine (forecasts, recommendations, the build manifest) into
   * `table`, as one write however many rows there are: Athena takes at most 256 KiB of SQL in a
   * statement, so it loads them in several statements and places the result at once.
   */
  writeRows(table: TableDef, rows: LiteralRows, mode: WriteMode): Promise<void>;
  /**
   * Defines the view table `table` (see `TableDef.isView`) as `sql`, replacing its definition at
   * once: queries see the old view or the new one, never neither.
   */
  defineView(table: TableDef, sql: string): Promise<void>;
  /** Makes files written to the store outside the engine (staging) visible to queries. */
  refresh(table: TableDef): Promise<void>;
  /** Totals since the engine was opened. */
  stats(): QueryStats;
  close(): Promise<void>;
}
