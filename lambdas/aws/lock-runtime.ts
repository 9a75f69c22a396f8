/**
 * The composition root of the lake-lock Lambda, the first and the last state of every daily-run
 * execution: it takes the lake's lock for the execution (see {@link LakeLock}) and releases it,
 * on success and on the failure path alike, then lands again the files whose ingest the run
 * deferred (see {@link DeferredIngests}).
 */
import { S3Store } from '../storage/s3-store.ts';
import { newS3Client } from './clients.ts';
import { DeferredIngests } from './deferred-ingests.ts';
import { ENV, LakeLockEnvSchema, parseEnv } from './env.ts';
import type { LakeLock } from './lake-lease.ts';
import { S3LandingBucket } from './landing-bucket.ts';
import { newObservability, type Observability } from './observability.ts';
import { s3LakeLock } from './s3-conditional-objects.ts';
import { type LakeLockEvent, runDateOf } from './step-events.ts';

/** Everything the lake-lock Lambda needs, created once per process. */
export interface LockRuntime extends Observability {
  readonly lock: LakeLock;
  /** How long a run may hold the lake: the state machine's timeout. */
  readonly ttlSeconds: number;
  /** Files whose ingest waited for the run. */
  readonly deferrals: DeferredIngests;
}

/** The lake-lock Lambda's runtime from its environment; throws AwsConfigError naming every bad variable. */
export function lockRuntimeFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): LockRuntime {
  const settings = parseEnv(LakeLockEnvSchema, env);
  const bucket = settings[ENV.lakeBucket];
  const s3 = newS3Client();
  return {
    ...newObservability(),
    lock: s3LakeLock(s3, bucket),
    ttlSeconds: settings[ENV.lakeLockTtlSeconds],
    deferrals: new DeferredIngests({
      lake: new S3Store({ client: s3, bucket }),
      landing: new S3LandingBucket({ client: s3, bucket: settings[ENV.landingBucket] }),
    }),
  };
}

/** The lock's holder name for a daily-run execution. */
export const runHolder = (executionId: string): string => `run:${executionId}`;

/** What the lake-lock Lambda returns: the state machine keeps nothing of it. */
export interface LockSummary {
  readonly action: LakeLockEvent['action'];
  readonly holder: string;
  readonly outcome: 'acquired' | 'released' | 'not-held';
  readonly runDate?: string;
  /** On release: the landing keys whose deferred ingest was started again. */
  readonly relanded?: readonly string[];
}

/**
 * Acquires the lake for the execution (throwing LakeBusyError or LakeIngestInProgressError, which
 * name the holder, when another writer has it), or releases it if the execution still holds it.
 */
export async function handleLakeLock(runtime: LockRuntime, event: LakeLockEvent): Promise<LockSummary> {
  const holder = runHolder(event.executionId);
  if (event.action === 'acquire') {
    const runDate = runDateOf(event.request);
    const lease = await runtime.lock.acquire({
      holder,
      kind: 'run',
      description: `daily run ${event.executionId} for ${runDate}`,
      ttlSeconds: runtime.ttlSeconds,
    });
    runtime.logger.info('lake lock acquired', { ...lease });
    return { action: 'acquire', holder, outcome: 'acquired', runDate };
  }
  const outcome = await runtime.lock.release(holder);
  // Only the run that held the lake hands the deferred files on: a refused execution's release
  // (the failure path of a second run) leaves them for the holder.
  const relanded =
    outcome === 'released' ? await runtime.deferrals.redrive(`after ${event.executionId}`) : [];
  runtime.logger.info(`lake lock ${outcome}`, { holder, relanded });
  return { action: 'release', holder, outcome, relanded };
}
