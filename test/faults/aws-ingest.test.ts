/**
 * Fault injection over the ingest Lambda's work (`handleObjectCreated`): a landed FX file read
 * from the landing bucket, ingested through the Athena engine into the lake bucket of a real S3
 * API (s3rver on loopback), and moved to processed/. Every S3 request and Athena call can fail,
 * once or for good; see sweep.ts for what each faulted run must keep.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, vi } from 'vitest';
import { DeferredIngests } from '../../lambdas/aws/deferred-ingests.ts';
import { handleObjectCreated, type IngestRuntime } from '../../lambdas/aws/ingest-runtime.ts';
import type { LakeAccess } from '../../lambdas/aws/lake-access.ts';
import { LakeLock } from '../../lambdas/aws/lake-lease.ts';
import { S3LandingBucket } from '../../lambdas/aws/landing-bucket.ts';
import { ObjectCreatedEventSchema } from '../../lambdas/aws/object-created-event.ts';
import { newObservability } from '../../lambdas/aws/observability.ts';
import { S3ConditionalObjects } from '../../lambdas/aws/s3-conditional-objects.ts';
import { S3Store } from '../../lambdas/storage/s3-store.ts';
import { BUCKETS, LAKE_BUCKET, LANDING_BUCKET, PSEUDONYMIZATION_KEY } from '../handlers/handler-fixture.ts';
import { type LocalS3, startLocalS3 } from '../storage/s3rver-process.ts';
import type { QueryAnswer, Responder } from '../warehouse/athena-fake.ts';
import { awsJob, countedLake, jobAthena, loopbackClient, snapshot } from './aws-job.ts';
import { CallLog } from './call-log.ts';
import { type CleanRun, cleanRun, type FaultJob, itKeepsItsPromises } from './sweep.ts';

/**
 * Fault points per mode. A faulted run and its rerun take about 1.5 s against s3rver, so of the
 * ingest's 44 calls the placements come first (see faultPoints).
 */
const BUDGET = 8;

const NO_ROWS: QueryAnswer = {
  columns: [
    { name: 'file', type: 'varchar' },
    { name: 'kind', type: 'varchar' },
    { name: 'rows_read', type: 'bigint' },
  ],
  rows: [],
};

/** Athena's answers: no earlier ingest of the file (FX needs no other SELECT). */
const respond: Responder = () => NO_ROWS;

function landedEvent(id: string, key: string) {
  return ObjectCreatedEventSchema.parse({
    version: '0',
    id,
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '123456789012',
    time: '2026-11-22T05:59:12Z',
    region: 'eu-west-1',
    resources: [`arn:aws:s3:::${LANDING_BUCKET}`],
    detail: {
      version: '0',
      bucket: { name: LANDING_BUCKET },
      object: { key, size: 64, etag: 'b1946ac92492d2347c6235b4d2611184', sequencer: '617f08299329d189' },
      'request-id': 'N4N7GDK58NMKJ12R',
      requester: '123456789012',
      'source-ip-address': '203.0.113.15',
      reason: 'PutObject',
    },
  });
}

/** Where the runs download landed files: one folder each under it, removed after the sweep. */
let workRoot: string;

async function runtimeOver(s3: S3Client, lake: LakeAccess): Promise<IngestRuntime> {
  const landing = new S3LandingBucket({ client: s3, bucket: LANDING_BUCKET });
  return {
    ...newObservability(),
    landing,
    lake,
    workDir: join(await mkdtemp(join(workRoot, 'run-')), 'landing'),
    pseudonymization: { key: async () => PSEUDONYMIZATION_KEY },
    // The lake's lock, over the job's own client: its calls fail like the others.
    lock: new LakeLock({
      objects: new S3ConditionalObjects({ client: s3, bucket: LAKE_BUCKET }),
      lakeName: `s3://${LAKE_BUCKET}`,
    }),
    lockTtlSeconds: 900,
    deferrals: new DeferredIngests({ lake: lake.store, landing }),
  };
}

describe('the ingest Lambda over S3 and Athena, failed at any call', () => {
  let s3: LocalS3;
  let job: FaultJob & { dispose(): void };
  let clean: CleanRun;

  beforeAll(async () => {
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    workRoot = await mkdtemp(join(tmpdir(), 'growthlake-faults-ingest-'));
    s3 = await startLocalS3(BUCKETS);
    // Before the job: an earlier FX file ingested (fx, ingest_log and quarantine hold its rows),
    // and the job's file landed.
    const raw = loopbackClient(s3);
    const land = (key: string, body: string) =>
      raw.send(new PutObjectCommand({ Bucket: LANDING_BUCKET, Key: key, Body: body }));
    await land(
      'landing/fx/rates-2026-11-20.csv',
      'date,currency,usd_per_unit\n2026-11-20,EUR,1.08\n2026-11-20,GBP,oops\n',
    );
    const seed = countedLake(raw, jobAthena(raw, respond, 'seed'), new CallLog(), async () => {});
    await handleObjectCreated(
      await runtimeOver(raw, seed),
      landedEvent('5d8ba8a1-7e4b-4c1e-9d4e-000000000001', 'landing/fx/rates-2026-11-20.csv'),
    );
    await land(
      'landing/fx/rates-2026-11-21.csv',
      'date,currency,usd_per_unit\n2026-11-20,EUR,1.08\n2026-11-21,EUR,1.1\n2026-11-21,GBP,1.25\n2026-11-21,JPY,-1\n',
    );
    const initial = await snapshot(raw);
    const landing = new S3Store({ client: raw, bucket: LANDING_BUCKET });
    job = awsJob(
      'FX ingest',
      s3,
      initial,
      respond,
      async ({ s3: client, lake }) =>
        handleObjectCreated(
          await runtimeOver(client, lake),
          landedEvent('5d8ba8a1-7e4b-4c1e-9d4e-000000000002', 'landing/fx/rates-2026-11-21.csv'),
        ),
      // Where the landed file ends: moved to processed/, byte for byte.
      async () => JSON.stringify((await landing.list('')).map(({ key, size }) => ({ key, size }))),
    );
    clean = await cleanRun(job);
  }, 120_000);

  afterAll(async () => {
    job?.dispose();
    await s3?.stop();
    if (workRoot !== undefined) await rm(workRoot, { recursive: true, force: true });
  });

  itKeepsItsPromises(() => ({ job, clean }), BUDGET);
});
