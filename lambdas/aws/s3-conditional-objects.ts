/**
 * The S3 adapter of {@link ConditionalObjects}: S3's conditional writes and deletes. A write with
 * `If-None-Match: *` fails with 412 PreconditionFailed when the key exists; one with
 * `If-Match: <ETag>`, and a delete with it, fail with 412 when the current version's ETag differs
 * (a delete of a key that is gone answers 404 NoSuchKey). Two conditional requests racing on one key
 * may be answered 409 ConditionalRequestConflict: the other request won, so it reads as a failed
 * precondition and the lock looks again.
 */
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type ConditionalObjects, LakeLock, type ObjectVersion } from './lake-lease.ts';

/** What {@link S3ConditionalObjects} needs. */
export interface S3ConditionalObjectsOptions {
  readonly client: S3Client;
  readonly bucket: string;
}

/** The HTTP statuses S3 answers a failed precondition with (see the module comment). */
const PRECONDITION_STATUSES = new Set([404, 409, 412]);

function preconditionFailed(error: unknown): boolean {
  const failure = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    failure.name === 'PreconditionFailed' ||
    failure.name === 'ConditionalRequestConflict' ||
    failure.name === 'NoSuchKey' ||
    PRECONDITION_STATUSES.has(failure.$metadata?.httpStatusCode ?? 0)
  );
}

/** Small JSON objects of one bucket, written and deleted only under a precondition. */
export class S3ConditionalObjects implements ConditionalObjects {
  readonly #client: S3Client;
  readonly #bucket: string;

  public constructor(options: S3ConditionalObjectsOptions) {
    this.#client = options.client;
    this.#bucket = options.bucket;
  }

  public create(key: string, text: string): Promise<string | undefined> {
    return this.#put(key, text, { IfNoneMatch: '*' });
  }

  public replace(key: string, text: string, etag: string): Promise<string | undefined> {
    return this.#put(key, text, { IfMatch: etag });
  }

  public async read(key: string): Promise<ObjectVersion | undefined> {
    try {
      const response = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
      const text = (await response.Body?.transformToString('utf-8')) ?? '';
      return { text, etag: response.ETag ?? '' };
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  public async remove(key: string, etag: string): Promise<boolean> {
    try {
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key, IfMatch: etag }));
      return true;
    } catch (error) {
      if (preconditionFailed(error)) return false;
      throw error;
    }
  }

  async #put(
    key: string,
    text: string,
    condition: { IfNoneMatch: string } | { IfMatch: string },
  ): Promise<string | undefined> {
    try {
      const response = await this.#client.send(
        new PutObjectCommand({
          Bucket: this.#bucket,
          Key: key,
          Body: text,
          ContentType: 'application/json',
          ...condition,
        }),
      );
      return response.ETag ?? '';
    } catch (error) {
      if (preconditionFailed(error)) return undefined;
      throw error;
    }
  }
}

/** The lake's lock (`_lock/lake.json`) in the lake bucket, as the state machine and the ingest take it. */
export function s3LakeLock(client: S3Client, bucket: string): LakeLock {
  return new LakeLock({ objects: new S3ConditionalObjects({ client, bucket }), lakeName: `s3://${bucket}` });
}
