import { validateEventLine } from './events.ts';
import { type Pseudonymizer, redactQuarantinedLine } from './pseudonymizer.ts';
import { csvRecord } from './staging-writer.ts';

/** The longest raw line kept in quarantine. */
export const MAX_RAW_CHARS = 8192;

/** The longest event line read, MiB: a longer one is quarantined unread, so memory stays bounded. */
export const MAX_LINE_MIB = 16;

/** A block of whole lines of an events file, and the number of its first line. */
export interface EventBlock {
  readonly firstLine: number;
  readonly bytes: Uint8Array;
  /**
   * Instead of lines: one line longer than the reader holds (see MAX_LINE_BYTES in
   * block-reader.ts), its length and first characters, to be quarantined as such.
   */
  readonly oversized?: { readonly bytes: number; readonly head: string };
}

/** What the validator hands each validation worker when it starts. */
export interface EventValidationWorkerData {
  /** The lake's pseudonymization key; absent when the ingest has none. */
  readonly pseudonymizationKey?: string;
}

/** One block, validated: staged rows and quarantined rows as CSV text, with counts. */
export interface ValidatedBatch {
  /** Non-blank lines read. */
  readonly rowsRead: number;
  readonly staged: string;
  readonly stagedRows: number;
  readonly rejected: string;
  readonly rejectedRows: number;
}

const decoder = new TextDecoder();

/**
 * Validates a block of event lines into staging CSV (`staged_events` columns) and quarantine CSV
 * (line, reason, raw). Pure, so it runs the same inline and on a worker thread. Blank lines are
 * skipped but keep their numbers; `\r\n` endings and a byte-order mark on line 1 are ignored. Device
 * and funding ids are pseudonymized, in the staged rows and in the quarantined lines' raw text.
 */
export function validateEventBlock(block: EventBlock, pseudonymizer?: Pseudonymizer): ValidatedBatch {
  if (block.oversized !== undefined) {
    const { bytes, head } = block.oversized;
    const rejected = csvRecord([
      block.firstLine,
      `line is ${bytes} bytes long, more than the ${MAX_LINE_MIB} MiB an event line may have: not read`,
      redactQuarantinedLine(head, pseudonymizer).slice(0, MAX_RAW_CHARS),
    ]);
    return { rowsRead: 1, staged: '', stagedRows: 0, rejected, rejectedRows: 1 };
  }
  const lines = decoder.decode(block.bytes).split('\n');
  let staged = '';
  let rejected = '';
  let rowsRead = 0;
  let stagedRows = 0;
  let rejectedRows = 0;
  for (let i = 0; i < lines.length; i += 1) {
    let text = lines[i] as string;
    if (text.endsWith('\r')) text = text.slice(0, -1);
    const line = block.firstLine + i;
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() === '') continue;
    rowsRead += 1;
    const result = validateEventLine(line, text, pseudonymizer);
    if (typeof result === 'string') {
      rejected += csvRecord([
        line,
        result,
        redactQuarantinedLine(text, pseudonymizer).slice(0, MAX_RAW_CHARS),
      ]);
      rejectedRows += 1;
    } else {
      staged += csvRecord(result.values);
      stagedRows += 1;
    }
  }
  return { rowsRead, staged, stagedRows, rejected, rejectedRows };
}
