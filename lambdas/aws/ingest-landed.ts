/**
 * Ingesting one file that landed in the landing bucket: download it, ingest it with the core, and
 * move it to `processed/` or, when the file as a whole is unusable, to `rejected/` with the reason.
 * Any other failure (S3, Athena) is thrown and the landed file stays where it is, so the retried
 * invocation, or a re-drive from the dead-letter queue, finds it again.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { InputKind } from '../contract/inputs.ts';
import { IngestError } from '../ingest/errors.ts';
import type { IngestResult } from '../ingest/ingest.ts';
import type { LandedObject, LandingBucket } from './landing-bucket.ts';
import { type LandingKey, REJECTION_SUFFIX, readLandingKey, settledKey } from './landing-key.ts';

/** What happened to a landed object. */
export type LandedOutcome =
  | {
      readonly status: 'ingested';
      readonly key: string;
      readonly movedTo: string;
      readonly result: IngestResult;
    }
  | { readonly status: 'rejected'; readonly key: string; readonly movedTo: string; readonly reason: string }
  | { readonly status: 'ignored'; readonly key: string; readonly reason: string };

/** What {@link ingestLandedObject} needs. */
export interface IngestLandedDependencies {
  readonly landing: LandingBucket;
  /** Ingests a local file of a kind: the core's `ingestFile` bound to the lake's store and engine. */
  readonly ingest: (kind: InputKind, path: string) => Promise<IngestResult>;
  /**
   * The local directory landed files are downloaded into, under their path below `landing/`
   * (`<workDir>/events/2026-11-21.jsonl`), which is also the file name the ingest log records.
   */
  readonly workDir: string;
  /** The clock of rejection records. @default - the system clock */
  readonly now?: () => Date;
}

async function reject(
  dependencies: IngestLandedDependencies,
  object: LandedObject,
  landing: LandingKey,
  reason: string,
): Promise<LandedOutcome> {
  const movedTo = settledKey(landing, 'rejected');
  await dependencies.landing.putJson(`${movedTo}${REJECTION_SUFFIX}`, {
    source: `s3://${dependencies.landing.bucket}/${object.key}`,
    versionId: object.versionId ?? null,
    reason,
    rejectedAt: (dependencies.now ?? (() => new Date()))().toISOString(),
  });
  await dependencies.landing.move(object, movedTo);
  return { status: 'rejected', key: object.key, movedTo, reason };
}

/** Ingests one landed object and settles it; see the module comment for what is thrown. */
export async function ingestLandedObject(
  dependencies: IngestLandedDependencies,
  object: LandedObject,
): Promise<LandedOutcome> {
  const reading = readLandingKey(object.key);
  if (reading.status === 'folder') {
    return { status: 'ignored', key: object.key, reason: 'a folder marker, not a file' };
  }
  if (reading.status === 'refused') return reject(dependencies, object, reading.landing, reading.reason);

  const { landing } = reading;
  const path = join(dependencies.workDir, landing.relative);
  await rm(dependencies.workDir, { recursive: true, force: true });
  try {
    await dependencies.landing.download(object, path);
    let result: IngestResult;
    try {
      result = await dependencies.ingest(landing.kind, path);
    } catch (error) {
      if (error instanceof IngestError) return await reject(dependencies, object, landing, error.message);
      throw error;
    }
    const movedTo = settledKey(landing, 'processed');
    await dependencies.landing.move(object, movedTo);
    return { status: 'ingested', key: object.key, movedTo, result };
  } finally {
    await rm(dependencies.workDir, { recursive: true, force: true });
  }
}
