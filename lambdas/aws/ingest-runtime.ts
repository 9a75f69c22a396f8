/**
 * The composition root of the ingest Lambda: configuration, clients and adapters created once per
 * process, and what one "Object Created" event does with them.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestFile } from '../ingest/ingest.ts';
import { LakeBusyError } from '../pipeline/errors.ts';
import { newAthenaClient, newS3Client, newSecretsManagerClient } from './clients.ts';
import { DeferredIngests } from './deferred-ingests.ts';
import { ENV, IngestEnvSchema, parseEnv } from './env.ts';
import { InvalidEventError } from './errors.ts';
import { ingestLandedObject, type LandedOutcome } from './ingest-landed.ts';
import { LakeAccess } from './lake-access.ts';
import type { LakeLock } from './lake-lease.ts';
import { type LandingBucket, S3LandingBucket } from './landing-bucket.ts';
import { recordAthenaScan, recordLanded } from './metrics.ts';
import type { ObjectCreatedEvent } from './object-created-event.ts';
import { newObservability, type Observability } from './observability.ts';
import { PseudonymizationSecret } from './pseudonymization-secret.ts';
import { s3LakeLock } from './s3-conditional-objects.ts';

/** Everything the ingest Lambda needs, created once per process. */
export interface IngestRuntime extends Observability {
  readonly landing: LandingBucket;
  readonly lake: LakeAccess;
  /** Where landed files are downloaded (Lambda's /tmp). */
  readonly workDir: string;
  /** The key events' device and funding ids are pseudonymized with. */
  readonly pseudonymization: Pick<PseudonymizationSecret, 'key'>;
  /** The lake's lock, which each ingest holds while it writes (one writer at a time, runs included). */
  readonly lock: LakeLock;
  /** How long an ingest may hold the lake at most: the function's timeout. */
  readonly lockTtlSeconds: number;
  /** Files whose ingest waits for a daily run to release the lake. */
  readonly deferrals: DeferredIngests;
}

/** The ingest Lambda's runtime from its environment; throws AwsConfigError naming every bad variable. */
export function ingestRuntimeFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): IngestRuntime {
  const settings = parseEnv(IngestEnvSchema, env);
  const s3 = newS3Client();
  const landing = new S3LandingBucket({ client: s3, bucket: settings[ENV.landingBucket] });
  const lake = new LakeAccess({ env: settings, s3, athena: newAthenaClient() });
  const lakeBucket = settings[ENV.lakeBucket];
  return {
    ...newObservability(),
    landing,
    lake,
    lock: s3LakeLock(s3, lakeBucket),
    lockTtlSeconds: settings[ENV.lakeLockTtlSeconds],
    deferrals: new DeferredIngests({ lake: lake.store, landing }),
    workDir: join(tmpdir(), 'growthlake-landing'),
    pseudonymization: new PseudonymizationSecret({
      client: newSecretsManagerClient(),
      secretId: settings[ENV.pseudonymizationSecret],
    }),
  };
}

/** What the ingest Lambda returns for one event. */
export interface LandedSummary {
  /** `deferred`: a daily run holds the lake; the file stays landed and the run lands it again when done. */
  readonly status: LandedOutcome['status'] | 'deferred';
  readonly key: string;
  readonly movedTo: string | null;
  readonly reason: string | null;
  readonly rowsRead: number | null;
  readonly rowsAccepted: number | null;
  readonly rowsDuplicate: number | null;
  readonly rowsQuarantined: number | null;
  readonly alreadyIngested: boolean | null;
  readonly athenaBytesScanned: number;
}

