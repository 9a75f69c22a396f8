import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { ObjectStore } from '../storage/object-store.ts';

/** A value written to a staging CSV: null becomes an empty field. */
export type StagedValue = string | number | null;

const NEEDS_QUOTES = /[",\r\n]/;

function field(value: StagedValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  if (value === '') return '""';
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Formats one RFC 4180 CSV record (the hot path of ingestion, hence no library call per row). */
export function csvRecord(values: readonly StagedValue[]): string {
  let line = field(values[0] ?? null);
  for (let i = 1; i < values.length; i += 1) line += `,${field(values[i] ?? null)}`;
  return `${line}\n`;
}

const FLUSH_AT = 1 << 16;

/**
 * Streams CSV records to one object of the store, in 64 KiB chunks with backpressure, so memory
 * stays flat however many rows pass through.
 */
export class StagingWriter {
  public rows = 0;
  readonly #stream = new PassThrough();
  readonly #done: Promise<void>;
  #buffer = '';

  public constructor(store: ObjectStore, key: string) {
    // abort() may destroy the stream before the store has attached its own listeners.
    this.#stream.on('error', () => undefined);
    this.#done = store.putStream(key, this.#stream);
    // A failed upload surfaces at close(); this keeps it from being reported as unhandled first.
    this.#done.catch(() => undefined);
  }

  /** Adds a record; resolves at once unless the writer must wait for the store to catch up. */
  public async write(values: readonly StagedValue[]): Promise<void> {
    this.#buffer += csvRecord(values);
    this.rows += 1;
    if (this.#buffer.length >= FLUSH_AT) await this.#flush();
  }

  /** Adds records already formatted as CSV text (from a worker thread). */
  public async writeCsv(chunk: string, rows: number): Promise<void> {
    this.#buffer += chunk;
    this.rows += rows;
    if (this.#buffer.length >= FLUSH_AT) await this.#flush();
  }

  async #flush(): Promise<void> {
    const chunk = this.#buffer;
    this.#buffer = '';
    if (!this.#stream.write(chunk)) await Promise.race([once(this.#stream, 'drain'), this.#done]);
  }

  /** Writes what is left and waits until the object is stored. */
  public async close(): Promise<void> {
    if (this.#buffer.length > 0) await this.#flush();
    this.#stream.end();
    await this.#done;
  }

  /** Abandons the object after a failure. */
  public abort(error: Error): void {
    this.#stream.destroy(error);
  }
}
