import type { Readable } from 'node:stream';
import type { StoredObject } from '../../lambdas/storage/object-store.ts';
import type { AthenaLakeStore } from '../../lambdas/warehouse/athena-engine.ts';

/** Which store operation a test wants to fail. */
export type StoreOperation = 'put' | 'get' | 'list' | 'delete' | 'copy';

/**
 * An in-memory stand-in for the lake's S3 store, with S3's directory-like listing semantics and
 * `s3://memory-lake/...` URIs. `failWhen` lets a test interrupt a write at a chosen operation.
 */
export class MemoryStore implements AthenaLakeStore {
  public readonly objects = new Map<string, Uint8Array>();
  public failWhen: ((operation: StoreOperation, key: string) => boolean) | undefined;

  #check(operation: StoreOperation, key: string): void {
    if (this.failWhen?.(operation, key) === true) throw new Error(`injected ${operation} failure at ${key}`);
  }

  public uriOf(key: string): string {
    return `s3://memory-lake/${key}`;
  }

  public async putStream(key: string, body: Readable): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
    await this.put(key, Buffer.concat(chunks));
  }

  public async put(key: string, body: string | Uint8Array): Promise<void> {
    this.#check('put', key);
    this.objects.set(key, typeof body === 'string' ? new TextEncoder().encode(body) : body);
  }

  public async get(key: string): Promise<Uint8Array | undefined> {
    this.#check('get', key);
    return this.objects.get(key);
  }

  public async list(prefix: string): Promise<StoredObject[]> {
    this.#check('list', prefix);
    const directory = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    return [...this.objects]
      .filter(([key]) => key.startsWith(directory))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, body]) => ({ key, size: body.byteLength }));
  }

  public async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      this.#check('delete', key);
      this.objects.delete(key);
    }
  }

  public async deletePrefix(prefix: string): Promise<void> {
    await this.delete((await this.list(prefix)).map((object) => object.key));
  }

  public async copy(fromKey: string, toKey: string): Promise<void> {
    this.#check('copy', toKey);
    const body = this.objects.get(fromKey);
    if (body === undefined) throw new Error(`NoSuchKey: ${fromKey}`);
    this.objects.set(toKey, body);
  }

  /** The keys under a prefix with their contents as text, for assertions. */
  public textsUnder(prefix: string): Record<string, string> {
    return Object.fromEntries(
      [...this.objects]
        .filter(([key]) => key.startsWith(prefix))
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, body]) => [key, new TextDecoder().decode(body)]),
    );
  }
}
