/** Base class of every error the budget-recommendation core raises; `cause` holds the underlying error. */
export class RecommendError extends Error {
  public override readonly name: string = 'RecommendError';

  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** An input to the recommendation core failed its schema; the message names the first bad field. */
export class RecommendInputError extends RecommendError {
  public override readonly name = 'RecommendInputError';
}

/** A model could not be fitted: too little data, or the likelihood has no finite maximum. */
export class ModelFitError extends RecommendError {
  public override readonly name = 'ModelFitError';
}
