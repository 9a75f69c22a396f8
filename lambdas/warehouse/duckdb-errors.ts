/**
 * DuckDB's failures as the user should read them. Most pass through as one line prefixed
 * `DuckDB:`; a lake file DuckDB cannot read as Parquet (truncated by a full disk or a copy cut
 * short, or overwritten) becomes one line naming the table, the file and what to do about it,
 * instead of DuckDB's "No magic bytes found at end of file '/abs/path'".
 */
import { isAbsolute, relative, sep } from 'node:path';
import type { TableDef } from '../contract/table-def.ts';
import { TABLES } from '../contract/tables.ts';
import { QueryError } from './errors.ts';

/**
 * DuckDB's messages about a file that is not readable Parquet and that name it (DuckDB 1.5), and
 * what each means: a file cut anywhere before its footer's end, or shorter than a footer. A file
 * whose footer decodes to nonsense fails with a message that names no file ("don't know what
 * type"), which passes through as it is.
 */
const UNREADABLE_PARQUET: readonly { readonly pattern: RegExp; readonly meaning: string }[] = [
  { pattern: /No magic bytes found at end of file '([^']+)'/, meaning: 'has no Parquet footer at its end' },
  { pattern: /File '([^']+)' too small to be a Parquet file/, meaning: 'is too small to be Parquet' },
];

/** A lake file that DuckDB cannot read as Parquet; the message says which table and what to do. */
export class CorruptLakeFileError extends QueryError {
  /** The file, relative to the lake's root (`curated/events/dt=2026-11-19/<id>_0.parquet`). */
  public readonly file: string;
  /** The registry table whose location holds the file, if any. */
  public readonly table: string | undefined;

  public constructor(
    message: string,
    file: string,
    table: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.file = file;
    this.table = table;
  }
}

/** The table whose location holds `file` (a lake-relative path with `/`), the longest location first. */
function tableOf(file: string, tables: readonly TableDef[]): TableDef | undefined {
  return tables
    .filter((table) => file.startsWith(`${table.location}/`))
    .sort((a, b) => b.location.length - a.location.length)[0];
}

/**
 * What to do about an unreadable file of `table`. Ingested tables (curated inputs, the ingest log
 * and quarantine) are rebuilt from nothing else in the lake, and ingesting the same file again is a
 * no-op while the ingest log remembers it: only a backup, or a new lake, brings them back. Derived
 * tables (state and marts) are rebuilt by a run once the build manifest, which would otherwise
 * judge their dates up to date, is gone too.
 */
function remedy(table: TableDef | undefined, lakeRoot: string): string {
  if (table === undefined) return 'restore it from a backup, or move it out of the lake';
  if (table.layer === 'state' || table.layer === 'mart') {
    const manifest = TABLES.build_manifest.location.split('/').join(sep);
    return (
      `restore it from a backup, or delete it and ${lakeRoot}${sep}${manifest}${sep} ` +
      'and run the latest date again, which rebuilds the derived tables from the ingested data'
    );
  }
  return (
    'restore it from a backup; it holds ingested data that the lake cannot rebuild, so without a backup ' +
    'ingest the input files again into a new lake'
  );
}

/**
 * The error to throw for a DuckDB failure `error` on the lake under `lakeRoot`: a
 * {@link CorruptLakeFileError} when DuckDB names a lake file it cannot read as Parquet, else a
 * {@link QueryError} with DuckDB's first line. Either keeps DuckDB's error as its cause.
 */
export function duckDbError(
  error: unknown,
  lakeRoot: string,
  tables: readonly TableDef[] = Object.values(TABLES),
): QueryError {
  const reason = (error as Error).message.split('\n')[0] ?? '';
  for (const { pattern, meaning } of UNREADABLE_PARQUET) {
    const path = pattern.exec(reason)?.[1];
    if (path === undefined) continue;
    const inLake = relative(lakeRoot, path);
    if (inLake.startsWith('..') || isAbsolute(inLake)) break;
    const file = inLake.split(sep).join('/');
    const table = tableOf(file, tables);
    const what = table === undefined ? `the lake file ${file}` : `table ${table.name}: the file ${file}`;
    return new CorruptLakeFileError(
      `${what} ${meaning}: it is truncated or corrupt; ${remedy(table, lakeRoot)}`,
      file,
      table?.name,
      { cause: error },
    );
  }
  return new QueryError(`DuckDB: ${reason}`, { cause: error });
}
