import { parse } from 'csv-parse/sync';
import { IngestError } from './errors.ts';
import { type ReadOptions, readLines } from './line-reader.ts';

/** One data line of a CSV file: its fields by header name, or why it could not be read. */
export type CsvRecord =
  | { readonly line: number; readonly raw: string; readonly fields: Readonly<Record<string, string>> }
  | { readonly line: number; readonly raw: string; readonly error: string };

function splitLine(text: string): string[] {
  return parse(text, { relax_quotes: true, trim: true })[0] ?? [];
}

/** How {@link readCsvRecords} reads the header row. */
export interface CsvHeaderOptions {
  /**
   * Keep header names as the file spells them (vendor exports: `Event Time`, `AppsFlyer ID`) instead
   * of lowercasing them. @default false
   */
  readonly exactHeader?: boolean;
}

/**
 * Reads a CSV file with a header row, one physical line at a time, so a broken line (an unclosed
 * quote, a wrong field count) is reported on its own and never swallows the lines after it.
 * Throws {@link IngestError} when the header lacks a required column.
 */
export async function* readCsvRecords(
  path: string,
  requiredColumns: readonly string[],
  options: ReadOptions = {},
  headerOptions: CsvHeaderOptions = {},
): AsyncGenerator<CsvRecord> {
  let header: string[] | undefined;
  for await (const { line, text } of readLines(path, options)) {
    if (text.trim() === '') continue;
    if (header === undefined) {
      const names = splitLine(text.replace(/^\uFEFF/, ''));
      header = headerOptions.exactHeader === true ? names : names.map((name) => name.toLowerCase());
      const missing = requiredColumns.filter((column) => !header?.includes(column));
      if (missing.length > 0) {
        throw new IngestError(
          `${path}: the header has no column ${missing.join(', ')} (found: ${header.join(',')})`,
        );
      }
      continue;
    }
    let values: string[];
    try {
      values = splitLine(text);
    } catch (error) {
      yield { line, raw: text, error: `not a valid CSV line: ${(error as Error).message.split(':')[0]}` };
      continue;
    }
    if (values.length !== header.length) {
      yield { line, raw: text, error: `has ${values.length} fields, the header has ${header.length}` };
      continue;
    }
    const fields: Record<string, string> = {};
    header.forEach((name, index) => {
      fields[name] = values[index] as string;
    });
    yield { line, raw: text, fields };
  }
  if (header === undefined) throw new IngestError(`${path}: the file is empty (a header row is required)`);
}
