/**
 * Pure SQL building for table writes, shared by both engines: the typed rows of a registry
 * table, filtered to a group of partitions. Every identifier and partition value is validated
 * before it becomes SQL text; nothing unvalidated is ever spliced in.
 */
import { writeOrder } from '../contract/table-def.ts';
import type { ColumnDef, TableDef } from '../contract/tables.ts';
import { QueryError, SqlTemplateError } from './errors.ts';

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
/** A column type as the registry names it: `bigint`, `decimal(38,9)`. */
const COLUMN_TYPE = /^[a-z]+(?:\(\d+(?:,\d+)?\))?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Ids used as partition values, such as ingest ids (SHA-256 hex). */
const ID = /^[A-Za-z0-9_-]{1,128}$/;

/** Splits `items` into consecutive chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/** Returns `name` if it is a plain lowercase SQL identifier, which needs no quoting. */
export function sqlIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new SqlTemplateError(`"${name}" is not a lowercase SQL identifier`);
  return name;
}

function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  if (match === null) return false;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * Checks that `value` is a valid value of the partition column: a real `YYYY-MM-DD` date for a
 * `date` column, an id of letters, digits, `_` and `-` for a `varchar` one. Returns it unchanged.
 */
export function partitionValue(column: ColumnDef, value: unknown): string {
  if (typeof value === 'string') {
    if (column.type === 'date' && isCalendarDate(value)) return value;
    if (column.type === 'varchar' && ID.test(value)) return value;
  }
  const expected = column.type === 'date' ? 'a YYYY-MM-DD date' : 'an id of letters, digits, _ and -';
  throw new SqlTemplateError(`partition ${column.name} must be ${expected}, got ${JSON.stringify(value)}`);
}

/** A validated partition value as a typed SQL literal: `date '2026-11-21'` or `'abc123'`. */
export function partitionLiteral(column: ColumnDef, value: string): string {
  const valid = partitionValue(column, value);
  return column.type === 'date' ? `date '${valid}'` : `'${valid}'`;
}

/** Checks that a registry table can be written by SQL built from it: plain identifiers, a date or id partition. */
export function checkWritable(table: TableDef): void {
  sqlIdentifier(table.name);
  for (const column of [...table.columns, ...(table.partition === undefined ? [] : [table.partition])]) {
    sqlIdentifier(column.name);
    if (!COLUMN_TYPE.test(column.type)) {
      throw new SqlTemplateError(`column ${table.name}.${column.name} has an unusable type "${column.type}"`);
    }
  }
  if (table.partition !== undefined) {
    if (table.partition.type !== 'date' && table.partition.type !== 'varchar') {
      throw new SqlTemplateError(
        `table ${table.name} is partitioned by ${table.partition.type} ${table.partition.name}; only date and varchar (id) partitions are supported`,
      );
    }
  }
}

/**
 * The rows `sql` writes into `table`: its columns in the table's order, each cast to its
 * registry type, the partition column last. The casts make the Parquet types match the Glue
 * schema derived from the registry: Athena refuses a file whose column is INT64 where the table
 * says double. The query goes on lines of its own so a trailing `--` comment in it cannot
 * swallow the closing parenthesis.
 */
export function typedRowsQuery(table: TableDef, sql: string): string {
  checkWritable(table);
  const columns = [...table.columns, ...(table.partition === undefined ? [] : [table.partition])];
  const casts = columns.map((column) => `cast(${column.name} as ${column.type}) as ${column.name}`);
  return `select ${casts.join(', ')} from (\n${sql}\n)`;
}

/**
 * {@link typedRowsQuery}, optionally only the rows in `partitions`, in the table's sort order:
 * both engines write each file's rows in that order.
 */
export function tableRowsQuery(table: TableDef, sql: string, partitions?: readonly string[]): string {
  const select = typedRowsQuery(table, sql);
  if (partitions === undefined) return `${select}${writeOrder(table)}`;
  const partition = table.partition;
  if (partition === undefined)
    throw new SqlTemplateError(`table ${table.name} has no partition column to filter on`);
  if (partitions.length === 0)
    throw new SqlTemplateError(`a partition filter on ${table.name} needs at least one value`);
  const filter = partitions.map((value) => partitionLiteral(partition, value)).join(', ');
  return `${select} where ${partition.name} in (${filter})${writeOrder(table)}`;
}

/** The distinct partition values `sql` produces for `table`, in order. */
export function distinctPartitionsQuery(table: TableDef, sql: string): string {
  checkWritable(table);
  if (table.partition === undefined)
    throw new SqlTemplateError(`table ${table.name} has no partition column`);
  return `select distinct ${table.partition.name} from (\n${sql}\n) order by 1`;
}

/**
 * The partition values of the rows {@link distinctPartitionsQuery} returned, each checked with
 * {@link partitionValue}; a bad one fails the write with a QueryError naming the table.
 */
export function producedPartitions(table: TableDef, rows: readonly Record<string, unknown>[]): string[] {
  const partition = table.partition;
  if (partition === undefined) throw new SqlTemplateError(`table ${table.name} has no partition column`);
  return rows.map((row) => {
    try {
      return partitionValue(partition, row[partition.name]);
    } catch (error) {
      throw new QueryError(
        `the query for ${table.name} produced an invalid partition: ${(error as Error).message}`,
        { cause: error },
      );
    }
  });
}
