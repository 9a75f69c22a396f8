import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allColumns, type ColumnType, type TableDef } from '../contract/table-def.ts';
import type { LiteralRows } from './engine.ts';
import { SqlTemplateError } from './errors.ts';

/** The `queries/` directory of this project. */
export const QUERIES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'queries');

/** A typed query parameter, rendered as a literal of that type. */
export type SqlParam =
  | null
  | { readonly date: string }
  | { readonly dates: readonly string[] }
  | { readonly timestamp: string }
  | string
  | number
  | readonly string[]
  | SqlTableParam
  | SqlQueryParam;

/** Literal rows, rendered as a derived table: `select * from :rows` reads them. */
export interface SqlTableParam {
  readonly table: { readonly columns: readonly string[]; readonly rows: readonly (readonly SqlParam[])[] };
}

/**
 * A query of `queries/`, already rendered (by {@link queryFile}), placed as a derived table:
 * `select * from :audience` reads its rows. It lets one model's rule serve several queries without
 * being written twice. Only SQL the code itself rendered belongs here, never text from an input.
 */
export interface SqlQueryParam {
  readonly query: string;
}

/** Query parameters by name; `:name` in a query refers to one. */
export type SqlParams = Readonly<Record<string, SqlParam>>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/;

function stringLiteral(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (/[\u0000-\u001f]/.test(value))
    throw new SqlTemplateError('a string parameter contains a control character');
  return `'${value.replaceAll("'", "''")}'`;
}

/** Renders one parameter as a SQL literal, validating it for its type. */
export function sqlLiteral(name: string, param: SqlParam): string {
  if (param === null) return 'null';
  if (typeof param === 'string') return stringLiteral(param);
  if (typeof param === 'number') {
    if (!Number.isFinite(param)) throw new SqlTemplateError(`parameter :${name} is not a finite number`);
    return Number.isInteger(param) ? String(param) : `cast(${param} as double)`;
  }
  if (Array.isArray(param)) {
    if (param.length === 0) throw new SqlTemplateError(`parameter :${name} is an empty list`);
    return param.map((item) => stringLiteral(item)).join(', ');
  }
  if ('table' in param) return `(${valuesQuery(param.table.columns, param.table.rows)})`;
  if ('query' in param) return `(\n${param.query}\n)`;
  if ('dates' in param) {
    if (param.dates.length === 0) throw new SqlTemplateError(`parameter :${name} is an empty list of dates`);
    return param.dates.map((date) => sqlLiteral(name, { date })).join(', ');
  }
  if ('date' in param) {
    if (!DATE.test(param.date)) throw new SqlTemplateError(`parameter :${name} is not a YYYY-MM-DD date`);
    return `date '${param.date}'`;
  }
  if ('timestamp' in param) {
    if (!TIMESTAMP.test(param.timestamp)) throw new SqlTemplateError(`parameter :${name} is not a timestamp`);
    return `timestamp '${param.timestamp}'`;
  }
  throw new SqlTemplateError(`parameter :${name} has an unsupported type`);
}

/**
 * Substitutes `:name` placeholders outside string literals and comments with validated typed
 * literals. Every placeholder must have a parameter.
 */
export function renderSql(template: string, params: SqlParams = {}): string {
  return template
    .split(/('(?:[^']|'')*'|--[^\n]*)/)
    .map((part, index) => {
      if (index % 2 === 1) return part;
      return part.replace(/(?<![:\w]):([a-z_][a-z0-9_]*)/g, (_, name: string) => {
        const param = params[name];
        if (param === undefined) throw new SqlTemplateError(`query parameter :${name} has no value`);
        return sqlLiteral(name, param);
      });
    })
    .join('');
}

/**
 * A query that returns literal rows: `select * from (values ...) as t(columns)`, every value a
 * validated typed literal. `rows` must not be empty.
 */
