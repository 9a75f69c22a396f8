import { TABLES } from '../lambdas/contract/tables.ts';
import type { StatementCost } from './query-profile.ts';

/** Athena's list price (us-east-1), USD per TB scanned. */
export const ATHENA_USD_PER_TB = 5;
/** Athena bills each query's scan rounded up to the MB, and at least 10 MB. */
export const ATHENA_MIN_BYTES = 10 * 2 ** 20;
const MB = 2 ** 20;
const TB = 2 ** 40;

/**
 * Literal rows per Athena statement: AthenaEngine splits literal rows into VALUES queries of at most
 * 200,000 bytes of SQL (MAX_LITERAL_SQL_BYTES), and a row of the tables written so (exposures,
 * forecasts, alerts) takes about 256 characters.
 */
export const LITERAL_ROWS_PER_QUERY = 780;

/**
 * The Athena queries one profiled statement of a local run stands for, each as the bytes it would
 * scan: a query is one; a write of a partitioned table is two, because AthenaEngine first asks
 * which partitions the query produces and then UNLOADs it, and both read its inputs (counted here
 * at the bytes DuckDB read once); a write of another table is one; a write of literal rows is one
 * VALUES query per {@link LITERAL_ROWS_PER_QUERY} rows (`rows`, else the rows profiled), each
 * scanning nothing and billed the minimum; defining a view is DDL and refreshing one does nothing
 * on Athena, neither billed.
 */
export function athenaScans(label: string, bytes: number, rows?: number): number[] {
  if (label.startsWith('query ')) return [bytes];
  const write = /^write (\w+)(?: \((\d+) rows\))?$/.exec(label);
  if (write === null) return [];
  if (write[2] !== undefined) {
    const queries = Math.max(1, Math.ceil((rows ?? Number(write[2])) / LITERAL_ROWS_PER_QUERY));
    return new Array<number>(queries).fill(0);
  }
  const table = Object.values(TABLES).find((t) => t.name === write[1]);
  return table?.partition === undefined ? [bytes] : [bytes, bytes];
}

/** Bytes billed for queries scanning `scans`: each rounded up to a MB, at least 10 MB. */
export function billedBytes(scans: readonly number[]): number {
  return scans.reduce((sum, bytes) => sum + Math.max(ATHENA_MIN_BYTES, Math.ceil(bytes / MB) * MB), 0);
}

/**
 * What Athena would scan for a statement: what DuckDB read, less the estimate of what it read back
 * from its own spill (a lower bound, see StatementCost's spilledBytes; `bytesRead` is the upper one).
 */
export function scannedBytes(statement: StatementCost): number {
  return statement.bytesRead - (statement.spilledBytes ?? 0);
}

/** What a daily run would cost on Athena. */
export interface AthenaEstimate {
  readonly queries: number;
  readonly scannedBytes: number;
  readonly billedBytes: number;
  readonly usd: number;
}

/** The statements of one measured run at a user base. */
export interface ProfiledRun {
  readonly users: number;
  readonly statements: readonly StatementCost[];
}

/** The rows a write of literal rows wrote, from its label. */
function literalRows(label: string): number | undefined {
  const rows = /\((\d+) rows\)$/.exec(label)?.[1];
  return rows === undefined ? undefined : Number(rows);
}

/**
 * Statements keyed by label (without a literal write's row count) and occurrence, so that two runs
 * of the same code line up.
 */
function keyed(statements: readonly StatementCost[]): Map<string, StatementCost> {
  const seen = new Map<string, number>();
  const map = new Map<string, StatementCost>();
  for (const statement of statements) {
    const label = statement.label.replace(/ \(\d+ rows\)$/, '');
    const n = seen.get(label) ?? 0;
    seen.set(label, n + 1);
    map.set(`${label}#${n}`, statement);
  }
  return map;
}

/** `measured` at `run.users` extended to `users` along the line through `at` (at `other.users`), else in proportion. */
function extend(
  measured: number,
  at: number | undefined,
  run: ProfiledRun,
  other: ProfiledRun,
  users: number,
) {
  if (users === run.users) return measured;
  if (at === undefined) return (measured * users) / run.users;
  return Math.max(0, measured + ((measured - at) / (run.users - other.users)) * (users - run.users));
}

/**
 * The Athena bill of the daily run of `run` at `users`: each statement's scanned bytes (and a literal
 * write's rows) extended along the line through its figures in `run` and in `other` (the same run at
 * another user base); a statement `other` lacks grows in proportion to the user base. At
 * `run.users` it is what was measured.
 */
export function athenaEstimate(run: ProfiledRun, other: ProfiledRun, users: number): AthenaEstimate {
  const otherStatements = keyed(other.statements);
  const scans: number[] = [];
  for (const [key, statement] of keyed(run.statements)) {
    const otherStatement = otherStatements.get(key);
    const bytes = extend(
      scannedBytes(statement),
      otherStatement === undefined ? undefined : scannedBytes(otherStatement),
      run,
      other,
      users,
    );
    const rows = literalRows(statement.label);
    const otherRows = otherStatement === undefined ? undefined : literalRows(otherStatement.label);
    const rowsAt = rows === undefined ? undefined : Math.round(extend(rows, otherRows, run, other, users));
    scans.push(...athenaScans(statement.label, bytes, rowsAt));
  }
  const billed = billedBytes(scans);
  return {
    queries: scans.length,
    scannedBytes: scans.reduce((sum, bytes) => sum + bytes, 0),
    billedBytes: billed,
    usd: (billed / TB) * ATHENA_USD_PER_TB,
  };
}
