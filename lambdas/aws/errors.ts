/** Errors of the AWS composition root and the Lambda faces. */

/** The Lambda's environment is missing or invalid; the message names every problem. */
export class AwsConfigError extends Error {
  public override readonly name = 'AwsConfigError';

  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A Lambda was invoked with an event it does not accept. Retrying cannot help, so the state
 * machine treats this error name as final.
 */
export class InvalidEventError extends Error {
  public override readonly name = 'InvalidEventError';

  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Moving a landed object, or reading it, failed; `cause` holds the S3 error. */
export class LandingError extends Error {
  public override readonly name = 'LandingError';

  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The pseudonymization key could not be read from Secrets Manager; `cause` holds the SDK error. */
export class PseudonymizationSecretError extends Error {
  public override readonly name = 'PseudonymizationSecretError';

  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The lake's lock is held by an ingest of a landed file: it ends within the ingest Lambda's
 * timeout, so the daily run's first state retries this error name for a while before it fails.
 * A lock held by another run is a {@link LakeBusyError} (from the pipeline), which fails at once.
 */
export class LakeIngestInProgressError extends Error {
  public override readonly name = 'LakeIngestInProgressError';

  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