export function valuesQuery(columns: readonly string[], rows: readonly (readonly SqlParam[])[]): string {
  if (rows.length === 0) throw new SqlTemplateError('a values query needs at least one row');
  const tuples = rows.map(
    (row) => `(${row.map((value, i) => sqlLiteral(columns[i] ?? 'value', value)).join(', ')})`,
  );
  return `select * from (values ${tuples.join(', ')}) as literal_rows (${columns.join(', ')})`;
}

/** The registry types of `names` in `table`, in that order; a name the table lacks is refused. */
export function columnTypes(table: TableDef, names: readonly string[]): ColumnType[] {
  const types = new Map(allColumns(table).map((column) => [column.name, column.type]));
  return names.map((name) => {
    const type = types.get(name);
    if (type === undefined) throw new SqlTemplateError(`table ${table.name} has no column ${name}`);
    return type;
  });
}

/**
 * `create or replace view` of a view table (see {@link TableDef.isView}) as `sql`, exposing the
 * table's columns in its order. Not cast: the query yields the registry's types (a test checks),
 * and a cast of the column a filter reaches the partition through would stop DuckDB pruning.
 */
export function viewStatement(table: TableDef, sql: string): string {
  if (table.isView !== true) throw new SqlTemplateError(`table ${table.name} is not a view`);
  const columns = allColumns(table).map((column) => column.name);
  return `create or replace view ${table.name} as select ${columns.join(', ')} from (\n${sql}\n)`;
}

/** A select of no rows with the table's columns (all of them by default), each a typed null. */
export function typedEmptyQuery(
  table: TableDef,
  names: readonly string[] = allColumns(table).map((c) => c.name),
): string {
  const types = columnTypes(table, names);
  return `select ${names.map((name, i) => `cast(null as ${types[i]}) as ${name}`).join(', ')} where false`;
}

/**
 * The SQL that yields `rows` with the table's column types: a values query, or with no rows a typed
 * empty select (a values list cannot be empty).
 */
export function literalRowsQuery(table: TableDef, rows: LiteralRows): string {
  return rows.rows.length > 0 ? valuesQuery(rows.columns, rows.rows) : typedEmptyQuery(table, rows.columns);
}

/**
 * Splits `rows` into runs whose rendered values lists stay under `maxBytes` of UTF-8 each (a row
 * longer than that gets a run of its own), keeping their order; no rows give one empty run.
 */
export function chunkLiteralRows(rows: LiteralRows, maxBytes: number): LiteralRows[] {
  const chunks: LiteralRows[] = [];
  let current: (readonly SqlParam[])[] = [];
  let size = 0;
  for (const row of rows.rows) {
    const length = row.reduce<number>(
      (sum, value, i) => sum + Buffer.byteLength(sqlLiteral(rows.columns[i] ?? 'value', value)) + 2,
      4,
    );
    if (current.length > 0 && size + length > maxBytes) {
      chunks.push({ columns: rows.columns, rows: current });
      current = [];
      size = 0;
    }
    current.push(row);
    size += length;
  }
  if (current.length > 0 || chunks.length === 0) chunks.push({ columns: rows.columns, rows: current });
  return chunks;
}

const cache = new Map<string, string>();

/**
 * Loads `<dir>/<name>.sql` (cached); `name` may contain a folder, such as `ingest/accept_events`.
 * `dir` is there for SQL that is not the product's, such as the holdout bench's own queries.
 */
export function loadQuery(name: string, dir: string = QUERIES_DIR): string {
  const path = join(dir, `${name}.sql`);
  let text = cache.get(path);
  if (text === undefined) {
    text = readFileSync(path, 'utf8');
    cache.set(path, text);
  }
  return text;
}

/** Loads and renders a query file of `dir` (by default `queries/`). */
export function queryFile(name: string, params: SqlParams = {}, dir: string = QUERIES_DIR): string {
  return renderSql(loadQuery(name, dir), params);
}
