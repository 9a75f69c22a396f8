/**
 * Fault injection over the daily run's step Lambdas that write tables (`runDailyStep`: transform,
 * recommend) through the Athena engine, with a real S3 API (s3rver on loopback) as the
 * lake and published buckets. Every S3 request and Athena call can fail, once or for good; see
 * sweep.ts for what each faulted run must keep.
 *
 * Not a closed loop: the fake Athena answers every SELECT from DuckDB over a fixed fixture lake
 * (the same Trino SQL), not from what the steps wrote to S3, and its UNLOADs write placeholder
 * files named after their SELECT. So this proves the AWS write path (UNLOAD to scratch, placement,
 * markers, the Athena engine's idempotent tokens) keeps readers whole and converges on rerun; that
 * the rows are right is the local sweep's and the other tests' business.
 */

import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, vi } from 'vitest';
import { DAILY_STEPS } from '../../lambdas/aws/daily-steps.ts';
import type { LakeAccess } from '../../lambdas/aws/lake-access.ts';
import { newObservability } from '../../lambdas/aws/observability.ts';
import { PresignedLinks } from '../../lambdas/aws/presigned-links.ts';
import type { DailyStepName } from '../../lambdas/aws/step-events.ts';
import { runDailyStep, type StepRuntime } from '../../lambdas/aws/step-runtime.ts';
import { type RunConfig, RunConfigSchema } from '../../lambdas/contract/run-config.ts';
import type { Mailer } from '../../lambdas/publish/mailer.ts';
import { S3Store } from '../../lambdas/storage/s3-store.ts';
import { BUCKETS, PUBLISHED_BUCKET } from '../handlers/handler-fixture.ts';
import { buildFixtureLake, R, TEST_RECIPIENTS } from '../publish/fixture.ts';
import { type LocalS3, startLocalS3 } from '../storage/s3rver-process.ts';
import { engineResponder, type Responder } from '../warehouse/athena-fake.ts';
import { awsJob, countedLake, jobAthena, loopbackClient, snapshot } from './aws-job.ts';
import { CallLog } from './call-log.ts';
import { type CleanRun, cleanRun, type FaultJob, itKeepsItsPromises } from './sweep.ts';

/**
 * The steps that write tables through the engine: audiences and publish write mostly published
 * files and take a mailer, and the local sweep fails them (runDaily runs all four).
 */
const STEPS: readonly DailyStepName[] = ['transform', 'recommend'];

/**
 * Fault points per mode. A faulted run and its rerun take about 5 s (some 300 calls against
 * s3rver, every SELECT answered by DuckDB), so the placements come first (see faultPoints).
 */
const BUDGET = 3;

/** Accepts every digest: mail is outside the lake, and SES is not what this sweep fails. */
const mailer: Mailer = { sendRaw: async () => ({ messageId: 'fault-sweep' }) };

function runtimeOver(s3: S3Client, lake: LakeAccess, config: RunConfig): StepRuntime {
  return {
    ...newObservability(),
    lake,
    published: new S3Store({ client: s3, bucket: PUBLISHED_BUCKET }),
    links: new PresignedLinks({
      client: s3,
      bucket: PUBLISHED_BUCKET,
      expiresInSeconds: 86_400,
      now: () => new Date(0),
    }),
    mailer,
    config,
    steps: DAILY_STEPS,
  };
}

async function runSteps(runtime: StepRuntime, executionId: string): Promise<void> {
  for (const step of STEPS) await runDailyStep(runtime, step, { runDate: R, executionId });
}

describe('the daily run step Lambdas over S3 and Athena, failed at any call', () => {
  let s3: LocalS3;
  let fixture: Awaited<ReturnType<typeof buildFixtureLake>>;
  let job: FaultJob & { dispose(): void };
  let clean: CleanRun;

  beforeAll(async () => {
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    [s3, fixture] = await Promise.all([startLocalS3(BUCKETS), buildFixtureLake()]);
    const config = RunConfigSchema.parse({ recipients: TEST_RECIPIENTS });
    const respond: Responder = engineResponder(fixture.engine);
    // Before the job: an earlier execution ran R, so the job replaces partitions readers see.
    const raw = loopbackClient(s3);
    const seed = countedLake(raw, jobAthena(raw, respond, 'seed'), new CallLog(), async () => {});
    await runSteps(runtimeOver(raw, seed, config), 'daily-2026-11-23T06-00-00Z-earlier');
    const initial = await snapshot(raw);
    job = awsJob('daily steps', s3, initial, respond, ({ s3: client, lake }) =>
      runSteps(runtimeOver(client, lake, config), 'daily-2026-11-23T09-00-00Z-rerun'),
    );
    clean = await cleanRun(job);
  }, 120_000);

  afterAll(async () => {
    job?.dispose();
    await s3?.stop();
    await fixture?.dispose();
  });

  itKeepsItsPromises(() => ({ job, clean }), BUDGET);
});
