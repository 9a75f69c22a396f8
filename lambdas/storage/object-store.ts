import type { Readable } from 'node:stream';

/** One stored object, as a listing returns it. */
export interface StoredObject {
  /** The key, relative to the store's root, with `/` separators. */
  readonly key: string;
  readonly size: number;
  /** When it was last written, in epoch milliseconds, where the store knows. */
  readonly modifiedMs?: number;
}

/**
 * Where the lake's files live: a local directory or an S3 bucket prefix. Keys use `/` and never
 * start with one. The core reads and writes files only through this interface.
 */
export interface ObjectStore {
  /** A URI the query engine can read the key from: an absolute path locally, `s3://...` on AWS. */
  uriOf(key: string): string;
  /** Writes an object from a stream; the object appears whole or not at all. */
  putStream(key: string, body: Readable): Promise<void>;
  /** Writes a small object. */
  put(key: string, body: string | Uint8Array): Promise<void>;
  /** Reads a whole object, or undefined when it does not exist. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Lists every object under a prefix (recursively). */
  list(prefix: string): Promise<StoredObject[]>;
  /** Deletes the given keys; missing keys are ignored. */
  delete(keys: readonly string[]): Promise<void>;
  /** Deletes every object under a prefix. */
  deletePrefix(prefix: string): Promise<void>;
}
