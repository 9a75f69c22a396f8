import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LakeIngestInProgressError } from '../../lambdas/aws/errors.ts';
import { LAKE_LEASE_KEY, LakeLock, type LeaseRequest } from '../../lambdas/aws/lake-lease.ts';
import { S3ConditionalObjects } from '../../lambdas/aws/s3-conditional-objects.ts';
import { LakeBusyError } from '../../lambdas/pipeline/errors.ts';
import { type LocalS3, startLocalS3 } from '../storage/s3rver-process.ts';
import { conditionalS3Model } from './conditional-s3-model.ts';

const BUCKET = 'growthlake-lake';
const T0 = new Date('2026-11-22T06:00:00.000Z');

const run = (execution: string, runDate = '2026-11-21'): LeaseRequest => ({
  holder: `run:${execution}`,
  kind: 'run',
  description: `daily run ${execution} for ${runDate}`,
  ttlSeconds: 6 * 3600,
});

function lockOver(model = conditionalS3Model(), now: () => Date = () => T0) {
  const lock = new LakeLock({
    objects: new S3ConditionalObjects({ client: model.client, bucket: BUCKET }),
    lakeName: `s3://${BUCKET}`,
    now,
  });
  return { model, lock };
}

describe('LakeLock on a model of S3 conditional writes', () => {
  it('lets one of two runs started at once take the lake, and fails the other with one line naming it', async () => {
    // Prepare: two executions' locks over one bucket.
    const model = conditionalS3Model();
    const first = lockOver(model).lock;
    const second = lockOver(model).lock;

    // Act
    const outcomes = await Promise.allSettled([
      first.acquire(run('sched-a')),
      second.acquire(run('manual-b')),
    ]);

    // Assess: exactly one holds it, and the other's error names that one, its start and its lapse (06:00 + 6 h).
    const taken = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(taken).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const winner = (taken[0] as PromiseFulfilledResult<{ holder: string }>).value.holder.replace('run:', '');
    const error = (refused[0] as PromiseRejectedResult).reason as Error;
    expect(error).toBeInstanceOf(LakeBusyError);
    expect(error.message).toBe(
      `the lake s3://${BUCKET} is in use by daily run ${winner} for 2026-11-21 ` +
        '(since 2026-11-22T06:00:00.000Z, lapsing at 2026-11-22T12:00:00.000Z at the latest); wait for it to finish',
    );
    expect(JSON.parse(model.objects.get(LAKE_LEASE_KEY)?.text ?? '{}').holder).toBe(`run:${winner}`);
  });

  it('hands the same lease back to a retried acquire, and releases only for its holder', async () => {
    // Prepare
    const { model, lock } = lockOver();
    const lease = await lock.acquire(run('exec-1'));

    // Act
    const retried = await lock.acquire(run('exec-1'));
    const byOther = await lock.release('run:exec-2');
    const byHolder = await lock.release('run:exec-1');
    const again = await lock.release('run:exec-1');

    // Assess
    expect(retried).toEqual(lease);
    expect(byOther).toBe('not-held');
    expect(byHolder).toBe('released');
    expect(again).toBe('not-held');
    expect(model.objects.has(LAKE_LEASE_KEY)).toBe(false);
  });

  it('takes over a lapsed lock once, when two writers find it lapsed at the same time', async () => {
    // Prepare: a run that took the lake at 06:00 for 6 hours and was killed; 12:00:01 now.
    const model = conditionalS3Model();
    await lockOver(model).lock.acquire(run('killed'));
    const later = () => new Date(T0.getTime() + 6 * 3600 * 1000 + 1000);
    const a = lockOver(model, later).lock;
    const b = lockOver(model, later).lock;

    // Act
    const outcomes = await Promise.allSettled([a.acquire(run('next-a')), b.acquire(run('next-b'))]);

    // Assess: one took it over (its lease starts 12:00:01), the other names that one.
    const taken = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    expect(taken).toHaveLength(1);
    const lease = (taken[0] as PromiseFulfilledResult<{ holder: string; since: string }>).value;
    expect(lease.since).toBe('2026-11-22T12:00:01.000Z');
    const refused = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason.message).toContain(`in use by daily run ${lease.holder.replace('run:', '')} for`);
    expect(await a.release('run:killed')).toBe('not-held');
  });

  it('keeps a lock that has not lapsed, and tells a run that an ingest holds it with its own error', async () => {
    // Prepare: an ingest took the lake at 06:00 for 15 minutes.
    const model = conditionalS3Model();
    await lockOver(model).lock.acquire({
      holder: 'ingest:evt-1',
      kind: 'ingest',
      description: `the ingest of s3://landing/landing/spend/2026-11-21.csv`,
      ttlSeconds: 900,
    });
    const at0614 = lockOver(model, () => new Date(T0.getTime() + 14 * 60 * 1000)).lock;

    // Act and assess
    await expect(at0614.acquire(run('exec-1'))).rejects.toThrow(
      new LakeIngestInProgressError(
        `the lake s3://${BUCKET} is in use by the ingest of s3://landing/landing/spend/2026-11-21.csv ` +
          '(since 2026-11-22T06:00:00.000Z, lapsing at 2026-11-22T06:15:00.000Z at the latest); wait for it to finish',
      ),
    );
  });

  it('reads a 409 ConditionalRequestConflict as a lost race and looks again', async () => {
    // Prepare: a lock held by run a; run b's first create is answered 409.
    const model = conditionalS3Model();
    await lockOver(model).lock.acquire(run('a'));
    model.conflictNextPut();

    // Act and assess
    await expect(lockOver(model).lock.acquire(run('b'))).rejects.toThrow(LakeBusyError);
    await lockOver(model).lock.release('run:a');
    model.conflictNextPut();
    expect((await lockOver(model).lock.acquire(run('b'))).holder).toBe('run:b');
  });

  it('breaks a lock object that does not parse', async () => {
    // Prepare
    const model = conditionalS3Model();
    model.objects.set(LAKE_LEASE_KEY, { text: '{"holder":', etag: '"x"' });

    // Act
    const lease = await lockOver(model).lock.acquire(run('exec-1'));

    // Assess
    expect(lease.holder).toBe('run:exec-1');
  });
});

describe('LakeLock against s3rver', () => {
  let s3: LocalS3;
  beforeAll(async () => {
    s3 = await startLocalS3([BUCKET]);
  });
  afterAll(async () => {
    await s3?.stop();
  });

  it('takes, names and releases the lake over the real S3 API (s3rver ignores the preconditions, so no race)', async () => {
    // Prepare
    const lock = new LakeLock({
      objects: new S3ConditionalObjects({ client: s3.client, bucket: BUCKET }),
      lakeName: `s3://${BUCKET}`,
      now: () => T0,
    });

    // Act
    const lease = await lock.acquire(run('exec-1'));
    const held = await lock.holder();
    const released = await lock.release('run:exec-1');
    const after = await lock.holder();

    // Assess
    expect(held).toEqual(lease);
    expect(lease.expiresAt).toBe('2026-11-22T12:00:00.000Z');
    expect(released).toBe('released');
    expect(after).toBeUndefined();
  });
});
