/**
 * The composition root of the ingest Lambda: configuration, clients and adapters created once per
 * process, and what one "Object Created" event does with them.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestFile } from '../ingest/ingest.ts';
import { newAthenaClient, newS3Client, newSecretsManagerClient } from './clients.ts';
import { ENV, IngestEnvSchema, parseEnv } from './env.ts';
import { InvalidEventError } from './errors.ts';
import { ingestLandedObject, type LandedOutcome } from './ingest-landed.ts';
import { LakeAccess } from './lake-access.ts';
import { type LandingBucket, S3LandingBucket } from './landing-bucket.ts';
import { recordAthenaScan, recordLanded } from './metrics.ts';
import type { ObjectCreatedEvent } from './object-created-event.ts';
import { newObservability, type Observability } from './observability.ts';
import { PseudonymizationSecret } from './pseudonymization-secret.ts';

/** Everything the ingest Lambda needs, created once per process. */
export interface IngestRuntime extends Observability {
  readonly landing: LandingBucket;
  readonly lake: LakeAccess;
  /** Where landed files are downloaded (Lambda's /tmp). */
  readonly workDir: string;
  /** The key events' device and funding ids are pseudonymized with. */
  readonly pseudonymization: Pick<PseudonymizationSecret, 'key'>;
}

/** The ingest Lambda's runtime from its environment; throws AwsConfigError naming every bad variable. */
export function ingestRuntimeFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): IngestRuntime {
  const settings = parseEnv(IngestEnvSchema, env);
  const s3 = newS3Client();
  return {
    ...newObservability(),
    landing: new S3LandingBucket({ client: s3, bucket: settings[ENV.landingBucket] }),
    lake: new LakeAccess({ env: settings, s3, athena: newAthenaClient() }),
    workDir: join(tmpdir(), 'growthlake-landing'),
    pseudonymization: new PseudonymizationSecret({
      client: newSecretsManagerClient(),
      secretId: settings[ENV.pseudonymizationSecret],
    }),
  };
}

/** What the ingest Lambda returns for one event. */
export interface LandedSummary {
  readonly status: LandedOutcome['status'];
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

/**
 * Ingests the object an event names, as job `ingest:<event id>` (a redelivered event replays its
 * own Athena queries), and records the outcome's metrics and Athena's bytes scanned, the latter
 * even when the ingest fails.
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
