/** Pure conversion of Athena's GetQueryResults pages into engine rows. */
import type { Row as AthenaRow, ColumnInfo } from '@aws-sdk/client-athena';
import type { Row, SqlValue } from './engine.ts';

const NUMERIC_TYPES = new Set([
  'tinyint',
  'smallint',
  'integer',
  'int',
  'bigint',
  'real',
  'float',
  'double',
  'decimal',
]);
const TIMESTAMP_TEXT = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?$/;

/**
 * A timestamp as the engines return it, `YYYY-MM-DD HH:MM:SS.mmm`: Athena prints `timestamp(3)`
 * with milliseconds and `timestamp(6)` with microseconds, which are cut to milliseconds.
 */
export function timestampText(text: string): string {
  const match = TIMESTAMP_TEXT.exec(text);
  if (match === null) return text;
  const [, date, time, fraction = ''] = match;
  return `${date} ${time}.${fraction.padEnd(3, '0').slice(0, 3)}`;
}

/**
 * Converts one cell by its `ColumnInfo.Type`: numbers (`bigint`, `integer`, `double`, `decimal`,
 * ...) to numbers, `boolean` to a boolean, `timestamp` to `YYYY-MM-DD HH:MM:SS.mmm`; `date`,
 * `varchar` and every other type stay text. A cell without a value is SQL null.
 */
export function convertCell(text: string | undefined, type: string): SqlValue {
  if (text === undefined) return null;
  const base = type.toLowerCase().replace(/\(.*$/, '').trim();
  if (NUMERIC_TYPES.has(base)) return Number(text);
  if (base === 'boolean') return text === 'true';
  if (base === 'timestamp') return timestampText(text);
  return text;
}

/**
 * The rows of one GetQueryResults page, named by `columns`. The first page of a SELECT starts
 * with a header row of column names, which `skipHeader` drops.
 */
export function pageRows(
  rows: readonly AthenaRow[],
  columns: readonly ColumnInfo[],
  skipHeader: boolean,
): Row[] {
  return rows.slice(skipHeader ? 1 : 0).map((row) => {
    const converted: Row = {};
    columns.forEach((column, index) => {
      converted[column.Name ?? `_col${index}`] = convertCell(
        row.Data?.[index]?.VarCharValue,
        column.Type ?? 'varchar',
      );
    });
    return converted;
  });
}
