/** A step of the daily run failed; the message names the step and the date. */
export class PipelineError extends Error {
  public override readonly name = 'PipelineError';

  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
