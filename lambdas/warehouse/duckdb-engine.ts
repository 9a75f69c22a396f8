import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import {
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBType,
  StatementType,
} from '@duckdb/node-api';
import { hasManifests, SCRATCH_PREFIX } from '../contract/lake-layout.ts';
import { allColumns, type TableDef } from '../contract/table-def.ts';
import type { FsStore } from '../storage/fs-store.ts';
import { DUCKDB_COMPAT_STATEMENTS } from './duckdb-compat.ts';
import { duckDbError } from './duckdb-errors.ts';
import type { Engine, LiteralRows, QueryStats, Row, SqlValue, WriteMode } from './engine.ts';
import { QueryError } from './errors.ts';
import {
  columnTypes,
  literalRowsQuery,
  type SqlParam,
  sqlLiteral,
  typedEmptyQuery,
  viewStatement,
} from './sql.ts';
import {
  adoptListedFiles,
  checkWriteMode,
  currentFiles,
  isAppendedBy,
  partitionOfDataKey,
  publishFiles,
  removeSuperseded,
  replacedFiles,
  type TableFiles,
} from './table-files.ts';
import {
  chunk,
  distinctPartitionsQuery,
  producedPartitions,
  tableRowsQuery,
  typedRowsQuery,
} from './write-sql.ts';

/** Options of the local engine. */
export interface DuckDbEngineOptions {
  /** DuckDB's memory limit, such as `512MB`; larger work spills to the lake's `_tmp/`. @default '1GB' */
  readonly memoryLimit?: string;
  /** Worker threads. @default the number of cores */
  readonly threads?: number;
  /**
   * Define each table's view only when a query first names it, instead of all of them at open:
   * DuckDB reads a table's file footers when its view is created, so an analyst's one query
   * (`growthlake query`) would otherwise pay for every table of the lake before it runs.
   * @default false - every view is defined at open
   */
  readonly lazyTables?: boolean;
}

/** Queries about the catalog rather than tables: they need every view defined. */
const CATALOG_QUERY = /\b(information_schema|pg_catalog|duckdb_[a-z_]+|show|describe|summarize)\b/i;

/**
 * The most partitions one COPY writes. Measured with the CLI's then 192 MB on 3 million events over
 * 273 dates, copied from the temporary table of {@link DuckDbEngine}'s #copyPartitioned: groups
 * of 100 loaded, all 273 at once ran out of memory. 64 leaves room for wider tables.
 */
export const MAX_PARTITIONS_PER_COPY = 64;

/**
 * How often each replaced table has been written in this process, by lake root and table name.
 * An engine's view of such a table names the files its manifests named when the view was defined
 * (see table-files.ts); another engine on the same lake that writes the table bumps this, and the
 * first refreshes its view before its next statement. (An engine in another process learns of a
 * write when it opens or refreshes: runs are one at a time, see pipeline/lake-lock.ts.)
 */
const TABLE_WRITES = new Map<string, number>();

/** The planner failure of duckdb/duckdb#25629 (see DuckDbEngine's #planned). */
const PARTITION_STATISTICS_BUG = /^INTERNAL Error: Attempted to access index \d+ within vector of size \d+/;

/**
 * Turns rows of DuckDB's JSON values into Rows with one converter per column, not a type's name
 * and a regex per value: a 44,000-row audience has 660,000 values.
 */
function rowConverter(
  columns: readonly string[],
  types: readonly DuckDBType[],
): (values: readonly unknown[]) => Row {
  const converters = types.map(sqlValueOf);
  return (values) => {
    const row: Row = {};
    for (let index = 0; index < values.length; index++) {
      row[columns[index] as string] = (converters[index] as (value: unknown) => SqlValue)(values[index]);
    }
    return row;
  };
}

function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * The columns a view exposes, in registry order, partition last. Not cast: every file is written
 * with the registry's types (see columnList) and the partition is typed by `hive_types`, and a cast
 * would hide the partition column from hive pruning, so a query for one date would open every file.
 */
function viewColumns(table: TableDef): string {
  const columns = allColumns(table);
  return columns.map((column) => column.name).join(', ');
}

/**
 * Appends one literal-row value as its load type (see {@link DuckDbEngine.writeRows}), after the
 * validation a values literal would get: real dates and timestamps, finite numbers.
 */
