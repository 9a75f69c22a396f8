/**
 * A job on the AWS side: the Lambdas' own code (ingest, daily steps) over a real S3 API (s3rver on
 * loopback) and the fake Athena, every S3 request and Athena call counted. Before each run the
 * buckets are put back as they were before the job, and the fake Athena is the same service across
 * a faulted run and its rerun (it remembers its executions, as Athena does), a new one per case.
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { LakeAccess } from '../../lambdas/aws/lake-access.ts';
import { S3Store } from '../../lambdas/storage/s3-store.ts';
import { BUCKETS, LAKE_BUCKET, LAKE_ENV } from '../handlers/handler-fixture.ts';
import type { LocalS3 } from '../storage/s3rver-process.ts';
import { FakeAthena, type Responder } from '../warehouse/athena-fake.ts';
import { type CallLog, countedAthena, countS3Calls } from './call-log.ts';
import { S3LakeReader } from './lake-view.ts';
import { boundedEngine, type FaultJob, type WriteBoundary } from './sweep.ts';

/** What the job's work gets: counted clients, and the lake with its engines bounded for the sweep. */
export interface AwsJobClients {
  readonly s3: S3Client;
  readonly lake: LakeAccess;
}

/** Every object of the app's buckets: bucket, key and body. */
type Snapshot = { bucket: string; key: string; body: Uint8Array }[];

/** A new client for the loopback S3, configured as its own (see s3rver-process.ts). */
export function loopbackClient(s3: LocalS3): S3Client {
  return new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

async function keysOf(client: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((object) => object.Key as string));
    token = page.NextContinuationToken;
  } while (token !== undefined);
  return keys;
}

/** Every object of the app's buckets now. */
export async function snapshot(client: S3Client): Promise<Snapshot> {
  const objects: Snapshot = [];
  for (const bucket of BUCKETS) {
    for (const key of await keysOf(client, bucket)) {
      const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      objects.push({
        bucket,
        key,
        body: await (response.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
      });
    }
  }
  return objects;
}

/** Puts the app's buckets back to `objects`, and nothing else. */
export async function restore(client: S3Client, objects: Snapshot): Promise<void> {
  for (const bucket of BUCKETS) {
    const store = new S3Store({ client, bucket });
    await store.delete(await keysOf(client, bucket));
    for (const object of objects.filter((o) => o.bucket === bucket)) await store.put(object.key, object.body);
  }
}

/**
 * The SELECT without what differs from one run of the same work to the next: the staging id (a
 * random UUID per attempt) and timestamps (`ingested_at` is the attempt's clock).
 */
function runIndependent(select: string): string {
  return select
    .replace(/\b[0-9a-f]{32}\b/g, '<id>')
    .replace(/\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?Z?/g, '<time>');
}

/**
 * UNLOAD file bodies that name the SELECT they came from (and a tag telling the run that seeded the
 * lake from the job's), so a reader tells one write's files from another's by their ETags, and the
 * same work run again writes the same bodies.
 */
export function unloadBodies(tag: string): (select: string, partition: string, file: number) => string {
  return (select, partition, file) =>
    `${tag} ${createHash('sha256').update(runIndependent(select)).digest('hex').slice(0, 16)} ${partition} file ${file}`;
}

/** A fake Athena answering with `respond`, its UNLOADs writing into the lake bucket, tagged `tag`. */
export function jobAthena(raw: S3Client, respond: Responder, tag: string): FakeAthena {
  return new FakeAthena({
    lake: new S3Store({ client: raw, bucket: LAKE_BUCKET }),
    respond,
    polls: 1,
    unloadBody: unloadBodies(tag),
  });
}

/** The lake over counted clients, each engine it opens bounded for the sweep. */
export function countedLake(
  s3: S3Client,
  athena: FakeAthena,
  log: CallLog,
  boundary: WriteBoundary,
): LakeAccess {
  const lake = new LakeAccess({
    env: LAKE_ENV,
    s3,
    athena: countedAthena(athena.client, log),
    sleep: async () => {},
    random: () => 0.5,
  });
  const open = lake.engine.bind(lake);
  lake.engine = (jobId) => boundedEngine(open(jobId), boundary);
  return lake;
}

/** `work` as a {@link FaultJob} over the loopback S3, from the buckets as `initial` holds them. */
export function awsJob(
  name: string,
  s3: LocalS3,
  initial: Snapshot,
  respond: Responder,
  work: (clients: AwsJobClients) => Promise<unknown>,
  outside?: () => Promise<string>,
): FaultJob & { dispose(): void } {
  const raw = loopbackClient(s3);
  let athena = jobAthena(raw, respond, 'job');
  return {
    name,
    reader: new S3LakeReader(raw, new S3Store({ client: raw, bucket: LAKE_BUCKET })),
    async reset() {
      await restore(raw, initial);
      athena = jobAthena(raw, respond, 'job');
    },
    async run(log, boundary) {
      const client = loopbackClient(s3);
      countS3Calls(client, log);
      try {
        await work({ s3: client, lake: countedLake(client, athena, log, boundary) });
      } finally {
        client.destroy();
      }
    },
    ...(outside === undefined ? {} : { outside }),
    dispose() {
      raw.destroy();
    },
  };
}
