/** The generator was given options it cannot honour, or could not write its output; `cause` holds the underlying error. */
export class GenerateError extends Error {
  public override readonly name = 'GenerateError';

  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
