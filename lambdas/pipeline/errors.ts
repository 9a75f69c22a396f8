/** A step of the daily run failed; the message names the step and the date. */
export class PipelineError extends Error {
  public override readonly name = 'PipelineError';

  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Another command is writing to the lake; the message names it, its pid and since when. */
export class LakeBusyError extends Error {
  public override readonly name = 'LakeBusyError';

  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The local pseudonymization key could not be found, created or read, or is unusable. */
export class PseudonymizationKeyError extends Error {
  public override readonly name = 'PseudonymizationKeyError';

  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
