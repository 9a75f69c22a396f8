/** Publishing the dashboard or the digests failed; `cause` holds the underlying error. */
export class PublishError extends Error {
  public override readonly name: string = 'PublishError';

  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The recipients configuration is missing or invalid; the message says where and how to fix it. */
export class RecipientsConfigError extends PublishError {
  public override readonly name = 'RecipientsConfigError';
}

/**
 * One message could not be sent. `permanent` is true when retrying cannot help (the provider
 * rejected it), false when the provider kept throttling until the retries ran out.
 */
export class MailSendError extends PublishError {
  public override readonly name = 'MailSendError';
  public readonly permanent: boolean;
  /** The provider's error code, such as `MessageRejected` or `Throttling`. */
  public readonly code: string;

  public constructor(message: string, options: { permanent: boolean; code: string; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.permanent = options.permanent;
    this.code = options.code;
  }
}

/** Some digests were not delivered; `failed` lists each recipient with the reason. */
export class DigestDeliveryError extends PublishError {
  public override readonly name = 'DigestDeliveryError';
  public readonly failed: readonly { readonly email: string; readonly reason: string }[];

  public constructor(failed: readonly { readonly email: string; readonly reason: string }[]) {
    const first = failed[0];
    const more = failed.length > 1 ? ` (and ${failed.length - 1} more)` : '';
    super(`${failed.length} digest(s) were not delivered: ${first?.email}: ${first?.reason}${more}`);
    this.failed = failed;
  }
}
