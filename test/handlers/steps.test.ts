/**
 * The daily-run step Lambdas end to end: the state machine's events in, the pipeline steps run
 * through the Athena engine against a fake Athena whose SELECTs are answered by DuckDB over a
 * fixture lake (the same Trino SQL), publications written to a real S3 API (s3rver) and digests
 * sent to a real SES API (aws-ses-v2-local), both on loopback.
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { SESClient } from '@aws-sdk/client-ses';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../lambdas/aws/errors.ts';
import { type RunConfig, RunConfigSchema } from '../../lambdas/contract/run-config.ts';
import { BUDGET_RECOMMENDATIONS, PARTNER_PERFORMANCE } from '../../lambdas/contract/tables.ts';
import { createStepHandler } from '../../lambdas/handlers/create-step-handler.ts';
import { S3Store } from '../../lambdas/storage/s3-store.ts';
import { currentFiles } from '../../lambdas/warehouse/table-files.ts';
import { buildFixtureLake, R, TEST_RECIPIENTS } from '../publish/fixture.ts';
import { type LocalS3, startLocalS3 } from '../storage/s3rver-process.ts';
import { engineResponder, type FakeAthenaOptions } from '../warehouse/athena-fake.ts';
import {
  BUCKETS,
  captureFailure,
  captureStdout,
  emptyBuckets,
  fakeAthena,
  LAKE_BUCKET,
  LINK_SIGNING_TIME,
  lambdaContext,
  metricsWith,
  PUBLISHED_BUCKET,
  recordedWaits,
  stepRuntime,
} from './handler-fixture.ts';

interface StoredEmail {
  readonly from: string;
  readonly destination: { readonly to: readonly string[] };
  readonly subject: string;
  readonly body: { readonly html?: string; readonly text?: string };
}

const startSesLocal = createRequire(import.meta.url)('aws-ses-v2-local').default as (config: {
  host: string;
  port: number;
}) => Promise<Server>;

type Lake = Awaited<ReturnType<typeof buildFixtureLake>>;

const MIB = 1024 * 1024;
const EXECUTION = 'daily-2026-11-23T06-00-00Z-3f9c2a';

let s3: LocalS3;
let sesServer: Server;
let sesEndpoint: string;
let ses: SESClient;
let lake: Lake;
let published: S3Store;
let config: RunConfig;

beforeAll(async () => {
  [s3, sesServer, lake] = await Promise.all([
    startLocalS3(BUCKETS),
    startSesLocal({ host: '127.0.0.1', port: 0 }),
    buildFixtureLake(),
  ]);
  sesEndpoint = `http://127.0.0.1:${(sesServer.address() as AddressInfo).port}`;
  ses = new SESClient({
    endpoint: sesEndpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  published = new S3Store({ client: s3.client, bucket: PUBLISHED_BUCKET });
  config = RunConfigSchema.parse({ recipients: TEST_RECIPIENTS });
});

afterAll(async () => {
  ses?.destroy();
  await new Promise<void>((resolve) =>
    sesServer === undefined ? resolve() : sesServer.close(() => resolve()),
  );
  await s3?.stop();
  await lake?.dispose();
});

beforeEach(async () => {
  await emptyBuckets(s3);
  await clearSentEmails();
});

async function clearSentEmails(): Promise<void> {
  await fetch(`${sesEndpoint}/clear-store`, { method: 'POST' });
}

async function sentEmails(): Promise<StoredEmail[]> {
  const response = await fetch(`${sesEndpoint}/store`);
  return ((await response.json()) as { emails: StoredEmail[] }).emails;
}

function setUp(options: Omit<FakeAthenaOptions, 'lake'> = {}) {
  const athena = fakeAthena(s3, { respond: engineResponder(lake.engine), ...options });
  const waits = recordedWaits();
  return { athena, waits, runtime: stepRuntime(s3, athena, waits, { ses, config }) };
}

describe('publish step handler', () => {
  it('writes the dashboard to the published bucket and mails each digest a presigned link to it', async () => {
    // Prepare
    const { athena, runtime } = setUp();
    const handler = createStepHandler('publish', runtime);

    // Act
    const { result, emf } = await captureStdout(() =>
      handler({ runDate: R, executionId: EXECUTION }, lambdaContext('publish')),
    );

    // Assess: the summary the state machine keeps.
    expect(result).toEqual({
      step: 'publish',
      runDate: R,
      executionId: EXECUTION,
      athenaBytesScanned: athena.started.length * 10 * MIB,
      dashboardKey: `published/${R}/dashboard.html`,
      digestsDue: 4,
      digestsDelivered: 4,
      notDue: 0,
    });
    // The dashboard and the digests are in the published bucket.
    const keys = (await published.list(`published/${R}`)).map((object) => object.key);
    expect(keys).toContain(`published/${R}/dashboard.html`);
    expect(keys.filter((key) => key.includes('/digests/'))).toHaveLength(4);
    expect(keys.filter((key) => key.includes('/delivery/'))).toHaveLength(4);
    const dashboard = new TextDecoder().decode(await published.get(`published/${R}/dashboard.html`));
    expect(dashboard).toContain('<html');
    expect(dashboard).toContain('Chart.js v4');
    // Every digest went out through SES, linking the dashboard with a presigned GET that works.
    const emails = await sentEmails();
    expect(emails.map((email) => /<([^>]+)>/.exec(email.destination.to[0] ?? '')?.[1]).sort()).toEqual(
      TEST_RECIPIENTS.recipients.map((recipient) => recipient.email).sort(),
    );
    const link = /Dashboard: (\S+)/.exec(emails[0]?.body.text ?? '')?.[1] as string;
    const url = new URL(link);
    expect(url.pathname).toBe(`/${PUBLISHED_BUCKET}/published/${R}/dashboard.html`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('86400');
    expect(url.searchParams.get('X-Amz-Date')).toBe(
      LINK_SIGNING_TIME.toISOString().replace(/[-:]|\.\d{3}/g, ''),
    );
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(emails[0]?.body.html).toContain(link.replaceAll('&', '&amp;'));
    expect(await (await fetch(link)).text()).toBe(dashboard);
    // Metrics: digest delivery for the "digest not sent" alarm, and the headline KPIs of R.
    const metrics = metricsWith(emf, 'DigestsUndelivered');
    expect(metrics).toMatchObject({
      DigestsDue: 4,
      DigestsDelivered: 4,
      DigestsUndelivered: 0,
      AthenaBytesScanned: result.athenaBytesScanned,
    });
    expect(Object.keys(metrics)).toEqual(expect.arrayContaining(['SpendUsd', 'Signups', 'Ftds']));
    expect(athena.unloads()).toEqual([]);
  });

  it('never mails a digest twice when the state machine retries the step', async () => {
    // Prepare: the step ran once and mailed every digest
    const { runtime } = setUp();
    const handler = createStepHandler('publish', runtime);
    await captureStdout(() => handler({ runDate: R, executionId: EXECUTION }, lambdaContext('publish')));
    expect(await sentEmails()).toHaveLength(4);
    await clearSentEmails();

    // Act
    const { result } = await captureStdout(() =>
      handler({ runDate: R, executionId: `${EXECUTION}-retry` }, lambdaContext('publish')),
    );

    // Assess
    expect(result).toMatchObject({ digestsDue: 4, digestsDelivered: 4 });
    expect(await sentEmails()).toEqual([]);
  });
});

describe('audiences step handler', () => {
  it('writes each playbook audience as CSV under published/<R>/audiences/ in the published bucket', async () => {
    // Prepare
    const { runtime } = setUp();
    const handler = createStepHandler('audiences', runtime);

    // Act
    const { result } = await captureStdout(() =>
      handler({ runDate: R, executionId: EXECUTION }, lambdaContext('audiences')),
    );

    // Assess
    const audiences = (result as { audiences: { actionId: string; users: number }[] }).audiences;
    expect(audiences.length).toBe(config.playbooks.length);
    const keys = (await published.list(`published/${R}/audiences`)).map((object) => object.key).sort();
    expect(keys).toEqual(
      [...audiences.map((audience) => `${audience.actionId}.csv`), 'counts.csv']
        .map((name) => `published/${R}/audiences/${name}`)
        .sort(),
    );
  });
});

describe('transform step handler', () => {
  it('resolves a scheduled start to yesterday and builds its tables through Athena UNLOADs into the lake', async () => {
    // Prepare
    const { athena, runtime } = setUp();
    const handler = createStepHandler('transform', runtime);
    const lakeStore = new S3Store({ client: s3.client, bucket: LAKE_BUCKET });

    // Act
    const { result, emf } = await captureStdout(() =>
      handler(
        { executionId: EXECUTION, request: { scheduledTime: '2026-11-23T06:00:00Z' } },
        lambdaContext('transform'),
      ),
    );

    // Assess
    expect(result).toEqual({
      step: 'transform',
      runDate: R,
      executionId: EXECUTION,
      athenaBytesScanned: athena.started.length * 10 * MIB,
      rebuiltDays: 0,
      restatedRuns: [],
      spendOnlyRuns: [],
      stateBase: null,
    });
    expect(athena.unloads().length).toBeGreaterThan(0);
    expect(athena.unloads().every((sql) => sql.includes(`to 's3://${LAKE_BUCKET}/_tmp/athena/`))).toBe(true);
    expect((await currentFiles(lakeStore, PARTNER_PERFORMANCE)).get(R)).toEqual([
      expect.stringMatching(
        new RegExp(`^marts/partner_performance/run_date=${R}/part_[0-9a-f]{24}_0\\.parquet$`),
      ),
    ]);
    expect(metricsWith(emf, 'AthenaBytesScanned')).toEqual({ AthenaBytesScanned: result.athenaBytesScanned });
  });

  it("fails with Athena's reason when a query fails, after recording the bytes it scanned", async () => {
    // Prepare
    const reason =
      "HIVE_BAD_DATA: Field fee_usd's type DOUBLE in parquet is incompatible with type decimal(38,9) defined in table schema";
    const { runtime } = setUp({ fail: { match: /./, reason, category: 2, errorType: 1002 } });
    const handler = createStepHandler('transform', runtime);

    // Act
    const { error, emf } = await captureFailure(() =>
      handler({ executionId: EXECUTION, request: { runDate: R } }, lambdaContext('transform')),
    );

    // Assess
    expect(error.message).toMatch(
      new RegExp(
        `Athena query [0-9a-f-]{36} failed: ${reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(user error, type 1002\\)`,
      ),
    );
    expect(metricsWith(emf, 'AthenaBytesScanned')).toEqual({ AthenaBytesScanned: 10 * MIB });
  });

  it('refuses an execution input that names neither a run date nor a scheduled time', async () => {
    // Prepare
    const { athena, runtime } = setUp();
    const handler = createStepHandler('transform', runtime);

    // Act and assess
    await expect(
      captureStdout(() =>
        handler({ executionId: EXECUTION, request: { date: '2026-11-22' } }, lambdaContext('transform')),
      ),
    ).rejects.toThrow(
      new InvalidEventError(
        'invalid event: request: the execution input must be { "runDate": "YYYY-MM-DD" } or { "scheduledTime": "<ISO 8601>" }; ' +
          `event: {"executionId":"${EXECUTION}","request":{"date":"2026-11-22"}}`,
      ),
    );
    await expect(
      captureStdout(() =>
        handler({ executionId: EXECUTION, request: { runDate: '2026-02-30' } }, lambdaContext('transform')),
      ),
    ).rejects.toThrow(/^invalid event: request.runDate: the date must be YYYY-MM-DD; /);
    expect(athena.started).toEqual([]);
  });
});

describe('recommend step handler', () => {
  it('writes the budget recommendations of the run date and summarises the allocation', async () => {
    // Prepare
    const { athena, runtime } = setUp();
    const handler = createStepHandler('recommend', runtime);
    const lakeStore = new S3Store({ client: s3.client, bucket: LAKE_BUCKET });

    // Act
    const { result } = await captureStdout(() =>
      handler({ runDate: R, executionId: EXECUTION }, lambdaContext('recommend')),
    );

    // Assess
    expect(result).toMatchObject({
      step: 'recommend',
      runDate: R,
      executionId: EXECUTION,
      athenaBytesScanned: athena.started.length * 10 * MIB,
      partners: 5,
      valueModelFitted: expect.any(Boolean),
    });
    expect([...(await currentFiles(lakeStore, BUDGET_RECOMMENDATIONS))]).toEqual([
      [
        R,
        [
          expect.stringMatching(
            new RegExp(`^marts/budget_recommendations/run_date=${R}/part_[0-9a-f]{24}_0\\.parquet$`),
          ),
        ],
      ],
    ]);
  });

  it('refuses an event without a run date before touching Athena', async () => {
    // Prepare
    const { athena, runtime } = setUp();
    const handler = createStepHandler('recommend', runtime);

    // Act and assess
    await expect(
      captureStdout(() => handler({ executionId: EXECUTION }, lambdaContext('recommend'))),
    ).rejects.toThrow(/^invalid event: runDate: /);
    expect(athena.started).toEqual([]);
  });
});
