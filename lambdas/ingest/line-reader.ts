import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { IngestError } from './errors.ts';

/** One line of a text file; `line` is 1-based. */
export interface NumberedLine {
  readonly line: number;
  readonly text: string;
  /** Set when the line was longer than MAX_LINE_CHARS: its length, `text` being only its start. */
  readonly oversizedChars?: number;
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

/**
 * The longest line read, in characters: a longer one (a 2 GB single-line export) is not held in
 * memory but skipped to its end, and comes out as its first {@link OVERSIZED_HEAD_CHARS} characters
 * with `oversizedChars` set, for its reader to quarantine.
 */
export const MAX_LINE_CHARS = 16 << 20;

/** The characters of an oversized line that are kept. */
export const OVERSIZED_HEAD_CHARS = 8192;

/** The one-line reason an oversized line is quarantined with. */
export function oversizedLineReason(chars: number): string {
  return `line is ${chars} characters long, more than the ${MAX_LINE_CHARS} a line may have: not read`;
}

/** A line break as readline knows them: `\r\n`, `\n`, or a lone `\r`. */
const LINE_BREAK = /\r\n|\r|\n/;

/**
 * Streams a file's lines with their numbers; memory stays flat whatever the file's size, and a line
 * longer than {@link MAX_LINE_CHARS} comes out cut short with `oversizedChars` (see there). Lines
 * end at `\r\n`, `\n` or a lone `\r`, as readline's do.
 */
export async function* readLines(path: string, options: ReadOptions = {}): AsyncGenerator<NumberedLine> {
  const { onBytes, hash } = options;
  const source = await openText(path);
  // Attached in the same tick as the reader below, so no chunk flows past either.
  if (hash !== undefined) source.raw.on('data', (chunk: Buffer) => hash.update(chunk));
  const decoder = new StringDecoder('utf8');
  let line = 0;
  let partial = '';
  let skipping: { chars: number; head: string } | null = null;
  // A chunk that ended in \r: a \n starting the next one is the same line break.
  let afterCarriageReturn = false;
  const complete = (text: string): NumberedLine => {
    line += 1;
    if (onBytes !== undefined && line % PROGRESS_EVERY_LINES === 0) onBytes(source.bytesRead());
    const clean = line === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    return { line, text: clean };
  };
  const finishSkipped = (skip: { chars: number; head: string }): NumberedLine => ({
    ...complete(skip.head),
    oversizedChars: skip.chars,
  });
  const consume = function* (decoded: string): Generator<NumberedLine> {
    let text = decoded;
    if (afterCarriageReturn && text.startsWith('\n')) text = text.slice(1);
    if (text === '') return;
    afterCarriageReturn = text.endsWith('\r');
    const pieces = text.split(LINE_BREAK);
    for (let i = 0; i < pieces.length; i += 1) {
      const piece = pieces[i] as string;
      const isLast = i === pieces.length - 1;
      if (skipping !== null) {
        skipping.chars += piece.length;
        if (isLast) return;
        yield finishSkipped(skipping);
        skipping = null;
        continue;
      }
      partial += piece;
      if (!isLast) {
        // A line that ends in the chunk that took it over the bound is cut short all the same.
        yield partial.length > MAX_LINE_CHARS
          ? finishSkipped({ chars: partial.length, head: partial.slice(0, OVERSIZED_HEAD_CHARS) })
          : complete(partial);
        partial = '';
      } else if (partial.length > MAX_LINE_CHARS) {
        skipping = { chars: partial.length, head: partial.slice(0, OVERSIZED_HEAD_CHARS) };
        partial = '';
      }
    }
  };
  for await (const chunk of source.stream as AsyncIterable<Buffer>) yield* consume(decoder.write(chunk));
  yield* consume(decoder.end());
  if (skipping !== null) yield finishSkipped(skipping);
  else if (partial !== '') yield complete(partial);
  onBytes?.(source.bytesRead());
}

/** A SHA-256 to feed a file's bytes into while reading it: its hex digest is the ingest id. */
export function newIngestHash(): Hash {
  return createHash('sha256');
}
