import Table from 'cli-table3';
import { stringify } from 'csv-stringify/sync';
import type { Row } from '../../lambdas/warehouse/engine.ts';

/** The output formats of `growthlake query`. */
export const OUTPUT_FORMATS = ['table', 'csv', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Formats query rows: an aligned table, CSV with a header, or a JSON array of row objects. */
export function formatRows(rows: readonly Row[], columns: readonly string[], format: OutputFormat): string {
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  if (format === 'csv') {
    return stringify(
      rows.map((row) => columns.map((column) => row[column] ?? '')),
      { header: true, columns: [...columns] },
    );
  }
  const table = new Table({ head: [...columns], style: { head: [], border: [] } });
  for (const row of rows)
    table.push(columns.map((column) => (row[column] === null ? 'NULL' : String(row[column]))));
  return `${table.toString()}\n(${rows.length} ${rows.length === 1 ? 'row' : 'rows'})\n`;
}
