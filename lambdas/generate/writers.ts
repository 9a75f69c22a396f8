import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { stringify } from 'csv-stringify/sync';
import { GenerateError } from './errors.ts';

/** Lines per chunk handed to the stream: big enough to amortise the call, small enough to stream. */
const LINES_PER_CHUNK = 2000;

function* chunks(lines: readonly string[]): Generator<string> {
  for (let start = 0; start < lines.length; start += LINES_PER_CHUNK) {
    yield `${lines.slice(start, start + LINES_PER_CHUNK).join('\n')}\n`;
  }
}

async function withFolder(path: string, write: () => Promise<void>): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await write();
  } catch (error) {
    throw new GenerateError(`Could not write ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** Writes a small text file, creating its folder. */
export async function writeTextFile(path: string, text: string): Promise<void> {
  await withFolder(path, () => writeFile(path, text));
}

/**
 * Writes lines, each followed by `\n`, through a stream that honours backpressure; gzipped
 * when asked (the gzip header carries no timestamp, so the bytes are reproducible).
 */
export async function writeLineFile(path: string, lines: readonly string[], gzip: boolean): Promise<void> {
  await withFolder(path, () =>
    gzip
      ? pipeline(Readable.from(chunks(lines)), createGzip(), createWriteStream(path))
      : pipeline(Readable.from(chunks(lines)), createWriteStream(path)),
  );
}

/** CSV text with a header row; fields are quoted only when they need it; `\n` line ends. */
export function csvText(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return stringify([header, ...rows]);
}
