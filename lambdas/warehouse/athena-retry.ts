/** Pure pieces of how the Athena engine waits, retries and stays idempotent. */
import { createHash } from 'node:crypto';

/** How many times one Athena API call is tried when it keeps being throttled. */
export const THROTTLE_MAX_ATTEMPTS = 8;
/** The first throttling backoff ceiling; each retry doubles it. */
export const THROTTLE_BASE_MS = 500;
/** The largest throttling backoff ceiling. */
export const THROTTLE_CAP_MS = 20_000;

/** Error names AWS services use for throttling; Athena's own is `TooManyRequestsException`. */
const THROTTLING_NAMES = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'SlowDown',
]);

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The `ClientRequestToken` of one query start: 66 characters, from the job, the SQL text and the
 * attempt (a label the engine derives from how often it has started this SQL, so its n-th start
 * of a statement gets the same label in every run of the same job). Athena answers a repeated
 * token with the execution it already started, so a retried Lambda step that replays the same
 * statements attaches to the earlier executions instead of running them again. The three parts
 * stay recognisable: equal leading characters mean the same job, equal middle ones the same SQL.
 */
export function clientRequestToken(jobId: string, sql: string, attempt: string): string {
  return `${sha256(jobId).slice(0, 16)}-${sha256(sql).slice(0, 24)}-${sha256(attempt).slice(0, 24)}`;
}

/** The wait before status check `poll` (0-based) of a running query: doubling from `initialMs`, capped at `maxMs`. */
export function pollDelayMs(poll: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** poll);
}

/**
 * Full-jitter backoff: a uniformly random wait below `min(capMs, baseMs * 2^retry)`, so many
 * throttled callers spread out instead of retrying in step. `random` returns values in [0, 1).
 */
export function fullJitterDelayMs(
  retry: number,
  baseMs: number,
  capMs: number,
  random: () => number,
): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** retry));
}

/** True when an AWS SDK error says the request was throttled. */
export function isThrottlingError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as {
    name?: unknown;
    $metadata?: { httpStatusCode?: number };
    $retryable?: { throttling?: boolean };
  };
  return (
    (typeof candidate.name === 'string' && THROTTLING_NAMES.has(candidate.name)) ||
    candidate.$metadata?.httpStatusCode === 429 ||
    candidate.$retryable?.throttling === true
  );
}

/** How {@link retryThrottled} waits. */
export interface ThrottleRetryOptions {
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  /** @default THROTTLE_MAX_ATTEMPTS */
  readonly maxAttempts?: number;
  /** @default THROTTLE_BASE_MS */
  readonly baseMs?: number;
  /** @default THROTTLE_CAP_MS */
  readonly capMs?: number;
}

/**
 * Runs `operation`, retrying it with full-jitter backoff while it is throttled, at most
 * `maxAttempts` times in all; any other error, or the last throttling error, is thrown as it is.
 */
export async function retryThrottled<T>(
  operation: () => Promise<T>,
  options: ThrottleRetryOptions,
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? THROTTLE_MAX_ATTEMPTS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isThrottlingError(error) || attempt >= maxAttempts) throw error;
      await options.sleep(
        fullJitterDelayMs(
          attempt - 1,
          options.baseMs ?? THROTTLE_BASE_MS,
          options.capMs ?? THROTTLE_CAP_MS,
          options.random,
        ),
      );
    }
  }
}