function summaryOf(outcome: LandedOutcome, athenaBytesScanned: number): LandedSummary {
  const result = outcome.status === 'ingested' ? outcome.result : undefined;
  return {
    status: outcome.status,
    key: outcome.key,
    movedTo: outcome.status === 'ignored' ? null : outcome.movedTo,
    reason: outcome.status === 'ingested' ? null : outcome.reason,
    rowsRead: result?.rowsRead ?? null,
    rowsAccepted: result?.rowsAccepted ?? null,
    rowsDuplicate: result?.rowsDuplicate ?? null,
    rowsQuarantined: result?.rowsQuarantined ?? null,
    alreadyIngested: result?.alreadyIngested ?? null,
    athenaBytesScanned,
  };
}

/** The summary of a file left landed because a daily run holds the lake. */
function deferredSummary(key: string, reason: string): LandedSummary {
  return {
    status: 'deferred',
    key,
    movedTo: null,
    reason,
    rowsRead: null,
    rowsAccepted: null,
    rowsDuplicate: null,
    rowsQuarantined: null,
    alreadyIngested: null,
    athenaBytesScanned: 0,
  };
}

/**
 * Ingests the object an event names while holding the lake's lock, as job `ingest:<event id>` (a
 * redelivered event replays its own Athena queries), and records the outcome's metrics and Athena's
 * bytes scanned, the latter even when the ingest fails. When a daily run holds the lake, the file
 * is deferred (see {@link DeferredIngests}) and nothing is written; when another ingest holds it
 * (reserved concurrency above 1), LakeIngestInProgressError is thrown and Lambda retries the event.
 */
export async function handleObjectCreated(
  runtime: IngestRuntime,
  event: ObjectCreatedEvent,
): Promise<LandedSummary> {
  const { bucket, object } = event.detail;
  if (bucket.name !== runtime.landing.bucket) {
    throw new InvalidEventError(
      `the event is about bucket ${bucket.name}, but this function ingests from ${runtime.landing.bucket}`,
    );
  }
  const holder = `ingest:${event.id}`;
  const acquire = () =>
    runtime.lock.acquire({
      holder,
      kind: 'ingest',
      description: `the ingest of s3://${bucket.name}/${object.key}`,
      ttlSeconds: runtime.lockTtlSeconds,
    });
  try {
    await acquire();
  } catch (error) {
    if (!(error instanceof LakeBusyError)) throw error;
    await runtime.deferrals.defer(event.id, object.key, error.message);
    // The run may have released the lake, and landed its deferred files again, between the refusal
    // and the record: one more try, so the record is never left for the next day's run alone.
    try {
      await acquire();
    } catch (again) {
      if (!(again instanceof LakeBusyError)) throw again;
      const summary = deferredSummary(object.key, again.message);
      runtime.logger.info('landed file deferred', { ...summary });
      return summary;
    }
    await runtime.deferrals.forget(event.id);
  }
  try {
    return await ingestHeld(runtime, event);
  } finally {
    await runtime.lock.release(holder);
  }
}

async function ingestHeld(runtime: IngestRuntime, event: ObjectCreatedEvent): Promise<LandedSummary> {
  const { object } = event.detail;
  const engine = runtime.lake.engine(`ingest:${event.id}`);
  try {
    const outcome = await ingestLandedObject(
      {
        landing: runtime.landing,
        workDir: runtime.workDir,
        ingest: async (kind, path) =>
          ingestFile(
            {
              store: runtime.lake.store,
              engine,
              validationThreads: 0,
              ...(kind === 'events' ? { pseudonymizationKey: await runtime.pseudonymization.key() } : {}),
              fileLabel: `s3://${runtime.landing.bucket}/${object.key}`,
            },
            kind,
            path,
          ),
      },
      { key: object.key, ...(object['version-id'] === undefined ? {} : { versionId: object['version-id'] }) },
    );
    recordLanded(runtime.metrics, outcome);
    const summary = summaryOf(outcome, engine.stats().bytesRead);
    runtime.logger.info('landed file handled', { ...summary, queries: engine.executions().length });
    return summary;
  } finally {
    recordAthenaScan(runtime.metrics, engine.stats().bytesRead);
    await engine.close();
  }
}
