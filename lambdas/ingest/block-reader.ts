import { type EventBlock, MAX_LINE_MIB, MAX_RAW_CHARS } from './event-batch.ts';
import { openText, type ReadOptions } from './line-reader.ts';

/** Bytes per block handed to a validator: large enough to amortise messaging, small enough to stream. */
export const BLOCK_BYTES = 1 << 20;

/** The longest line held in memory; a longer one is skipped to its end and quarantined. */
export const MAX_LINE_BYTES = MAX_LINE_MIB << 20;

const NEWLINE = 0x0a;

function countNewlines(bytes: Uint8Array): number {
  let count = 0;
  for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) count += 1;
  return count;
}

/**
 * Streams a file (gunzipped when gzip) as blocks of whole lines of about {@link BLOCK_BYTES}, each
 * with the number of its first line. The main thread only cuts and counts; splitting the lines,
 * decoding and validating them is left to whoever receives the block.
 */
export async function* readBlocks(path: string, options: ReadOptions = {}): AsyncGenerator<EventBlock> {
  const { onBytes, hash } = options;
  const source = await openText(path);
  // Attached in the same tick as the reader below, so no chunk flows past it.
  if (hash !== undefined) source.raw.on('data', (chunk: Buffer) => hash.update(chunk));
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let nextLine = 1;
  const cut = (bytes: Buffer): EventBlock => {
    const block = { firstLine: nextLine, bytes: new Uint8Array(bytes) };
    nextLine += countNewlines(bytes) + 1;
    return block;
  };
  // A line longer than MAX_LINE_BYTES (a 2 GB line of a broken export) is not held: its first
  // characters are kept, the rest counted and dropped up to its newline, and it is quarantined.
  let skipping: { bytes: number; head: string } | null = null;
  /** Whether `pending` is the start of a line with no newline in it yet. */
  let openLine = false;
  const skipped = (skip: { bytes: number; head: string }): EventBlock => {
    const block = { firstLine: nextLine, bytes: new Uint8Array(0), oversized: skip };
    nextLine += 1;
    return block;
  };
  for await (const chunk of source.stream as AsyncIterable<Buffer>) {
    let data = chunk;
    if (skipping !== null) {
      const end = data.indexOf(NEWLINE);
      if (end === -1) {
        skipping.bytes += data.length;
        continue;
      }
      skipping.bytes += end;
      yield skipped(skipping);
      skipping = null;
      data = data.subarray(end + 1);
    }
    pending.push(data);
    pendingBytes += data.length;
    if (pendingBytes < BLOCK_BYTES) continue;
    // Still inside one line that has no newline yet: nothing to cut, so nothing to join.
    if (openLine && data.indexOf(NEWLINE) === -1) {
      if (pendingBytes > MAX_LINE_BYTES) {
        const head = Buffer.concat(pending, pendingBytes).subarray(0, MAX_RAW_CHARS).toString('utf8');
        skipping = { bytes: pendingBytes, head };
        pending = [];
        pendingBytes = 0;
        openLine = false;
      }
      continue;
    }
    const joined = Buffer.concat(pending, pendingBytes);
    const end = joined.lastIndexOf(NEWLINE);
    if (end !== -1) yield cut(joined.subarray(0, end));
    const rest = end === -1 ? joined : joined.subarray(end + 1);
    pending = rest.length > 0 ? [Buffer.from(rest)] : [];
    pendingBytes = rest.length;
    openLine = rest.length > 0;
    onBytes?.(source.bytesRead());
  }
  if (skipping !== null) yield skipped(skipping);
  else if (pendingBytes > 0) yield cut(Buffer.concat(pending, pendingBytes));
  onBytes?.(source.bytesRead());
}
