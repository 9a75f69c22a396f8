import type { EventBlock } from './event-batch.ts';
import { openText, type ReadOptions } from './line-reader.ts';

/** Bytes per block handed to a validator: large enough to amortise messaging, small enough to stream. */
export const BLOCK_BYTES = 1 << 20;

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
  for await (const chunk of source.stream as AsyncIterable<Buffer>) {
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes < BLOCK_BYTES) continue;
    const joined = Buffer.concat(pending, pendingBytes);
    const end = joined.lastIndexOf(NEWLINE);
    if (end === -1) continue;
    yield cut(joined.subarray(0, end));
    const rest = joined.subarray(end + 1);
    pending = rest.length > 0 ? [Buffer.from(rest)] : [];
    pendingBytes = rest.length;
    onBytes?.(source.bytesRead());
  }
  if (pendingBytes > 0) yield cut(Buffer.concat(pending, pendingBytes));
  onBytes?.(source.bytesRead());
}
