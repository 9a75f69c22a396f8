import type { z } from 'zod';
import { reasonOf } from '../contract/inputs.ts';
import type { StagingSink } from './kind.ts';
import { readRecords } from './records.ts';

/** A row of a tabular input that passed its kind's schema. */
export interface ValidRecord<Row> {
  readonly line: number;
  readonly raw: string;
  readonly row: Row;
}

/** How many rows {@link validRecords} has read so far, valid or not. */
export interface ReadTally {
  rowsRead: number;
}

/**
 * Reads a CSV or NDJSON input (see {@link readRecords}) and parses each row with its kind's schema:
 * a row that cannot be read or fails the schema is quarantined through the sink with its one-line
 * reason, and every valid row is yielded. `tally` counts every row read, so that the kind can
 * account for each of them.
 */
export async function* validRecords<Schema extends z.ZodType>(
  path: string,
  requiredColumns: readonly string[],
  schema: Schema,
  sink: StagingSink,
  tally: ReadTally,
): AsyncGenerator<ValidRecord<z.output<Schema>>> {
  for await (const record of readRecords(path, requiredColumns, sink.read)) {
    tally.rowsRead += 1;
    if ('error' in record) {
      await sink.reject(record.line, record.error, record.raw);
      continue;
    }
    const parsed = schema.safeParse(record.fields);
    if (parsed.success) yield { line: record.line, raw: record.raw, row: parsed.data };
    else await sink.reject(record.line, reasonOf(parsed.error), record.raw);
  }
}