function appendLiteral(appender: DuckDBAppender, column: string, loadType: string, value: SqlParam): void {
  sqlLiteral(column, value);
  if (value === null) appender.appendNull();
  else if (typeof value === 'number') {
    if (loadType === 'BIGINT' && Number.isInteger(value)) appender.appendBigInt(BigInt(value));
    else if (loadType === 'VARCHAR') appender.appendVarchar(String(value));
    else appender.appendDouble(value);
  } else if (typeof value === 'string') appender.appendVarchar(value);
  else if ('date' in value) appender.appendVarchar(value.date);
  else if ('timestamp' in value) appender.appendVarchar(value.timestamp);
  else
    throw new QueryError(
      `column ${column}: a literal row value must be a string, number, date, timestamp or null`,
    );
}

/** Where a view table's query is kept: `<location>/view.sql`. */
function viewKey(table: TableDef): string {
  return `${table.location}/view.sql`;
}

/** Reads this process's read(2) byte count: the local stand-in for Athena's bytes scanned. */
function processBytesRead(): number {
  try {
    const match = /rchar:\s*(\d+)/.exec(readFileSync('/proc/self/io', 'utf8'));
    return match === null ? 0 : Number(match[1]);
  } catch {
    return 0;
  }
}

/** Timestamps as Athena prints them: `YYYY-MM-DD HH:MM:SS.mmm`. */
function millisecondTimestamp(text: string): string {
  const [seconds, fraction = ''] = text.split('.');
  return `${seconds}.${fraction.padEnd(3, '0').slice(0, 3)}`;
}

/**
 * How a value of a column of `type`, as getRowsJson gives it, becomes a SqlValue: timestamps to
 * milliseconds, wide integers and decimals (JSON strings) to numbers, lists and structs to JSON text.
 */
function sqlValueOf(type: DuckDBType): (value: unknown) => SqlValue {
  const typeName = type.toString();
  const isTimestamp = typeName === 'TIMESTAMP';
  const isWideNumber = /^(BIGINT|HUGEINT|UBIGINT|UHUGEINT|DECIMAL)/.test(typeName);
  return (value) => {
    if (value === null || value === undefined) return null;
    if (isTimestamp && typeof value === 'string') return millisecondTimestamp(value);
    if (isWideNumber && typeof value === 'string') return Number(value);
    if (typeof value === 'object') return JSON.stringify(value);
    return value as SqlValue;
  };
}

/**
 * The embedded engine: DuckDB in this process over the lake's Parquet and CSV files. Every
 * registry table is a view over its files; writes go to a temporary directory first, so a query
 * that fails leaves the lake as it was. A replacement's files are moved in under new names and
 * each partition's manifest then renamed into place, so a reader (another process's view) sees a
 * partition's old files or its new ones (see table-files.ts); appended files are placed one by one.
 */
export class DuckDbEngine implements Engine {
  public readonly name = 'duckdb' as const;
  readonly #connection: DuckDBConnection;
  readonly #instance: DuckDBInstance;
  readonly #store: FsStore;
  readonly #bytesAtOpen: number;
  readonly #openedAt: number;
  /** Tables whose views are not defined yet (see DuckDbEngineOptions.lazyTables), by name. */
  readonly #undefined = new Map<string, TableDef>();
  /** The replaced tables (see table-files.ts), by name. */
  readonly #replaced = new Map<string, TableDef>();
  /** Each replaced table's count in {@link TABLE_WRITES} when this engine last defined its view. */
  readonly #viewed = new Map<string, number>();
  /**
   * The files each replaced table's view reads, as its manifests named them when read, with this
   * engine's own writes applied since: a write of one partition does not read every manifest again.
   */
  readonly #files = new Map<string, TableFiles>();

  private constructor(instance: DuckDBInstance, connection: DuckDBConnection, store: FsStore) {
    this.#instance = instance;
    this.#connection = connection;
    this.#store = store;
    this.#bytesAtOpen = processBytesRead();
    this.#openedAt = performance.now();
  }

