/**
 * The ingest Lambda end to end: EventBridge "Object Created" events in, files read from and moved
 * within a real S3 API (s3rver on loopback), the core's ingest run through the Athena engine
 * against a fake Athena, and the metrics it prints as EMF.
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeferredIngests } from '../../lambdas/aws/deferred-ingests.ts';
import { InvalidEventError } from '../../lambdas/aws/errors.ts';
import type { IngestRuntime } from '../../lambdas/aws/ingest-runtime.ts';
import { LAKE_LEASE_KEY, type LakeLease, LakeLock, type LeaseRequest } from '../../lambdas/aws/lake-lease.ts';
import { S3LandingBucket } from '../../lambdas/aws/landing-bucket.ts';
import { handleLakeLock, type LockRuntime } from '../../lambdas/aws/lock-runtime.ts';
import { METRICS_NAMESPACE } from '../../lambdas/aws/metric-names.ts';
import { newObservability } from '../../lambdas/aws/observability.ts';
import { S3ConditionalObjects } from '../../lambdas/aws/s3-conditional-objects.ts';
import { FX, SPEND } from '../../lambdas/contract/tables.ts';
import { createIngestHandler } from '../../lambdas/handlers/create-ingest-handler.ts';
import { LakeBusyError } from '../../lambdas/pipeline/errors.ts';
import { S3Store } from '../../lambdas/storage/s3-store.ts';
import { currentFiles } from '../../lambdas/warehouse/table-files.ts';
import { conditionalS3Model } from '../aws/conditional-s3-model.ts';
import { type LocalS3, startLocalS3 } from '../storage/s3rver-process.ts';
import type { FakeAthenaOptions, QueryAnswer, Responder } from '../warehouse/athena-fake.ts';
import {
  BUCKETS,
  captureStdout,
  emptyBuckets,
  fakeAthena,
  ingestRuntime,
  LAKE_BUCKET,
  LANDING_BUCKET,
  lambdaContext,
  metricsWith,
  recordedWaits,
} from './handler-fixture.ts';

const MIB = 1024 * 1024;

let s3: LocalS3;
let landing: S3Store;
let lake: S3Store;
let eventCount = 0;

beforeAll(async () => {
  s3 = await startLocalS3(BUCKETS);
  landing = new S3Store({ client: s3.client, bucket: LANDING_BUCKET });
  lake = new S3Store({ client: s3.client, bucket: LAKE_BUCKET });
});

afterAll(async () => {
  await s3?.stop();
});

beforeEach(async () => {
  await emptyBuckets(s3);
});

/** An S3 "Object Created" event as EventBridge delivers it. */
function objectCreated(key: string, bucket = LANDING_BUCKET) {
  eventCount += 1;
  return {
    version: '0',
    id: `5d8ba8a1-7e4b-4c1e-9d4e-${String(eventCount).padStart(12, '0')}`,
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '123456789012',
    time: '2026-11-22T05:59:12Z',
    region: 'eu-west-1',
    resources: [`arn:aws:s3:::${bucket}`],
    detail: {
      version: '0',
      bucket: { name: bucket },
      object: { key, size: 128, etag: 'b1946ac92492d2347c6235b4d2611184', sequencer: '617f08299329d189' },
      'request-id': 'N4N7GDK58NMKJ12R',
      requester: '123456789012',
      'source-ip-address': '203.0.113.15',
      reason: 'PutObject',
    },
  };
}

async function land(key: string, body: string): Promise<void> {
  await s3.client.send(new PutObjectCommand({ Bucket: LANDING_BUCKET, Key: key, Body: body }));
}

async function text(bucket: string, key: string): Promise<string> {
  const response = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await response.Body?.transformToString()) ?? '';
}

/** A fresh fake Athena, runtime and handler. */
async function setUp(options: Omit<FakeAthenaOptions, 'lake'> = {}) {
  const athena = fakeAthena(s3, options);
  const waits = recordedWaits();
  const runtime: IngestRuntime = await ingestRuntime(s3, athena, waits);
  return { athena, waits, handler: createIngestHandler(runtime) };
}

/** Answers by the first pattern the SQL matches. */
function answers(...rules: [RegExp, QueryAnswer][]): Responder {
  return (sql) => rules.find(([pattern]) => pattern.test(sql))?.[1];
}

