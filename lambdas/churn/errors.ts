/** Base class of every error the churn model raises; `cause` holds the underlying error. */
export class ChurnModelError extends Error {
  public override readonly name: string = 'ChurnModelError';

  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The logistic fit did not converge, or its equations had no solution. */
export class ChurnFitError extends ChurnModelError {
  public override readonly name = 'ChurnFitError';
}
