import type { Readable } from 'node:stream';
import { PUBLISHED_ROOT } from '../contract/lake-layout.ts';
import type { ObjectStore, StoredObject } from '../storage/object-store.ts';

/**
 * One {@link ObjectStore} over two buckets: keys under `published/` live in the published bucket,
 * every other key in the lake. Locally both are one directory; on AWS the publications sit in a
 * bucket of their own (with its own access and lifecycle), and the steps never need to know.
 */
export class PublishedRoutingStore implements ObjectStore {
  readonly #lake: ObjectStore;
  readonly #published: ObjectStore;

  public constructor(lake: ObjectStore, published: ObjectStore) {
    this.#lake = lake;
    this.#published = published;
  }

  #storeOf(key: string): ObjectStore {
    return key === PUBLISHED_ROOT || key.startsWith(`${PUBLISHED_ROOT}/`) ? this.#published : this.#lake;
  }

  /** Both stores when `prefix` is the root (the only directory above `published/`), else the one it names. */
  #storesUnder(prefix: string): ObjectStore[] {
    return prefix === '' || prefix === '/' ? [this.#lake, this.#published] : [this.#storeOf(prefix)];
  }

  public uriOf(key: string): string {
    return this.#storeOf(key).uriOf(key);
  }

  public putStream(key: string, body: Readable): Promise<void> {
    return this.#storeOf(key).putStream(key, body);
  }

  public put(key: string, body: string | Uint8Array): Promise<void> {
    return this.#storeOf(key).put(key, body);
  }

  public get(key: string): Promise<Uint8Array | undefined> {
    return this.#storeOf(key).get(key);
  }

  public async list(prefix: string): Promise<StoredObject[]> {
    const listings = await Promise.all(this.#storesUnder(prefix).map((store) => store.list(prefix)));
    return listings.flat();
  }

  public async delete(keys: readonly string[]): Promise<void> {
    const published = keys.filter((key) => this.#storeOf(key) === this.#published);
    const lake = keys.filter((key) => this.#storeOf(key) === this.#lake);
    await this.#published.delete(published);
    await this.#lake.delete(lake);
  }

  public async deletePrefix(prefix: string): Promise<void> {
    for (const store of this.#storesUnder(prefix)) await store.deletePrefix(prefix);
  }
}
