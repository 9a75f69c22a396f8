/**
 * The lake-lock Lambda as the state machine calls it: two executions of the daily run started at
 * once on one lake, against a model of S3's conditional writes (see conditional-s3-model.ts).
 */
import { describe, expect, it } from 'vitest';
import { DeferredIngests } from '../../lambdas/aws/deferred-ingests.ts';
import { InvalidEventError } from '../../lambdas/aws/errors.ts';
import { LakeLock } from '../../lambdas/aws/lake-lease.ts';
import type { LandingBucket } from '../../lambdas/aws/landing-bucket.ts';
import type { LockRuntime } from '../../lambdas/aws/lock-runtime.ts';
import { newObservability } from '../../lambdas/aws/observability.ts';
import { S3ConditionalObjects } from '../../lambdas/aws/s3-conditional-objects.ts';
import { createLockHandler } from '../../lambdas/handlers/create-lock-handler.ts';
import { LakeBusyError } from '../../lambdas/pipeline/errors.ts';
import { conditionalS3Model } from '../aws/conditional-s3-model.ts';
import { MemoryStore } from '../warehouse/memory-store.ts';
import { captureFailure, captureStdout, LAKE_BUCKET, lambdaContext } from './handler-fixture.ts';

const STARTED = new Date('2026-11-22T06:00:00.000Z');

const unusedLanding: LandingBucket = {
  bucket: 'growthlake-landing',
  download: () => Promise.reject(new Error('not in this test')),
  move: () => Promise.reject(new Error('not in this test')),
  putJson: () => Promise.reject(new Error('not in this test')),
  reland: () => Promise.reject(new Error('not in this test')),
};

function lockRuntime(model: ReturnType<typeof conditionalS3Model>): LockRuntime {
  return {
    ...newObservability(),
    lock: new LakeLock({
      objects: new S3ConditionalObjects({ client: model.client, bucket: LAKE_BUCKET }),
      lakeName: `s3://${LAKE_BUCKET}`,
      now: () => STARTED,
    }),
    ttlSeconds: 21_600,
    // No ingest was deferred in these tests: the lake holds no record, so nothing is landed again.
    deferrals: new DeferredIngests({ lake: new MemoryStore(), landing: unusedLanding }),
  };
}

describe('the lake-lock Lambda', () => {
  it('lets the scheduled run take the lake, fails a manual run started at once naming it, and frees the lake after release', async () => {
    // Prepare: two Lambda processes (two runtimes) over one bucket.
    const model = conditionalS3Model();
    const scheduled = createLockHandler(lockRuntime(model));
    const manual = createLockHandler(lockRuntime(model));
    const context = lambdaContext('growthlake-lake-lock');

    // Act: the schedule's execution acquires first; the manual one a moment later, while it runs.
    const taken = await captureStdout(() =>
      scheduled(
        { action: 'acquire', executionId: 'sched-1', request: { scheduledTime: '2026-11-22T06:00:00Z' } },
        context,
      ),
    );
    const refused = await captureFailure(() =>
      manual({ action: 'acquire', executionId: 'manual-1', request: { runDate: '2026-11-20' } }, context),
    );
    const released = await captureStdout(() =>
      scheduled({ action: 'release', executionId: 'sched-1' }, context),
    );
    const next = await captureStdout(() =>
      manual({ action: 'acquire', executionId: 'manual-2', request: { runDate: '2026-11-20' } }, context),
    );

    // Assess: the scheduled start at 06:00 on the 22nd runs the 21st; the lock lapses 6 hours on.
    expect(taken.result).toEqual({
      action: 'acquire',
      holder: 'run:sched-1',
      outcome: 'acquired',
      runDate: '2026-11-21',
    });
    expect(refused.error).toBeInstanceOf(LakeBusyError);
    expect(refused.error.name).toBe('LakeBusyError');
    expect(refused.error.message).toBe(
      `the lake s3://${LAKE_BUCKET} is in use by daily run sched-1 for 2026-11-21 ` +
        '(since 2026-11-22T06:00:00.000Z, lapsing at 2026-11-22T12:00:00.000Z at the latest); wait for it to finish',
    );
    expect(released.result).toEqual({
      action: 'release',
      holder: 'run:sched-1',
      outcome: 'released',
      relanded: [],
    });
    expect(next.result).toMatchObject({ holder: 'run:manual-2', outcome: 'acquired' });
  });

  it('leaves a lock it does not hold when released on the failure path, and refuses an unknown action', async () => {
    // Prepare
    const model = conditionalS3Model();
    const handler = createLockHandler(lockRuntime(model));
    const context = lambdaContext('growthlake-lake-lock');
    await captureStdout(() =>
      handler({ action: 'acquire', executionId: 'holder', request: { runDate: '2026-11-21' } }, context),
    );

    // Act
    const other = await captureStdout(() => handler({ action: 'release', executionId: 'refused' }, context));
    const bad = await captureFailure(() => handler({ action: 'steal', executionId: 'x' }, context));

    // Assess
    expect(other.result).toEqual({
      action: 'release',
      holder: 'run:refused',
      outcome: 'not-held',
      relanded: [],
    });
    expect(model.objects.size).toBe(1);
    expect(bad.error).toBeInstanceOf(InvalidEventError);
  });
});
