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

/** Opens a file as a text stream, gunzipping it when it is gzip (by its magic bytes, whatever its name). */
export async function openText(path: string, onBytes?: (bytes: number) => void): Promise<Readable> {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  if (onBytes !== undefined) raw.on('data', (chunk) => onBytes(chunk.length));
  if (!(await isGzip(path))) return raw;
  const gunzip = createGunzip();
  raw.on('error', (error) => gunzip.destroy(error));
  return raw.pipe(gunzip);
}

/**
 * Streams a file's lines with their numbers; memory stays flat whatever the file's size.
 * `onBytes` reports raw (possibly compressed) bytes read, for progress.
 */
export async function* readLines(path: string, onBytes?: (bytes: number) => void): AsyncGenerator<NumberedLine> {
  const lines = createInterface({ input: await openText(path, onBytes), crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    yield { line, text };
  }
}

/** The SHA-256 of a file's bytes, hex: the identity of an ingest. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), hash);
  return hash.digest('hex');
}
