import { QueryError } from './errors.ts';

/** Athena's `AthenaError.ErrorCategory`: what kind of failure ended a query. */
export const ATHENA_ERROR_CATEGORIES: Readonly<Record<number, string>> = {
  1: 'system',
  2: 'user',
  3: 'other',
};

/** What Athena reported about a query that ended without succeeding. */
export interface AthenaFailure {
  readonly queryExecutionId: string;
  readonly state: 'FAILED' | 'CANCELLED';
  /** Athena's `Status.StateChangeReason`, when it gave one. */
  readonly reason: string | undefined;
  /** `AthenaError.ErrorCategory`: 1 system, 2 user, 3 other. */
  readonly errorCategory: number | undefined;
  /** `AthenaError.ErrorType`, Athena's finer error code. */
  readonly errorType: number | undefined;
  /** Athena's own judgement (`AthenaError.Retryable`) that running the query again may succeed. */
  readonly retryable: boolean;
}

/**
 * An Athena query ended FAILED or CANCELLED. It is a {@link QueryError}, so callers need not know
 * which engine ran the query; the Athena details are kept for logs and retry decisions.
 */
export class AthenaQueryError extends QueryError {
  public readonly failure: AthenaFailure;

  public constructor(message: string, failure: AthenaFailure, options?: { cause?: unknown }) {
    super(message, options);
    this.failure = failure;
  }
}

/** The options of an Athena engine are invalid; the message says which and how to fix them. */
export class AthenaConfigError extends Error {
  public override readonly name = 'AthenaConfigError';

  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
