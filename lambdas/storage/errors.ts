/** A storage operation failed; `cause` holds the underlying error. */
export class StorageError extends Error {
  public override readonly name = 'StorageError';

  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
