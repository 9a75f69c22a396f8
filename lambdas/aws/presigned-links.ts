/** The adapter that turns a published object into a time-limited https link (S3 presigned GET). */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { MAX_PRESIGNED_URL_SECONDS } from './env.ts';
import { AwsConfigError } from './errors.ts';

/** What a {@link PresignedLinks} needs. */
export interface PresignedLinksOptions {
  readonly client: S3Client;
  /** The bucket the linked objects live in. */
  readonly bucket: string;
  /** How long a link works, in seconds (1 to 604800). */
  readonly expiresInSeconds: number;
  /** The signing clock. @default - the system clock */
  readonly now?: () => Date;
}

/**
 * Signs GetObject URLs for objects of one bucket. A link signed with a Lambda role's temporary
 * credentials stops working when those credentials expire, which can be sooner than
 * `expiresInSeconds`: the link lives for the shorter of the two.
 */
export class PresignedLinks {
  readonly #client: S3Client;
  readonly #now: () => Date;
  /** The bucket the links point into. */
  public readonly bucket: string;
  /** The lifetime given to every link, in seconds. */
  public readonly expiresInSeconds: number;

  public constructor(options: PresignedLinksOptions) {
    const seconds = options.expiresInSeconds;
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_PRESIGNED_URL_SECONDS) {
      throw new AwsConfigError(
        `a presigned link lifetime must be 1 to ${MAX_PRESIGNED_URL_SECONDS} seconds (7 days), got ${seconds}`,
      );
    }
    this.#client = options.client;
    this.#now = options.now ?? (() => new Date());
    this.bucket = options.bucket;
    this.expiresInSeconds = seconds;
  }

  /** A presigned https URL that downloads `key` until it expires. The object need not exist yet. */
  public link(key: string): Promise<string> {
    return getSignedUrl(this.#client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: this.expiresInSeconds,
      signingDate: this.#now(),
    });
  }
}
