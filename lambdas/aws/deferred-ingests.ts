/**
 * Landed files whose ingest found the lake held by a daily run. Such a file stays where it landed,
 * and a small record under `_lock/deferred/` in the lake bucket names it; the run, once it has
 * released the lake, lands each named file again (see {@link LandingBucket.reland}), which invokes
 * the ingest Lambda for it as if it had just arrived, and removes the record.
 */
import { LOCK_PREFIX } from '../contract/lake-layout.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import type { LandingBucket } from './landing-bucket.ts';

/** Where the records of deferred ingests live in the lake bucket. */
export const DEFERRED_PREFIX = `${LOCK_PREFIX}/deferred`;

const recordKey = (eventId: string): string => `${DEFERRED_PREFIX}/${encodeURIComponent(eventId)}.json`;

/** What {@link DeferredIngests} needs. */
export interface DeferredIngestsOptions {
  /** The lake bucket. */
  readonly lake: ObjectStore;
  readonly landing: LandingBucket;
  /** @default the system clock */
  readonly now?: () => Date;
}

/** Files to ingest once the lake is free; see the module comment. */
export class DeferredIngests {
  readonly #options: DeferredIngestsOptions;

  public constructor(options: DeferredIngestsOptions) {
    this.#options = options;
  }

  /** Records that the file landed at `key` waits for the lake (keyed by the event, so a redelivery writes the same record). */
  public async defer(eventId: string, key: string, heldBy: string): Promise<void> {
    const deferredAt = (this.#options.now ?? (() => new Date()))().toISOString();
    await this.#options.lake.put(recordKey(eventId), JSON.stringify({ key, heldBy, deferredAt }));
  }

  /** Removes the record of an event whose file was ingested after all. */
  public async forget(eventId: string): Promise<void> {
    await this.#options.lake.delete([recordKey(eventId)]);
  }

  /**
   * Lands every deferred file again, oldest record first, and removes its record: a file already
   * gone from the landing bucket (ingested by a later event) is just forgotten.
   * @returns the landing keys landed again
   */
  public async redrive(note: string): Promise<string[]> {
    const { lake, landing } = this.#options;
    const records: { recordKey: string; key: string; deferredAt: string }[] = [];
    for (const object of await lake.list(DEFERRED_PREFIX)) {
      const bytes = await lake.get(object.key);
      if (bytes === undefined) continue;
      const { key, deferredAt } = JSON.parse(Buffer.from(bytes).toString('utf8')) as {
        key: string;
        deferredAt: string;
      };
      records.push({ recordKey: object.key, key, deferredAt });
    }
    records.sort((a, b) => a.deferredAt.localeCompare(b.deferredAt));
    const relanded: string[] = [];
    for (const record of records) {
      if (!relanded.includes(record.key) && (await landing.reland(record.key, note)))
        relanded.push(record.key);
      await lake.delete([record.recordKey]);
    }
    return relanded;
  }
}
