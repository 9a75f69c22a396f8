/** Base class of every error the campaign-statistics core raises; `cause` holds the underlying error. */
export class ExperimentError extends Error {
  public override readonly name: string = 'ExperimentError';

  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Sufficient statistics that cannot come from real users: a negative count, a non-finite sum. */
export class ArmStatisticsError extends ExperimentError {
  public override readonly name = 'ArmStatisticsError';
}

/** A campaign registry row the results cannot be computed with: a window out of range, an unknown metric. */
export class CampaignRegistryError extends ExperimentError {
  public override readonly name = 'CampaignRegistryError';
}
