import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

/** One line of a text file; `line` is 1-based. */
export interface NumberedLine {
  readonly line: number;
  readonly text: string;
}

async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** A file opened as text, with how many raw (possibly compressed) bytes have been read from disk. */
export interface TextSource {
  readonly stream: Readable;
  bytesRead(): number;
}

/** Opens a file as a text stream, gunzipping it when it is gzip (by its magic bytes, whatever its name). */
export async function openText(path: string): Promise<TextSource> {
  const gzip = await isGzip(path);
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  const bytesRead = () => raw.bytesRead;
  if (!gzip) return { stream: raw, bytesRead };
  const gunzip = createGunzip();
  raw.on('error', (error) => gunzip.destroy(error));
  return { stream: raw.pipe(gunzip), bytesRead };
}

const PROGRESS_EVERY_LINES = 4096;

/**
 * Streams a file's lines with their numbers; memory stays flat whatever the file's size.
 * `onBytes` is called now and then with the raw bytes read so far, for progress.
 */
export async function* readLines(
  path: string,
  onBytes?: (bytesRead: number) => void,
): AsyncGenerator<NumberedLine> {
  const source = await openText(path);
  const lines = createInterface({ input: source.stream, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    if (onBytes !== undefined && line % PROGRESS_EVERY_LINES === 0) onBytes(source.bytesRead());
    yield { line, text };
  }
  onBytes?.(source.bytesRead());
}

/** The SHA-256 of a file's bytes, hex: the identity of an ingest. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), hash);
  return hash.digest('hex');
}
