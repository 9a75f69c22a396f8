import { parse } from 'csv-parse/sync';
import { IngestError } from './errors.ts';
import { type NumberedLine, oversizedLineReason, type ReadOptions, readLines } from './line-reader.ts';

/** One data line of a CSV file: its fields by header name, or why it could not be read. */
export type CsvRecord =
  | { readonly line: number; readonly raw: string; readonly fields: Readonly<Record<string, string>> }
  | { readonly line: number; readonly raw: string; readonly error: string };

function splitLine(text: string): string[] {
  return parse(text, { relax_quotes: true, trim: true })[0] ?? [];
}

/** Data lines parsed per call of the CSV parser: each call costs about as much as a short line. */
const LINES_PER_BLOCK = 512;

/**
 * Splits a block of physical lines in one call of the parser, or returns null when the block must
 * be read line by line: a line the parser rejects, a quoted field running across lines (the
 * records would not be the lines), or a carriage return inside a line.
 */
function splitBlock(texts: readonly string[]): string[][] | null {
  if (texts.some((text) => text.includes('\r'))) return null;
  try {
    const rows = parse(texts.join('\n'), {
      relax_quotes: true,
      trim: true,
      relax_column_count: true,
      record_delimiter: '\n',
    }) as string[][];
    return rows.length === texts.length ? rows : null;
  } catch {
    return null;
  }
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
 * Reads a CSV file with a header row, each physical line its own record, so a broken line (an
 * unclosed quote, a wrong field count) is reported on its own and never swallows the lines after
 * it. Lines are parsed a block at a time, and a block the parser cannot split into its lines one
 * to one is parsed again line by line.
 * Throws {@link IngestError} when the header lacks a required column.
 */
export async function* readCsvRecords(
  path: string,
  requiredColumns: readonly string[],
  options: ReadOptions = {},
  headerOptions: CsvHeaderOptions = {},
): AsyncGenerator<CsvRecord> {
  let header: string[] | undefined;
  let block: NumberedLine[] = [];
  for await (const { line, text, oversizedChars } of readLines(path, options)) {
    if (oversizedChars !== undefined) {
      if (header === undefined)
        throw new IngestError(`${path}: the header row: ${oversizedLineReason(oversizedChars)}`);
      // In order: the lines before it, then it.
      yield* recordsOf(block, header);
      block = [];
      yield { line, raw: text, error: oversizedLineReason(oversizedChars) };
      continue;
    }
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
    block.push({ line, text });
    if (block.length === LINES_PER_BLOCK) {
      yield* recordsOf(block, header);
      block = [];
    }
  }
  if (header === undefined) throw new IngestError(`${path}: the file is empty (a header row is required)`);
  yield* recordsOf(block, header);
}

/** The records of a block of data lines, each line its own record, in order. */
function* recordsOf(block: readonly NumberedLine[], header: readonly string[]): Generator<CsvRecord> {
  const rows = splitBlock(block.map(({ text }) => text));
  for (const [index, { line, text }] of block.entries()) {
    let values: string[];
    if (rows !== null) values = rows[index] as string[];
    else {
      try {
        values = splitLine(text);
      } catch (error) {
        yield { line, raw: text, error: `not a valid CSV line: ${(error as Error).message.split(':')[0]}` };
        continue;
      }
    }
    if (values.length !== header.length) {
      yield { line, raw: text, error: `has ${values.length} fields, the header has ${header.length}` };
      continue;
    }
    const fields: Record<string, string> = {};
    header.forEach((name, i) => {
      fields[name] = values[i] as string;
    });
    yield { line, raw: text, fields };
  }
}
