import { validateEventLine } from './events.ts';
import { csvRecord } from './staging-writer.ts';

/** The longest raw line kept in quarantine. */
export const MAX_RAW_CHARS = 8192;

/** One batch of event lines, validated: staged rows and quarantined rows as CSV text, with counts. */
export interface ValidatedBatch {
  readonly staged: string;
  readonly stagedRows: number;
  readonly rejected: string;
  readonly rejectedRows: number;
}

/**
 * Validates a batch of non-blank event lines into staging CSV (`staged_events` columns) and
 * quarantine CSV (line, reason, raw). Pure, so it runs the same inline and in a worker thread.
 */
export function validateEventBatch(lineNumbers: readonly number[], texts: readonly string[]): ValidatedBatch {
  let staged = '';
  let rejected = '';
  let stagedRows = 0;
  let rejectedRows = 0;
  for (let i = 0; i < texts.length; i += 1) {
    const line = lineNumbers[i] as number;
    const text = texts[i] as string;
    const result = validateEventLine(line, text);
    if (typeof result === 'string') {
      rejected += csvRecord([line, result, text.slice(0, MAX_RAW_CHARS)]);
      rejectedRows += 1;
    } else {
      staged += csvRecord(result.values);
      stagedRows += 1;
    }
  }
  return { staged, stagedRows, rejected, rejectedRows };
}
