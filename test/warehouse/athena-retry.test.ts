import { describe, expect, it } from 'vitest';
import {
  clientRequestToken,
  fullJitterDelayMs,
  isThrottlingError,
  pollDelayMs,
  retryThrottled,
} from '../../lambdas/warehouse/athena-retry.ts';

describe('clientRequestToken', () => {
  it('is the same for the same job, SQL and attempt, and 66 characters long', () => {
    // Act
    const first = clientRequestToken('daily-run:2026-11-21', 'select 1', 'query:0:0');
    const again = clientRequestToken('daily-run:2026-11-21', 'select 1', 'query:0:0');

    // Assess
    expect(again).toBe(first);
    expect(first).toMatch(/^[0-9a-f]{16}-[0-9a-f]{24}-[0-9a-f]{24}$/);
    expect(first).toHaveLength(66);
  });

  it('changes with the job, the SQL or the attempt, keeping the parts that did not change', () => {
    // Prepare
    const base = clientRequestToken('daily-run:2026-11-21', 'select 1', 'query:0:0');

    // Act
    const otherJob = clientRequestToken('daily-run:2026-11-22', 'select 1', 'query:0:0');
    const otherSql = clientRequestToken('daily-run:2026-11-21', 'select 2', 'query:0:0');
    const otherAttempt = clientRequestToken('daily-run:2026-11-21', 'select 1', 'query:1:0');

    // Assess
    expect(otherJob.slice(0, 16)).not.toBe(base.slice(0, 16));
    expect(otherJob.slice(17)).toBe(base.slice(17));
    expect(otherSql.slice(17, 41)).not.toBe(base.slice(17, 41));
    expect(otherAttempt.slice(0, 41)).toBe(base.slice(0, 41));
    expect(new Set([base, otherJob, otherSql, otherAttempt]).size).toBe(4);
  });
});

describe('pollDelayMs', () => {
  it('doubles from the first interval up to the cap', () => {
    // Act
    const delays = [0, 1, 2, 3, 4, 5].map((poll) => pollDelayMs(poll, 250, 5000));

    // Assess
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 5000]);
  });
});

describe('fullJitterDelayMs', () => {
  it('draws below a doubling ceiling that stops at the cap', () => {
    // Act
    const atHalf = [0, 1, 2, 6, 7].map((retry) => fullJitterDelayMs(retry, 500, 20_000, () => 0.5));
    const atTop = fullJitterDelayMs(3, 500, 20_000, () => 0.999);
    const atZero = fullJitterDelayMs(3, 500, 20_000, () => 0);

    // Assess
    expect(atHalf).toEqual([250, 500, 1000, 10_000, 10_000]);
    expect(atTop).toBe(3996);
    expect(atZero).toBe(0);
  });
});

describe('isThrottlingError', () => {
  it.each([
    [Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }), true],
    [Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }), true],
    [Object.assign(new Error('slow down'), { $metadata: { httpStatusCode: 429 } }), true],
    [Object.assign(new Error('x'), { $retryable: { throttling: true } }), true],
    [Object.assign(new Error('bad SQL'), { name: 'InvalidRequestException' }), false],
    ['TooManyRequestsException', false],
    [undefined, false],
  ])('classifies %o as %s', (error, expected) => {
    // Act
    const throttled = isThrottlingError(error);

    // Assess
    expect(throttled).toBe(expected);
  });
});

describe('retryThrottled', () => {
  const throttle = () => Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });

  it('retries a throttled call with jittered waits until it succeeds', async () => {
    // Prepare
    const waits: number[] = [];
    let calls = 0;
    const operation = async () => {
      calls++;
      if (calls <= 2) throw throttle();
      return 'done';
    };

    // Act
    const result = await retryThrottled(operation, {
      sleep: async (ms) => void waits.push(ms),
      random: () => 0.5,
    });

    // Assess
    expect(result).toBe('done');
    expect(calls).toBe(3);
    expect(waits).toEqual([250, 500]);
  });

  it('gives up after maxAttempts and throws the last throttling error', async () => {
    // Prepare
    const waits: number[] = [];
    const error = throttle();

    // Act
    const result = retryThrottled(
      async () => {
        throw error;
      },
      { sleep: async (ms) => void waits.push(ms), random: () => 1, maxAttempts: 4, baseMs: 100, capMs: 300 },
    );

    // Assess
    await expect(result).rejects.toBe(error);
    expect(waits).toEqual([100, 200, 300]);
  });

  it('does not retry other errors', async () => {
    // Prepare
    let calls = 0;
    const error = Object.assign(new Error('no such workgroup'), { name: 'InvalidRequestException' });

    // Act
    const result = retryThrottled(
      async () => {
        calls++;
        throw error;
      },
      { sleep: async () => {}, random: () => 0.5 },
    );

    // Assess
    await expect(result).rejects.toBe(error);
    expect(calls).toBe(1);
  });
});
