/** A query failed; the message names the query and the engine's reason. */
export class QueryError extends Error {
  public override readonly name = 'QueryError';

  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A query parameter or template was invalid. */
export class SqlTemplateError extends Error {
  public override readonly name = 'SqlTemplateError';
}
