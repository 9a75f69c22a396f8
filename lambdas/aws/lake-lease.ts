/**
 * One writer at a time on the lake bucket: the AWS side of the local lake lock (see
 * `lambdas/pipeline/lake-lock.ts`). The lock is one object, {@link LAKE_LEASE_KEY}, created only if
 * absent (S3 conditional writes: `If-None-Match: *`), so exactly one of two writers creates it. It
 * names its holder (a daily-run execution or an ingest) and when it lapses: a holder that died
 * without releasing it (a Lambda killed at its timeout, an execution stopped by hand) leaves a lock
 * that the next writer takes over once it has lapsed, by replacing exactly the version it read
 * (`If-Match: <ETag>`), so of two writers that find the same lapsed lock only one takes it over.
 */
import { z } from 'zod';
import { LOCK_PREFIX } from '../contract/lake-layout.ts';
import { LakeBusyError } from '../pipeline/errors.ts';
import { LakeIngestInProgressError } from './errors.ts';

/** The lock object's key in the lake bucket. */
export const LAKE_LEASE_KEY = `${LOCK_PREFIX}/lake.json`;

/** Who holds the lake, as the lock object records it. */
export const LakeLeaseSchema = z.object({
  /** `run:<execution name>` or `ingest:<event id>`: who may release it. */
  holder: z.string().min(1),
  kind: z.enum(['run', 'ingest']),
  /** What the holder is doing, for the one-line error a second writer gets. */
  description: z.string(),
  /** When it was taken, ISO 8601 UTC. */
  since: z.iso.datetime(),
  /** When it lapses: the holder's longest possible life (the state machine's or the Lambda's timeout). */
  expiresAt: z.iso.datetime(),
});
export type LakeLease = z.infer<typeof LakeLeaseSchema>;

/** A version of an object: its text and its ETag. */
export interface ObjectVersion {
  readonly text: string;
  readonly etag: string;
}

/**
 * The conditional object operations the lock needs (S3 in production, a model of S3's
 * precondition semantics in tests). Each `undefined` or `false` means a precondition failed.
 */
export interface ConditionalObjects {
  /** Writes `key` only if it does not exist: the new ETag, or undefined if it exists. */
  create(key: string, text: string): Promise<string | undefined>;
  /** Writes `key` only if its ETag is still `etag`: the new ETag, or undefined if it changed or is gone. */
  replace(key: string, text: string, etag: string): Promise<string | undefined>;
  /** The current version of `key`, or undefined if there is none. */
  read(key: string): Promise<ObjectVersion | undefined>;
  /** Deletes `key` only if its ETag is still `etag`: whether it did. */
  remove(key: string, etag: string): Promise<boolean>;
}

/** What a writer asks for. */
export interface LeaseRequest {
  readonly holder: string;
  readonly kind: LakeLease['kind'];
  readonly description: string;
  /** How long the holder can live at most; the lock lapses then. */
  readonly ttlSeconds: number;
}

/** What {@link LakeLock} needs. */
export interface LakeLockOptions {
  readonly objects: ConditionalObjects;
  /** How the lake is named in errors: `s3://<bucket>`. */
  readonly lakeName: string;
  /** @default the system clock */
  readonly now?: () => Date;
}

/** How {@link LakeLock.release} went. */
export type ReleaseOutcome = 'released' | 'not-held';

/**
 * Attempts at most: each lost race means another writer changed the lock in between, which
 * happens a few times at most (it took the lock, released it, or took a lapsed one over).
 */
const MAX_ATTEMPTS = 8;

/** The lake's lock on S3; see the module comment. */
export class LakeLock {
  readonly #objects: ConditionalObjects;
  readonly #lakeName: string;
  readonly #now: () => Date;

  public constructor(options: LakeLockOptions) {
    this.#objects = options.objects;
    this.#lakeName = options.lakeName;
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * Takes the lake for `request.holder`, or finds it already theirs (a retried invocation).
   * Throws {@link LakeBusyError} when a run holds it and {@link LakeIngestInProgressError} when an
   * ingest does, each naming the holder; a lapsed lock is taken over.
   */
  public async acquire(request: LeaseRequest): Promise<LakeLease> {
    const now = this.#now();
    const lease: LakeLease = {
      holder: request.holder,
      kind: request.kind,
      description: request.description,
      since: now.toISOString(),
      expiresAt: new Date(now.getTime() + request.ttlSeconds * 1000).toISOString(),
    };
    const text = JSON.stringify(lease);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if ((await this.#objects.create(LAKE_LEASE_KEY, text)) !== undefined) return lease;
      const current = await this.#objects.read(LAKE_LEASE_KEY);
      if (current === undefined) continue;
      const held = parseLease(current.text);
      if (held?.holder === request.holder) return held;
      if (held !== undefined && Date.parse(held.expiresAt) > now.getTime()) throw this.#busy(held);
      // Lapsed (or not a lock this code wrote): replace exactly the version read, so only one
      // of the writers that found it lapsed takes it over.
      if ((await this.#objects.replace(LAKE_LEASE_KEY, text, current.etag)) !== undefined) return lease;
    }
    throw new LakeBusyError(
      `the lake ${this.#lakeName}'s lock at ${LAKE_LEASE_KEY} changed hands ${MAX_ATTEMPTS} times while ${request.description} tried to take it; try again`,
    );
  }

  /** Releases the lake if `holder` still holds it; a lock since taken over by another is left alone. */
  public async release(holder: string): Promise<ReleaseOutcome> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.#objects.read(LAKE_LEASE_KEY);
      if (current === undefined || parseLease(current.text)?.holder !== holder) return 'not-held';
      if (await this.#objects.remove(LAKE_LEASE_KEY, current.etag)) return 'released';
    }
    return 'not-held';
  }

  /** Who holds the lake now, if anyone (a lapsed lock included). */
  public async holder(): Promise<LakeLease | undefined> {
    const current = await this.#objects.read(LAKE_LEASE_KEY);
    return current === undefined ? undefined : parseLease(current.text);
  }

  #busy(held: LakeLease): Error {
    const message = `the lake ${this.#lakeName} is in use by ${held.description} (since ${held.since}, lapsing at ${held.expiresAt} at the latest); wait for it to finish`;
    return held.kind === 'ingest' ? new LakeIngestInProgressError(message) : new LakeBusyError(message);
  }
}

function parseLease(text: string): LakeLease | undefined {
  try {
    const parsed = LakeLeaseSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
