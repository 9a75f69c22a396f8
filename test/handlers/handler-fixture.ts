/**
 * What the handler tests share: the loopback S3 with the app's three buckets, Lambda runtimes
 * wired to it and to a fake Athena (no waits: sleeps are recorded, never slept), a Lambda
 * context, and the EMF and log lines a handler prints.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SESClient } from '@aws-sdk/client-ses';
import type { Context } from 'aws-lambda';
import { vi } from 'vitest';
import { DAILY_STEPS, type DailySteps } from '../../lambdas/aws/daily-steps.ts';
import { DeferredIngests } from '../../lambdas/aws/deferred-ingests.ts';
import { ENV, type LakeEnv } from '../../lambdas/aws/env.ts';
import type { IngestRuntime } from '../../lambdas/aws/ingest-runtime.ts';
import { LakeAccess } from '../../lambdas/aws/lake-access.ts';
import { LakeLock } from '../../lambdas/aws/lake-lease.ts';
import { S3LandingBucket } from '../../lambdas/aws/landing-bucket.ts';
import { newObservability } from '../../lambdas/aws/observability.ts';
import { PresignedLinks } from '../../lambdas/aws/presigned-links.ts';
import { S3ConditionalObjects } from '../../lambdas/aws/s3-conditional-objects.ts';
import { SesMailer } from '../../lambdas/aws/ses-mailer.ts';
import type { StepRuntime } from '../../lambdas/aws/step-runtime.ts';
import { DEFAULT_RUN_CONFIG, type RunConfig } from '../../lambdas/contract/run-config.ts';
import { S3Store } from '../../lambdas/storage/s3-store.ts';
import type { LocalS3 } from '../storage/s3rver-process.ts';
import { FakeAthena, type FakeAthenaOptions } from '../warehouse/athena-fake.ts';

export const LANDING_BUCKET = 'growthlake-landing';
export const LAKE_BUCKET = 'growthlake-lake';
export const PUBLISHED_BUCKET = 'growthlake-published';
export const BUCKETS = [LANDING_BUCKET, LAKE_BUCKET, PUBLISHED_BUCKET] as const;

/**
 * When the step runtimes sign dashboard links: fixed for the test run, so a test can assert the
 * signature's date, but taken from the real clock, because s3rver checks a link's expiry against it.
 */
export const LINK_SIGNING_TIME = new Date(Math.floor(Date.now() / 1000) * 1000);

export const LAKE_ENV: LakeEnv = {
  [ENV.lakeBucket]: LAKE_BUCKET,
  [ENV.glueDatabase]: 'growthlake',
  [ENV.athenaWorkGroup]: 'growthlake-pipeline',
};

/** Empties the app's buckets on the loopback S3, so that a test starts from none of another's files. */
export async function emptyBuckets(s3: LocalS3): Promise<void> {
  for (const bucket of BUCKETS) {
    const store = new S3Store({ client: s3.client, bucket });
    await store.delete((await store.list('')).map((object) => object.key));
  }
}

/** A fake Athena whose UNLOADs write into the lake bucket of the loopback S3. */
export function fakeAthena(s3: LocalS3, options: Omit<FakeAthenaOptions, 'lake'> = {}): FakeAthena {
  return new FakeAthena({ lake: new S3Store({ client: s3.client, bucket: LAKE_BUCKET }), ...options });
}

/** Waits the code under test asked for, instead of waiting. */
export interface RecordedWaits {
  readonly waits: number[];
  readonly sleep: (ms: number) => Promise<void>;
}