const NO_PREVIOUS_INGEST: [RegExp, QueryAnswer] = [
  /from ingest_log\s+where ingest_id = '[0-9a-f]{64}'/,
  {
    columns: [
      { name: 'file', type: 'varchar' },
      { name: 'kind', type: 'varchar' },
      { name: 'rows_read', type: 'bigint' },
      { name: 'rows_accepted', type: 'bigint' },
      { name: 'rows_duplicate', type: 'bigint' },
      { name: 'rows_quarantined', type: 'bigint' },
    ],
    rows: [],
  },
];

describe('ingest handler', () => {
  it('ingests a landed FX file, retrying a throttled query start, and moves it to processed/', async () => {
    // Prepare
    const key = 'landing/fx/rates-2026-11-20.csv';
    const body =
      'date,currency,usd_per_unit\n2026-11-20,EUR,1.08\n2026-11-20,GBP,1.27\n2026-11-21,EUR,not-a-rate\n';
    await land(key, body);
    const { athena, waits, handler } = await setUp({
      respond: answers(NO_PREVIOUS_INGEST),
      throttledStarts: 1,
    });

    // Act
    const { result, emf, logs } = await captureStdout(() =>
      handler(objectCreated(key), lambdaContext('ingest')),
    );

    // Assess: 2 rows accepted, 1 quarantined, nothing lost.
    expect(result).toEqual({
      status: 'ingested',
      key,
      movedTo: 'processed/fx/rates-2026-11-20.csv',
      reason: null,
      rowsRead: 3,
      rowsAccepted: 2,
      rowsDuplicate: 0,
      rowsQuarantined: 1,
      alreadyIngested: false,
      athenaBytesScanned: athena.started.length * 10 * MIB,
    });
    // The first start was throttled and retried after a jittered wait; it ran once.
    expect(athena.throttled).toBe(1);
    expect(waits.waits[0]).toBe(250);
    expect(athena.started.filter((sql) => sql.includes('from ingest_log'))).toHaveLength(1);
    // FX replaces its table; the quarantined row and the ingest log are appended.
    expect(athena.unloads().map((sql) => /to 's3:\/\/[^/]+\/_tmp\/athena\/\w+\/c0\/a0\/'/.test(sql))).toEqual(
      [true, true, true],
    );
    // Readers see the one file the table's manifest names.
    expect([...(await currentFiles(lake, FX)).values()].flat()).toEqual([
      expect.stringMatching(/^curated\/fx\/part_[0-9a-f]{24}_0\.parquet$/),
    ]);
    expect((await lake.list('quality/quarantine')).map((object) => object.key)).toEqual([
      expect.stringMatching(/^quality\/quarantine\/[0-9a-f]{64}_0\.parquet$/),
    ]);
    expect((await lake.list('quality/ingest_log')).map((object) => object.key)).toEqual([
      expect.stringMatching(/^quality\/ingest_log\/[0-9a-f]{64}_0\.parquet$/),
    ]);
    expect(await lake.list('staging')).toEqual([]);
    // The landed file moved, byte for byte.
    expect(await landing.list('landing')).toEqual([]);
    expect(await text(LANDING_BUCKET, 'processed/fx/rates-2026-11-20.csv')).toBe(body);
    // Metrics: the counts, the quarantine rate and Athena's bytes, under one service dimension.
    const metrics = metricsWith(emf, 'RowsRead');
    expect(metrics).toEqual({
      FilesIngested: 1,
      RowsRead: 3,
      RowsAccepted: 2,
      RowsDuplicate: 0,
      RowsQuarantined: 1,
      QuarantineRatePercent: 100 / 3,
      AthenaBytesScanned: athena.started.length * 10 * MIB,
    });
    expect(emf.find((blob) => 'RowsRead' in blob.metrics)).toMatchObject({
      namespace: METRICS_NAMESPACE,
      dimensions: [['service']],
      service: 'growthlake',
    });
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'INFO', message: 'landed file handled', function_name: 'ingest' }),
    );
  });

  it('converts spend with an FX rate from the second page of results, and quarantines a currency without one', async () => {
    // Prepare: 1500 rates; the one the EUR row needs is row 1200, on the second page.
    const rates = Array.from({ length: 1500 }, (_, i) => {
      const day = new Date(Date.UTC(2022, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
      return [day, 'EUR', (1 + i / 10_000).toFixed(4)];
    });
    expect(rates[1419]?.[0]).toBe('2025-11-20');
    rates[1200] = ['2026-11-20', 'EUR', '1.0800'];
    const key = 'landing/spend/networks/2026-11-20.csv';
    await land(
      key,
      'date,partner_id,spend,currency,cost_type,campaign_id,impressions,clicks\n' +
        '2026-11-20,kol_alpha,100,EUR,flat,,,\n' +
        '2026-11-20,aff_one,50,USD,cpa,summer,1000,40\n' +
        '2026-11-20,kol_beta,70,GBP,flat,,,\n',
    );
    const { athena, handler } = await setUp({
      respond: answers(
        [/^select distinct dt from/, { columns: [{ name: 'dt', type: 'date' }], rows: [['2026-11-20']] }],
        NO_PREVIOUS_INGEST,
        [
          /from fx\b/,
          {
            columns: [
              { name: 'fx_date', type: 'varchar' },
              { name: 'currency', type: 'varchar' },
              { name: 'usd_per_unit', type: 'double' },
            ],
            rows: rates,
          },
        ],
        [
          /from staged_spend\s+where staging_id = '[0-9a-f]{32}'/,
          {
            columns: [
              { name: 'spend_date', type: 'date' },
              { name: 'rows_staged', type: 'bigint' },
            ],
            rows: [['2026-11-20', '2']],
          },
        ],
      ),
    });

    // Act
    const { result, emf } = await captureStdout(() => handler(objectCreated(key), lambdaContext('ingest')));

    // Assess
    expect(result).toMatchObject({
      status: 'ingested',
      rowsRead: 3,
      rowsAccepted: 2,
      rowsQuarantined: 1,
      rowsDuplicate: 0,
    });
    const ratesQuery = athena.started.findIndex((sql) => /from fx\b/.test(sql));
    expect(ratesQuery).toBeGreaterThanOrEqual(0);
    expect(athena.pageRequests.filter((token) => token === 'page-1')).toHaveLength(1);
    expect([...(await currentFiles(lake, SPEND)).values()].flat()).toEqual([
      expect.stringMatching(/^curated\/spend\/dt=2026-11-20\/part_[0-9a-f]{24}_0\.parquet$/),
    ]);
    expect((await lake.list('quality/ingest_partitions')).map((object) => object.key)).toEqual([
      expect.stringMatching(/^quality\/ingest_partitions\/[0-9a-f]{64}_0\.parquet$/),
    ]);
    expect(await text(LANDING_BUCKET, 'processed/spend/networks/2026-11-20.csv')).toContain('kol_beta');
    expect(metricsWith(emf, 'QuarantineRatePercent').QuarantineRatePercent).toBeCloseTo(33.333, 3);
  });

  it('moves a file under an unknown kind folder to rejected/ with the reason, without querying', async () => {
    // Prepare
    const key = 'landing/clicks/2026-11-21.csv';
    await land(key, 'date,clicks\n2026-11-21,10\n');
    const { athena, handler } = await setUp();

    // Act
    const { result, emf } = await captureStdout(() => handler(objectCreated(key), lambdaContext('ingest')));

    // Assess
    const reason =
      'landing/clicks/2026-11-21.csv has the kind folder "clicks"; land files under landing/<kind>/ with kind one of events, spend, partners, fx, campaigns, exposures, appsflyer, adjust, impact, tracker-map, targets';
    expect(result).toMatchObject({
      status: 'rejected',
      movedTo: 'rejected/clicks/2026-11-21.csv',
      reason,
      athenaBytesScanned: 0,
    });
    expect(athena.started).toEqual([]);
    expect(await text(LANDING_BUCKET, 'rejected/clicks/2026-11-21.csv')).toBe('date,clicks\n2026-11-21,10\n');
    expect(JSON.parse(await text(LANDING_BUCKET, 'rejected/clicks/2026-11-21.csv.rejection.json'))).toEqual({
      source: `s3://${LANDING_BUCKET}/${key}`,
      versionId: null,
      reason,
      rejectedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    expect(await landing.list('landing/clicks')).toEqual([]);
    expect(metricsWith(emf, 'FilesRejected')).toEqual({ FilesRejected: 1, AthenaBytesScanned: 0 });
  });

  it('defers a file landed while a daily run holds the lake, writing nothing, and takes it when the run lands it again', async () => {
    // Prepare: the daily run's execution holds the lake (as its first state left it). The lock is
    // on the model of S3's conditional writes, which s3rver ignores; the files are on s3rver.
    const key = 'landing/clicks/2026-11-21.csv';
    await land(key, 'date,clicks\n2026-11-21,10\n');
    const athena = fakeAthena(s3);
    const lockObjects = conditionalS3Model();
    const lock = new LakeLock({
      objects: new S3ConditionalObjects({ client: lockObjects.client, bucket: LAKE_BUCKET }),
      lakeName: `s3://${LAKE_BUCKET}`,
      now: () => new Date('2026-11-22T06:00:00.000Z'),
    });
    const handler = createIngestHandler({ ...(await ingestRuntime(s3, athena, recordedWaits())), lock });
    await lock.acquire({
      holder: 'run:exec-1',
      kind: 'run',
      description: 'daily run exec-1 for 2026-11-21',
      ttlSeconds: 21_600,
    });
    const runtime: Pick<LockRuntime, 'lock' | 'deferrals'> = {
      lock,
      deferrals: new DeferredIngests({
        lake,
        landing: new S3LandingBucket({ client: s3.client, bucket: LANDING_BUCKET }),
      }),
    };

    // Act: the file lands during the run; the run then releases the lake; S3 announces the file again.
    const deferred = await captureStdout(() => handler(objectCreated(key), lambdaContext('ingest')));
    const lakeDuringRun = (await lake.list('')).map((object) => object.key);
    const released = await captureStdout(() =>
      handleLakeLock(
        { ...newObservability(), ttlSeconds: 21_600, ...runtime },
        { action: 'release', executionId: 'exec-1' },
      ),
    );
    const relanded = await s3.client.send(new HeadObjectCommand({ Bucket: LANDING_BUCKET, Key: key }));
    const handled = await captureStdout(() => handler(objectCreated(key), lambdaContext('ingest')));

    // Assess: deferred with the holder named, nothing queried, only the deferral noted in the lake.
    expect(deferred.result).toMatchObject({
      status: 'deferred',
      key,
      movedTo: null,
      reason:
        `the lake s3://${LAKE_BUCKET} is in use by daily run exec-1 for 2026-11-21 ` +
        '(since 2026-11-22T06:00:00.000Z, lapsing at 2026-11-22T12:00:00.000Z at the latest); wait for it to finish',
    });
    expect(lakeDuringRun).toEqual([expect.stringMatching(/^_lock\/deferred\/.+\.json$/)]);
    expect(released.result).toEqual({
      action: 'release',
      holder: 'run:exec-1',
      outcome: 'released',
      relanded: [key],
    });
    expect(relanded.Metadata).toEqual({ 'growthlake-relanded': 'after exec-1' });
    // Taken this time (and refused, as clicks is no input kind), with the lake left unlocked.
    expect(handled.result).toMatchObject({ status: 'rejected', movedTo: 'rejected/clicks/2026-11-21.csv' });
    expect(athena.started).toEqual([]);
    expect(await lake.list('_lock')).toEqual([]);
    expect(lockObjects.objects.has(LAKE_LEASE_KEY)).toBe(false);
  });

  it('takes the file after all when the run released the lake while the deferral was being recorded', async () => {
    // Prepare: a lock that refuses the first attempt (the run still held it) and grants the second.
    class ReleasedMeanwhile extends LakeLock {
      #refused = false;
      public override async acquire(request: LeaseRequest): Promise<LakeLease> {
        if (this.#refused) return super.acquire(request);
        this.#refused = true;
        throw new LakeBusyError('the lake is in use by daily run exec-1 for 2026-11-21');
      }
    }
    const key = 'landing/clicks/2026-11-21.csv';
    await land(key, 'date,clicks\n2026-11-21,10\n');
    const lock = new ReleasedMeanwhile({
      objects: new S3ConditionalObjects({ client: conditionalS3Model().client, bucket: LAKE_BUCKET }),
      lakeName: `s3://${LAKE_BUCKET}`,
    });
    const handler = createIngestHandler({
      ...(await ingestRuntime(s3, fakeAthena(s3), recordedWaits())),
      lock,
    });

    // Act
    const { result } = await captureStdout(() => handler(objectCreated(key), lambdaContext('ingest')));

    // Assess: handled now (refused, as clicks is no input kind), and no deferral record left behind.
    expect(result).toMatchObject({ status: 'rejected', movedTo: 'rejected/clicks/2026-11-21.csv' });
    expect(await lake.list('_lock')).toEqual([]);
  });

  it("rejects a file the core refuses as a whole, with the core's one-line reason", async () => {
    // Prepare
    const key = 'landing/fx/wrong-header.csv';
    await land(key, 'day,ccy,rate\n2026-11-20,EUR,1.08\n');
    const { handler } = await setUp();

    // Act
    const { result } = await captureStdout(() => handler(objectCreated(key), lambdaContext('ingest')));

    // Assess
    expect(result).toMatchObject({
      status: 'rejected',
      movedTo: 'rejected/fx/wrong-header.csv',
      reason: expect.stringMatching(
        /wrong-header\.csv: the header has no column date, currency, usd_per_unit \(found: day,ccy,rate\)$/,
      ),
    });
    expect(await lake.list('staging')).toEqual([]);
  });

  it("fails with Athena's reason when a query fails, leaving the file in landing/ for the retry", async () => {
    // Prepare
    const key = 'landing/fx/2026-11-21.csv';
    const body = 'date,currency,usd_per_unit\n2026-11-21,EUR,1.09\n';
    await land(key, body);
    const reason = "TABLE_NOT_FOUND: line 5:19: Table 'awsdatacatalog.growthlake.ingest_log' does not exist";
    const { handler } = await setUp({ fail: { match: /from ingest_log/, reason } });

    // Act
    const outcome = captureStdout(() => handler(objectCreated(key), lambdaContext('ingest')));

    // Assess
    await expect(outcome).rejects.toThrow(
      new RegExp(
        `^Athena query [0-9a-f-]{36} failed: ${reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(user error, type 1006\\)`,
      ),
    );
    expect(await landing.list('landing/fx')).toEqual([
      { key, size: body.length, modifiedMs: expect.any(Number) },
    ]);
    expect(await lake.list('staging')).toEqual([]);
  });

  it('counts a re-landed file whose bytes were ingested before once, with no new rows', async () => {
    // Prepare
    const key = 'landing/fx/again.csv';
    await land(key, 'date,currency,usd_per_unit\n2026-11-20,EUR,1.08\n');
    const { athena, handler } = await setUp({
      respond: answers([
        NO_PREVIOUS_INGEST[0],
        { ...NO_PREVIOUS_INGEST[1], rows: [['landing/fx/first.csv', 'fx', '1', '1', '0', '0']] },
      ]),
    });

    // Act
    const { result, emf } = await captureStdout(() => handler(objectCreated(key), lambdaContext('ingest')));

    // Assess
    expect(result).toMatchObject({ status: 'ingested', alreadyIngested: true, rowsRead: 1, rowsAccepted: 1 });
    expect(athena.unloads()).toEqual([]);
    expect(metricsWith(emf, 'FilesIngested')).toEqual({ FilesIngested: 1, AthenaBytesScanned: 10 * MIB });
  });

  it('leaves folder markers alone', async () => {
    // Prepare
    await land('landing/events/', '');
    const { handler } = await setUp();

    // Act
    const { result } = await captureStdout(() =>
      handler(objectCreated('landing/events/'), lambdaContext('ingest')),
    );

    // Assess
    expect(result).toMatchObject({ status: 'ignored', movedTo: null, reason: 'a folder marker, not a file' });
    expect(await landing.list('landing/events')).toEqual([
      { key: 'landing/events/', size: 0, modifiedMs: expect.any(Number) },
    ]);
  });

  it('refuses events that are not S3 "Object Created" events of the landing bucket', async () => {
    // Prepare
    const { handler } = await setUp();
    const wrongType = { ...objectCreated('landing/fx/x.csv'), 'detail-type': 'Object Deleted' };

    // Act and assess
    await expect(captureStdout(() => handler(wrongType, lambdaContext('ingest')))).rejects.toThrow(
      new InvalidEventError(
        'invalid event: detail-type: detail-type must be "Object Created"; event: ' +
          JSON.stringify(wrongType).slice(0, 300) +
          '...',
      ),
    );
    await expect(
      captureStdout(() =>
        handler(objectCreated('landing/fx/x.csv', 'someone-elses-bucket'), lambdaContext('ingest')),
      ),
    ).rejects.toThrow(
      `the event is about bucket someone-elses-bucket, but this function ingests from ${LANDING_BUCKET}`,
    );
  });
});