  /** Opens an in-memory DuckDB whose views read the lake under `store`. */
  public static async open(
    store: FsStore,
    tables: readonly TableDef[],
    options: DuckDbEngineOptions = {},
  ): Promise<DuckDbEngine> {
    const spill = store.uriOf(`${SCRATCH_PREFIX}/duckdb`);
    await mkdir(spill, { recursive: true });
    const instance = await DuckDBInstance.create(':memory:', {
      memory_limit: options.memoryLimit ?? '1GB',
      threads: String(options.threads ?? 2),
      temp_directory: spill,
      preserve_insertion_order: 'false',
      // Partitioned writes buffer rows per open partition; flushing sooner keeps memory flat.
      partitioned_write_flush_threshold: '100000',
    });
    const connection = await instance.connect();
    const engine = new DuckDbEngine(instance, connection, store);
    for (const table of tables.filter(hasManifests)) engine.#replaced.set(table.name, table);
    for (const statement of DUCKDB_COMPAT_STATEMENTS) await engine.#run(statement);
    if (options.lazyTables === true) {
      for (const table of tables) engine.#undefined.set(table.name, table);
      return engine;
    }
    // Views last: DuckDB binds a view's query when it is created, so what it reads must exist.
    for (const table of tables.filter((t) => t.isView !== true)) await engine.refresh(table);
    for (const table of tables.filter((t) => t.isView === true)) await engine.refresh(table);
    return engine;
  }

  /**
   * Defines the views of the not yet defined tables that `sql` names (every one for a catalog
   * query), each after the tables its own stored query names: DuckDB binds a view when it is
   * created, so what it reads must exist first.
   */
  async #defineNamed(sql: string): Promise<void> {
    if (this.#undefined.size === 0) return;
    const all = CATALOG_QUERY.test(sql);
    for (const [name, table] of [...this.#undefined]) {
      if (!this.#undefined.has(name)) continue;
      if (!all && !new RegExp(`\\b${name}\\b`, 'i').test(sql)) continue;
      this.#undefined.delete(name);
      if (table.isView === true) {
        const stored = await this.#store.get(viewKey(table));
        if (stored !== undefined) await this.#defineNamed(Buffer.from(stored).toString('utf8'));
      }
      await this.refresh(table);
    }
  }

  #writesKey(name: string): string {
    return `${this.#store.root}|${name}`;
  }

  /** Refreshes the views of replaced tables another engine in this process has written since. */
  async #followWrites(): Promise<void> {
    for (const [name, table] of this.#replaced) {
      const writes = TABLE_WRITES.get(this.#writesKey(name)) ?? 0;
      if ((this.#viewed.get(name) ?? 0) === writes || this.#undefined.has(name)) continue;
      await this.refresh(table);
    }
  }

  async #run(sql: string): Promise<void> {
    try {
      await this.#planned(() => this.#connection.run(sql));
    } catch (error) {
      throw duckDbError(error, this.#store.root);
    }
  }

  /**
   * Runs `work`, and once more without the statistics-propagation optimizer if DuckDB 1.5.5 fails
   * to plan it on a known bug: min or max of a hive partition column when only one file is read
   * (duckdb/duckdb#25629; the fix was backported to the 1.5 branch in #25766, but the next release,
   * 1.5.6, has no build for most platforms on the package mirror we install from) crashes the
   * planner, as in `where run_date = (select max(run_date) from partner_performance)` on a lake
   * with one run. The failure happens before anything executes, so the retry is safe.
   */
  async #planned<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!PARTITION_STATISTICS_BUG.test((error as Error).message)) throw error;
      return this.#withoutStatisticsPropagation(work);
    }
  }

  /** Runs `work` with DuckDB's statistics-propagation optimizer off, then turns it back on. */
  async #withoutStatisticsPropagation<T>(work: () => Promise<T>): Promise<T> {
    await this.#connection.run("set disabled_optimizers = 'statistics_propagation'");
    try {
      return await work();
    } finally {
      await this.#connection.run('reset disabled_optimizers');
    }
  }

