import { readCsvRecords } from './csv-lines.ts';
import { oversizedLineReason, type ReadOptions, readLines } from './line-reader.ts';

/** One input row of a tabular file (CSV or NDJSON): its fields, or why it could not be read. */
export type InputRecord =
  | { readonly line: number; readonly raw: string; readonly fields: Readonly<Record<string, unknown>> }
  | { readonly line: number; readonly raw: string; readonly error: string };

async function firstNonBlankCharacter(path: string): Promise<string | undefined> {
  for await (const { text } of readLines(path)) {
    const trimmed = text.replace(/^\uFEFF/, '').trim();
    if (trimmed !== '') return trimmed[0];
  }
  return undefined;
}

async function* readJsonRecords(path: string, options: ReadOptions = {}): AsyncGenerator<InputRecord> {
  for await (const { line, text, oversizedChars } of readLines(path, options)) {
    if (oversizedChars !== undefined) {
      yield { line, raw: text, error: oversizedLineReason(oversizedChars) };
      continue;
    }
    if (text.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      yield { line, raw: text, error: 'not valid JSON' };
      continue;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      yield { line, raw: text, error: 'not a JSON object' };
    } else yield { line, raw: text, fields: parsed as Record<string, unknown> };
  }
}

/**
 * Reads a tabular input that may be CSV with a header row or newline-delimited JSON with the same
 * fields (docs/contract.md, Spend): a file whose first non-blank character is `{` is read as JSON.
 */
export async function* readRecords(
  path: string,
  requiredColumns: readonly string[],
  options: ReadOptions = {},
): AsyncGenerator<InputRecord> {
  if ((await firstNonBlankCharacter(path)) === '{') yield* readJsonRecords(path, options);
  else yield* readCsvRecords(path, requiredColumns, options);
}