export function recordedWaits(): RecordedWaits {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

/** The ingest Lambda's runtime over the loopback S3 and the fake Athena. */
export async function ingestRuntime(
  s3: LocalS3,
  athena: FakeAthena,
  waits: RecordedWaits,
): Promise<IngestRuntime> {
  const landing = new S3LandingBucket({ client: s3.client, bucket: LANDING_BUCKET });
  const lake = new LakeAccess({
    env: LAKE_ENV,
    s3: s3.client,
    athena: athena.client,
    sleep: waits.sleep,
    random: () => 0.5,
  });
  return {
    ...newObservability(),
    landing,
    lake,
    workDir: join(await mkdtemp(join(tmpdir(), 'growthlake-ingest-')), 'landing'),
    pseudonymization: { key: async () => PSEUDONYMIZATION_KEY },
    // s3rver ignores S3's write preconditions: enough for one ingest at a time, as these tests run.
    lock: new LakeLock({
      objects: new S3ConditionalObjects({ client: s3.client, bucket: LAKE_BUCKET }),
      lakeName: `s3://${LAKE_BUCKET}`,
    }),
    lockTtlSeconds: 900,
    deferrals: new DeferredIngests({ lake: lake.store, landing }),
  };
}

/** The key the ingest runtime's stand-in for Secrets Manager returns. */
export const PSEUDONYMIZATION_KEY = 'handler-test-pseudonymization-key-0123456789';

/** What a step runtime may differ in between tests. */
export interface StepRuntimeOptions {
  readonly ses: SESClient;
  readonly config?: RunConfig;
  readonly steps?: DailySteps;
  /** The presigned link lifetime. @default 86400 */
  readonly linkSeconds?: number;
}

/** A step Lambda's runtime over the loopback S3, the fake Athena and the loopback SES. */
export function stepRuntime(
  s3: LocalS3,
  athena: FakeAthena,
  waits: RecordedWaits,
  options: StepRuntimeOptions,
): StepRuntime {
  return {
    ...newObservability(),
    lake: new LakeAccess({
      env: LAKE_ENV,
      s3: s3.client,
      athena: athena.client,
      sleep: waits.sleep,
      random: () => 0.5,
    }),
    published: new S3Store({ client: s3.client, bucket: PUBLISHED_BUCKET }),
    links: new PresignedLinks({
      client: s3.client,
      bucket: PUBLISHED_BUCKET,
      expiresInSeconds: options.linkSeconds ?? 86_400,
      now: () => LINK_SIGNING_TIME,
    }),
    mailer: new SesMailer(options.ses, { sleep: waits.sleep, random: () => 0.5 }),
    config: options.config ?? DEFAULT_RUN_CONFIG,
    steps: options.steps ?? DAILY_STEPS,
  };
}

/** A Lambda context for `functionName`. */
export function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '1769',
    awsRequestId: `req-${functionName}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/23/[$LATEST]abc',
    getRemainingTimeInMillis: () => 600_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** One EMF blob: its metric values by name, and its dimensions. */
export interface EmfBlob {
  readonly metrics: Readonly<Record<string, number | number[]>>;
  readonly dimensions: readonly string[][];
  readonly namespace: string;
  readonly service: unknown;
}

/** What a handler printed: its EMF blobs and its log records. */
export interface Printed {
  readonly emf: EmfBlob[];
  readonly logs: Record<string, unknown>[];
}

function parsePrinted(lines: readonly string[]): Printed {
  const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const emf = records
    .filter((record) => record._aws !== undefined)
    .map((record) => {
      const meta = (
        record._aws as {
          CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
        }
      ).CloudWatchMetrics[0];
      return {
        namespace: meta?.Namespace ?? '',
        dimensions: meta?.Dimensions ?? [],
        service: record.service,
        metrics: Object.fromEntries(
          (meta?.Metrics ?? []).map((metric) => [metric.Name, record[metric.Name] as number]),
        ),
      };
    });
  return { emf, logs: records.filter((record) => record._aws === undefined) };
}

/** Runs `work`, collecting the JSON lines it prints to stdout; resolves or rejects as `work` does. */
async function printedBy<T>(
  work: () => Promise<T>,
): Promise<{ outcome: PromiseSettledResult<T>; printed: Printed }> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(
      ...String(chunk)
        .split('\n')
        .filter((line) => line.startsWith('{')),
    );
    return true;
  });
  try {
    const [outcome] = await Promise.allSettled([work()]);
    return { outcome: outcome as PromiseSettledResult<T>, printed: parsePrinted(lines) };
  } finally {
    spy.mockRestore();
  }
}

/** The result of `work` and what it printed; rejects with `work`'s error. */
export async function captureStdout<T>(work: () => Promise<T>): Promise<Printed & { result: T }> {
  const { outcome, printed } = await printedBy(work);
  if (outcome.status === 'rejected') throw outcome.reason;
  return { ...printed, result: outcome.value };
}

/** The error of `work`, which must fail, and what it printed before failing. */
export async function captureFailure(work: () => Promise<unknown>): Promise<Printed & { error: Error }> {
  const { outcome, printed } = await printedBy(work);
  if (outcome.status === 'fulfilled')
    throw new Error(`expected a failure, got ${JSON.stringify(outcome.value)}`);
  return { ...printed, error: outcome.reason as Error };
}

/** The metrics of the invocation's EMF blob that carries `name` (the cold-start blob is another). */
export function metricsWith(
  emf: readonly EmfBlob[],
  name: string,
): Readonly<Record<string, number | number[]>> {
  const blob = emf.find((each) => name in each.metrics);
  if (blob === undefined) throw new Error(`no EMF blob has the metric ${name}: ${JSON.stringify(emf)}`);
  return blob.metrics;
}
