import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { IngestError } from './errors.ts';

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

/** A file opened as text, with its raw (possibly compressed) byte stream. */
export interface TextSource {
  readonly stream: Readable;
  readonly raw: Readable;
  bytesRead(): number;
}

/** What a reader reports while it reads. */
export interface ReadOptions {
  /** Called now and then with the raw bytes read so far, for progress. */
  readonly onBytes?: (bytesRead: number) => void;
  /** Fed every raw byte read, so a file is hashed in the same pass that reads it. */
  readonly hash?: Hash;
}

/** Opens a file as a text stream, gunzipping it when it is gzip (by its magic bytes, whatever its name). */
export async function openText(path: string): Promise<TextSource> {
  const gzip = await isGzip(path);
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  const bytesRead = () => raw.bytesRead;
  if (!gzip) return { stream: raw, raw, bytesRead };
  const gunzip = createGunzip();
  const text = new PassThrough();
  raw.on('error', (error) => gunzip.destroy(error));
  // zlib's own words ("unexpected end of file") do not say which file or what to do about it.
  gunzip.on('error', (error: NodeJS.ErrnoException) =>
    text.destroy(
      error.code?.startsWith('Z_') === true
        ? new IngestError(
            `${path}: the gzip data is truncated or corrupt (${error.message}); the file was not ingested: send it again whole`,
            { cause: error },
          )
        : error,
    ),
  );
  raw.pipe(gunzip).pipe(text);
  return { stream: text, raw, bytesRead };
}

const PROGRESS_EVERY_LINES = 4096;

/** Streams a file's lines with their numbers; memory stays flat whatever the file's size. */
export async function* readLines(path: string, options: ReadOptions = {}): AsyncGenerator<NumberedLine> {
  const { onBytes, hash } = options;
  const source = await openText(path);
  // Attached in the same tick as readline, so no chunk flows past either.
  if (hash !== undefined) source.raw.on('data', (chunk: Buffer) => hash.update(chunk));
  const lines = createInterface({ input: source.stream, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  for await (const raw of lines) {
    line += 1;
    const text = line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (onBytes !== undefined && line % PROGRESS_EVERY_LINES === 0) onBytes(source.bytesRead());
    yield { line, text };
  }
  onBytes?.(source.bytesRead());
}

/** A SHA-256 to feed a file's bytes into while reading it: its hex digest is the ingest id. */
export function newIngestHash(): Hash {
  return createHash('sha256');
}
