/** A file could not be ingested at all (as opposed to a row, which is quarantined). */
export class IngestError extends Error {
  public override readonly name = 'IngestError';

  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
