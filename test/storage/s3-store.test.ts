import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { StorageError } from '../../lambdas/storage/errors.ts';
import { S3Store } from '../../lambdas/storage/s3-store.ts';
import { type LocalS3, startLocalS3 } from './s3rver-process.ts';

const BUCKET = 'growthlake-test';
const MIB = 1024 * 1024;

let s3: LocalS3;

beforeAll(async () => {
  s3 = await startLocalS3([BUCKET]);
});

afterAll(async () => {
  await s3?.stop();
});

afterEach(() => {
  vi.restoreAllMocks();
});

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Writes small objects with a few requests in flight, as a test fixture. */
async function putAll(store: S3Store, keys: readonly string[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < keys.length) {
      const key = keys[next++] as string;
      await store.put(key, key);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

function commandsSent(
  spy: { mock: { calls: unknown[][] } },
  type: abstract new (...args: never[]) => unknown,
): number {
  return spy.mock.calls.filter(([command]) => command instanceof type).length;
}

describe('S3Store against s3rver', () => {
  it('uploads a 20 MiB stream in 8 MiB parts and reads it back byte for byte', async () => {
    // Prepare
    const store = new S3Store({ client: s3.client, bucket: BUCKET, prefix: 'lake' });
    const bytes = randomBytes(20 * MIB);
    const chunks = Array.from({ length: 20 }, (_, i) => bytes.subarray(i * MIB, (i + 1) * MIB));
    const send = vi.spyOn(s3.client, 'send');

    // Act
    await store.putStream('big/blob.bin', Readable.from(chunks));
    const read = await store.get('big/blob.bin');

    // Assess
    expect(commandsSent(send, UploadPartCommand)).toBe(3);
    expect(commandsSent(send, CompleteMultipartUploadCommand)).toBe(1);
    expect(read?.byteLength).toBe(20 * MIB);
    expect(sha256(read as Uint8Array)).toBe(sha256(bytes));
    expect(await store.list('big')).toEqual([
      { key: 'big/blob.bin', size: 20 * MIB, modifiedMs: expect.any(Number) },
    ]);
  });

  it('fails a stream upload whose source errors, leaving no object', async () => {
    // Prepare
    const store = new S3Store({ client: s3.client, bucket: BUCKET, prefix: 'lake' });
    async function* broken() {
      yield Buffer.alloc(9 * MIB, 1);
      throw new Error('disk gone');
    }

    // Act
    const upload = store.putStream('broken/blob.bin', Readable.from(broken()));

    // Assess: s3rver cannot abort a multipart upload, so its refusal, not 'disk gone', is the message here
    await expect(upload).rejects.toThrow(StorageError);
    await expect(upload).rejects.toThrow(`could not upload s3://${BUCKET}/lake/broken/blob.bin: `);
    expect(await store.get('broken/blob.bin')).toBeUndefined();
  });

  it('lists 1,205 keys across ListObjectsV2 pages, and only under the directory asked for', async () => {
    // Prepare
    const store = new S3Store({ client: s3.client, bucket: BUCKET, prefix: 'lake' });
    const keys = Array.from(
      { length: 1205 },
      (_, i) => `many/dt=2026-11-21/part_${String(i).padStart(4, '0')}.parquet`,
    );
    await putAll(store, keys);
    await store.put('many-neighbour/x.parquet', 'not under many/');
    const send = vi.spyOn(s3.client, 'send');

    // Act
    const listed = await store.list('many');

    // Assess
    expect(commandsSent(send, ListObjectsV2Command)).toBe(2);
    expect(listed.map((object) => object.key)).toEqual(keys);
    // With its write time, from the listing's LastModified (whole seconds on s3rver).
    expect(listed[0]).toEqual({ key: keys[0], size: keys[0]?.length, modifiedMs: expect.any(Number) });
    expect(Math.abs((listed[0]?.modifiedMs ?? 0) - Date.now())).toBeLessThan(10 * 60 * 1000);
  });

  it('deletes 1,205 keys in two DeleteObjects batches, ignoring keys that do not exist', async () => {
    // Prepare
    const store = new S3Store({ client: s3.client, bucket: BUCKET, prefix: 'lake' });
    const keys = Array.from({ length: 1205 }, (_, i) => `doomed/part_${String(i).padStart(4, '0')}.parquet`);
    await putAll(store, keys);
    const send = vi.spyOn(s3.client, 'send');

    // Act
    await store.delete([...keys, 'doomed/never-written.parquet']);

    // Assess
    expect(commandsSent(send, DeleteObjectsCommand)).toBe(2);
    expect(await store.list('doomed')).toEqual([]);
  });

  it('returns undefined for a missing key', async () => {
    // Prepare
    const store = new S3Store({ client: s3.client, bucket: BUCKET, prefix: 'lake' });

    // Act
    const read = await store.get('nowhere/missing.parquet');

    // Assess
    expect(read).toBeUndefined();
  });

  it('deletes a prefix as a directory, leaving its neighbours', async () => {
    // Prepare
    const store = new S3Store({ client: s3.client, bucket: BUCKET, prefix: 'lake' });
    await putAll(store, [
      't/dt=2026-11-20/a.parquet',
      't/dt=2026-11-20/b.parquet',
      't/dt=2026-11-2/c.parquet',
    ]);

    // Act
    await store.deletePrefix('t/dt=2026-11-20');

    // Assess
    expect((await store.list('t')).map((object) => object.key)).toEqual(['t/dt=2026-11-2/c.parquet']);
  });

  it('writes, reads and copies keys with hive partition names, and names them by s3:// URI', async () => {
    // Prepare
    const store = new S3Store({ client: s3.client, bucket: BUCKET, prefix: 'lake/' });
    await store.put('_tmp/x/dt=2026-11-21/20261121_000_0', 'parquet bytes');

    // Act
    await store.copy('_tmp/x/dt=2026-11-21/20261121_000_0', 'curated/events/dt=2026-11-21/part_0.parquet');

    // Assess
    expect(store.uriOf('curated/events')).toBe(`s3://${BUCKET}/lake/curated/events`);
    const copied = await store.get('curated/events/dt=2026-11-21/part_0.parquet');
    expect(new TextDecoder().decode(copied)).toBe('parquet bytes');
    expect(await store.get('_tmp/x/dt=2026-11-21/20261121_000_0')).toBeDefined();
  });

  it('wraps S3 errors in a StorageError that keeps the cause', async () => {
    // Prepare
    const store = new S3Store({ client: s3.client, bucket: 'no-such-bucket', prefix: 'lake' });

    // Act
    const read = store.get('a/b.parquet');

    // Assess
    await expect(read).rejects.toThrow(StorageError);
    await expect(read).rejects.toMatchObject({
      message: expect.stringContaining('s3://no-such-bucket/lake/a/b.parquet'),
      cause: expect.objectContaining({ name: 'NoSuchBucket' }),
    });
  });
});

describe('S3Store with a mocked client', () => {
  it('reports the keys S3 refused to delete', async () => {
    // Prepare
    const client = new S3Client({ region: 'us-east-1' });
    const s3Mock = mockClient(client);
    s3Mock.on(DeleteObjectsCommand).resolves({
      Errors: [{ Key: 'lake/t/a.parquet', Code: 'AccessDenied', Message: 'Access Denied' }],
    });
    const store = new S3Store({ client, bucket: BUCKET, prefix: 'lake' });

    // Act
    const deletion = store.delete(['t/a.parquet', 't/b.parquet']);

    // Assess
    await expect(deletion).rejects.toThrow(StorageError);
    await expect(deletion).rejects.toThrow(
      `could not delete 1 of 2 objects in s3://${BUCKET}: t/a.parquet (AccessDenied: Access Denied)`,
    );
    expect(s3Mock.commandCalls(DeleteObjectsCommand)[0]?.args[0].input).toEqual({
      Bucket: BUCKET,
      Delete: { Objects: [{ Key: 'lake/t/a.parquet' }, { Key: 'lake/t/b.parquet' }], Quiet: true },
    });
  });

  it('refuses to delete the whole store and rejects an invalid bucket name', async () => {
    // Prepare
    const client = new S3Client({ region: 'us-east-1' });
    const s3Mock = mockClient(client);
    const store = new S3Store({ client, bucket: BUCKET });

    // Act
    const wipe = store.deletePrefix('');

    // Assess
    await expect(wipe).rejects.toThrow('refusing to delete the whole store');
    expect(s3Mock.calls()).toHaveLength(0);
    expect(() => new S3Store({ client, bucket: 'Bad_Bucket' })).toThrow(/invalid S3 store settings: bucket:/);
  });
});