  public async query(sql: string): Promise<Row[]> {
    await this.#followWrites();
    await this.#defineNamed(sql);
    return (await this.#read(sql)).rows;
  }

  /** Rows a batch holds at most: DuckDB's chunks are 2,048 rows; a batch gathers several. */
  static readonly #BATCH_ROWS = 16_384;

  public async *queryBatches(sql: string): AsyncGenerator<Row[]> {
    await this.#followWrites();
    await this.#defineNamed(sql);
    let batch: Row[] = [];
    try {
      const result = await this.#planned(() => this.#connection.stream(sql));
      const toRow = rowConverter(result.columnNames(), result.columnTypes());
      for await (const chunk of result.yieldRowsJson()) {
        for (const values of chunk) batch.push(toRow(values));
        if (batch.length >= DuckDbEngine.#BATCH_ROWS) {
          yield batch;
          batch = [];
        }
      }
    } catch (error) {
      throw duckDbError(error, this.#store.root);
    }
    if (batch.length > 0) yield batch;
  }

  async #read(sql: string): Promise<{ columns: string[]; rows: Row[] }> {
    try {
      const reader = await this.#planned(() => this.#connection.runAndReadAll(sql));
      const columns = reader.columnNames();
      const rows = reader.getRowsJson().map(rowConverter(columns, reader.columnTypes()));
      return { columns, rows };
    } catch (error) {
      throw duckDbError(error, this.#store.root);
    }
  }

  /**
   * Runs an analyst's query, refusing anything but SELECT and EXPLAIN statements, so `growthlake query`
   * cannot change the lake.
   */
  public async queryReadOnly(sql: string): Promise<{ columns: string[]; rows: Row[] }> {
    await this.#followWrites();
    await this.#defineNamed(sql);
    let extracted: Awaited<ReturnType<DuckDBConnection['extractStatements']>>;
    try {
      extracted = await this.#connection.extractStatements(sql);
    } catch (error) {
      throw new QueryError(`DuckDB: ${(error as Error).message.split('\n')[0]}`, { cause: error });
    }
    if (extracted.count !== 1) throw new QueryError('query takes exactly one SQL statement');
    // Prepared only to learn its type, so planned without the optimizer that DuckDB 1.5.5's bug
    // crashes (see #planned; a failed prepare does not say why).
    let statement: Awaited<ReturnType<typeof extracted.prepare>>;
    try {
      statement = await this.#withoutStatisticsPropagation(() => extracted.prepare(0));
    } catch (error) {
      throw new QueryError(`DuckDB: ${(error as Error).message.split('\n')[0]}`, { cause: error });
    }
    const type = statement.statementType;
    statement.destroySync();
    if (type !== StatementType.SELECT && type !== StatementType.EXPLAIN) {
      throw new QueryError('query is read-only: only SELECT statements are allowed');
    }
    return this.#read(sql);
  }

  /** Defines the table's view again from what is stored: its manifests are read anew. */
  public async refresh(table: TableDef): Promise<void> {
    this.#files.delete(table.name);
    await this.#define(table);
  }

  async #define(table: TableDef): Promise<void> {
    this.#undefined.delete(table.name);
    if (this.#replaced.has(table.name)) {
      this.#viewed.set(table.name, TABLE_WRITES.get(this.#writesKey(table.name)) ?? 0);
    }
    if (table.isView === true) {
      const stored = await this.#store.get(viewKey(table));
      const sql = stored === undefined ? typedEmptyQuery(table) : Buffer.from(stored).toString('utf8');
      await this.#run(viewStatement(table, sql));
      return;
    }
    // A replaced table is read from the files its manifests name, listed here (see table-files.ts);
    // an append-only one by a pattern that finds its files at each query, appends included.
    const manifests = hasManifests(table);
    let files = manifests ? this.#files.get(table.name) : undefined;
    if (manifests && files === undefined) {
      files = await currentFiles(this.#store, table);
      this.#files.set(table.name, files);
    }
    const uris = [...(files?.values() ?? [])].flat().map((key) => this.#store.uriOf(key));
    const extension = table.format === 'parquet' ? '.parquet' : '.csv';
    const hasFiles = manifests
      ? uris.length > 0
      : (await this.#store.list(table.location)).some((file) => file.key.endsWith(extension));
    let source: string;
    if (!hasFiles) source = typedEmptyQuery(table);
    else {
      const root = this.#store.uriOf(table.location);
      const pattern = table.partition === undefined ? `${root}/*${extension}` : `${root}/*/*${extension}`;
      const hive =
        table.partition === undefined
          ? ''
          : `, hive_partitioning = true, hive_types = {'${table.partition.name}': '${table.partition.type.toUpperCase()}'}`;
      const files = manifests ? `[${uris.map(sqlString).join(', ')}]` : sqlString(pattern);
      const reader =
        table.format === 'parquet'
          ? `read_parquet(${files}, union_by_name = true${hive})`
          : `read_csv(${sqlString(pattern)}, auto_detect = false, header = false, delim = ',', quote = '"', escape = '"', ` +
            `allow_quoted_nulls = false, ` +
            `columns = {${table.columns.map((c) => `'${c.name}': 'VARCHAR'`).join(', ')}}${hive})`;
      source = `select ${viewColumns(table)} from ${reader}`;
      try {
        await this.#connection.run(`create or replace view ${table.name} as ${source}`);
        return;
      } catch {
        // Files written before a column was added to the registry lack it: read it as null, as
        // Athena does (it reads Parquet columns by name).
        source = `select ${await this.#presentColumns(table, reader)} from ${reader}`;
      }
    }
    await this.#run(`create or replace view ${table.name} as ${source}`);
  }

  /** The view's columns over files that may lack some of them: each missing one as a typed null. */
  async #presentColumns(table: TableDef, reader: string): Promise<string> {
    const described = await this.#read(`describe select * from ${reader}`);
    const present = new Set(described.rows.map((row) => String(row.column_name)));
    const columns = allColumns(table);
    return columns
      .map((column) =>
        present.has(column.name) ? column.name : `cast(null as ${column.type}) as ${column.name}`,
      )
      .join(', ');
  }

  /**
   * Creates the view, then keeps its query under the table's location, from where every engine
   * opened on the lake later defines it again; files a release that stored the table left there
   * are removed.
   */
  public async defineView(table: TableDef, sql: string): Promise<void> {
    await this.#run(viewStatement(table, sql));
    await this.#store.put(viewKey(table), sql);
    const leftovers = (await this.#store.list(table.location)).filter((f) => f.key !== viewKey(table));
    await this.#store.delete(leftovers.map((f) => f.key));
  }

  public async write(table: TableDef, sql: string, mode: WriteMode): Promise<void> {
    if (table.isView === true)
      throw new QueryError(`table ${table.name} is a view; define it with defineView`);
    checkWriteMode(table, mode);
    await this.#followWrites();
    const scratchKey = `${SCRATCH_PREFIX}/write-${randomUUID()}`;
    const scratch = this.#store.uriOf(scratchKey);
    // Files of a replacement get names no manifest holds yet; an append's are named after its prefix.
    const tag = randomUUID().replaceAll('-', '').slice(0, 16);
    await mkdir(scratch, { recursive: true });
    try {
      const options = `format parquet, compression zstd${table.rowGroupRows === undefined ? '' : `, row_group_size ${table.rowGroupRows}`}`;
      if (table.partition === undefined) {
        const fileName = mode.kind === 'append' ? `${mode.filePrefix}.parquet` : `data_${tag}.parquet`;
        await this.#run(
          `copy (${tableRowsQuery(table, sql)}) to ${sqlString(`${scratch}/${fileName}`)} (${options})`,
        );
      } else {
        const pattern = mode.kind === 'append' ? `${mode.filePrefix}_{i}` : `part_${tag}_{i}`;
        await this.#copyPartitioned(
          table,
          sql,
          `${sqlString(scratch)} (${options}, partition_by (${table.partition.name}), ` +
            // The groups' partitions are disjoint: the second group on adds directories, replaces none.
            `filename_pattern ${sqlString(pattern)}, write_partition_columns false, overwrite_or_ignore)`,
        );
      }
      if (mode.kind === 'append') await this.#placeAppended(table, scratchKey, mode.filePrefix);
      else await this.#publishReplacement(table, scratchKey, mode);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
    await this.#define(table);
  }

  /**
   * Copies the rows of `sql` out to `target` (the scratch directory and the COPY options),
   * {@link MAX_PARTITIONS_PER_COPY} partitions at a time. A partitioned COPY keeps a Parquet writer
   * open for every partition it has seen until it ends, memory DuckDB cannot spill, and fed
   * straight from the query it holds the query's buffers too: a first import of a year of history
   * in one file (365 dates of 10 events each) ran out of the CLI's 192 MB (160 MB since). So the rows are first
   * kept in a temporary table, which DuckDB spills to the lake's `_tmp/` like any other data, and
   * each group of partitions is then copied from it. Athena has a limit of its own on partitions
   * per statement and the same answer (see AthenaEngine's write).
   */
  async #copyPartitioned(table: TableDef, sql: string, target: string): Promise<void> {
    const rows = `write_rows_${randomUUID().replaceAll('-', '')}`;
    await this.#run(`create temporary table ${rows} as ${typedRowsQuery(table, sql)}`);
    try {
      const values = producedPartitions(
        table,
        await this.query(distinctPartitionsQuery(table, `select * from ${rows}`)),
      );
      for (const group of chunk(values, MAX_PARTITIONS_PER_COPY)) {
        await this.#run(`copy (${tableRowsQuery(table, `select * from ${rows}`, group)}) to ${target}`);
      }
    } finally {
      await this.#run(`drop table if exists ${rows}`);
    }
  }

  /**
   * Loads the rows into a temporary table with DuckDB's appender, then writes from it: a write of
   * 7,200 rows takes about 50 ms against 700 ms as a values list, and the appender reads no file.
   * Strings, dates and timestamps are appended as text, integers of bigint columns as BIGINT and
   * other numbers as DOUBLE (as a values literal gives them), then each column is cast to its type,
   * so both paths store the same values.
   */
  public async writeRows(table: TableDef, rows: LiteralRows, mode: WriteMode): Promise<void> {
    if (rows.rows.length === 0) {
      await this.write(table, literalRowsQuery(table, rows), mode);
      return;
    }
    const types = columnTypes(table, rows.columns);
    const loadTypes = types.map((type) => {
      if (type === 'bigint') return 'BIGINT';
      return type === 'double' || type.startsWith('decimal') ? 'DOUBLE' : 'VARCHAR';
    });
    const temporary = `literal_rows_${randomUUID().replaceAll('-', '')}`;
    await this.#run(
      `create temporary table ${temporary} (${rows.columns.map((name, i) => `${name} ${loadTypes[i]}`).join(', ')})`,
    );
    try {
      const appender = await this.#connection.createAppender(temporary);
      try {
        for (const row of rows.rows) {
          for (const [i, name] of rows.columns.entries()) {
            appendLiteral(appender, name, loadTypes[i] as string, row[i] ?? null);
          }
          appender.endRow();
        }
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
      const typed = rows.columns.map((name, i) => `cast(${name} as ${types[i]}) as ${name}`);
      await this.write(table, `select ${typed.join(', ')} from ${temporary}`, mode);
    } finally {
      await this.#run(`drop table if exists ${temporary}`);
    }
  }

  /**
   * Moves an append's files from the scratch into the table. The earlier attempt's files of the
   * same prefix are replaced by renames first, so readers never find the prefix without its rows;
   * then the files it left beyond the new ones go.
   */
  async #placeAppended(table: TableDef, scratchKey: string, filePrefix: string): Promise<void> {
    const written = await this.#store.list(scratchKey);
    const earlier = (await this.#store.list(table.location)).filter((f) => isAppendedBy(f.key, filePrefix));
    const placed = new Set<string>();
    for (const file of written) {
      const target = `${table.location}/${file.key.slice(scratchKey.length + 1)}`;
      await this.#store.moveFile(file.key, target);
      placed.add(target);
    }
    await this.#store.delete(earlier.map((f) => f.key).filter((key) => !placed.has(key)));
  }

  /**
   * Moves a replacement's files from the scratch into the table under their new names, then
   * publishes each replaced partition's manifest (one rename each), then removes what no manifest
   * has named for a while (see table-files.ts).
   */
  async #publishReplacement(table: TableDef, scratchKey: string, mode: WriteMode): Promise<void> {
    const current = await adoptListedFiles(this.#store, table);
    const moves: { from: string; to: string }[] = [];
    const written = new Map<string, string[]>();
    for (const file of await this.#store.list(scratchKey)) {
      const to = `${table.location}/${file.key.slice(scratchKey.length + 1)}`;
      const value = partitionOfDataKey(table, to);
      if (value === undefined)
        throw new QueryError(`the write of ${table.name} left an unexpected file ${file.key}`);
      moves.push({ from: file.key, to });
      written.set(value, [...(written.get(value) ?? []), to]);
    }
    // Refuses partitions the mode may not replace before any file moves into the table.
    const published = replacedFiles(table, mode, current, written);
    for (const { from, to } of moves) await this.#store.moveFile(from, to);
    await publishFiles(this.#store, table, published);
    const key = this.#writesKey(table.name);
    TABLE_WRITES.set(key, (TABLE_WRITES.get(key) ?? 0) + 1);
    const cached = this.#files.get(table.name);
    if (cached !== undefined) {
      const next = new Map(cached);
      for (const [value, keys] of published) {
        if (keys.length > 0) next.set(value, [...keys].sort());
        else next.delete(value);
      }
      this.#files.set(table.name, next);
    }
    await removeSuperseded(this.#store, table, published);
  }

  public stats(): QueryStats {
    return {
      bytesRead: processBytesRead() - this.#bytesAtOpen,
      elapsedMs: performance.now() - this.#openedAt,
    };
  }

  public async close(): Promise<void> {
    this.#connection.closeSync();
    this.#instance.closeSync();
  }
}
