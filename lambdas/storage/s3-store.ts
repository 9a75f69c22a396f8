import type { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { z } from 'zod';
import { StorageError } from './errors.ts';
import type { ObjectStore, StoredObject } from './object-store.ts';

/** Part size of streaming multipart uploads: a Lambda holds at most `UPLOAD_QUEUE_SIZE` of them in memory. */
export const UPLOAD_PART_BYTES = 8 * 1024 * 1024;
/** Parts uploaded in parallel by {@link S3Store.putStream}. */
export const UPLOAD_QUEUE_SIZE = 4;
/** The most keys one DeleteObjects request accepts. */
export const DELETE_BATCH_SIZE = 1000;

/** The validated settings of an {@link S3Store}. */
export const S3StoreSettingsSchema = z.object({
  bucket: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      'bucket must be an S3 bucket name (3-63 lowercase letters, digits, dots, dashes)',
    ),
  prefix: z
    .string()
    .regex(/^(?:[^/]+(?:\/[^/]+)*)?\/?$/, 'prefix must not start with "/" or contain empty segments ("//")')
    .default('')
    .transform((prefix) => prefix.replace(/\/$/, '')),
});

/** The settings of an {@link S3Store}, as the caller writes them. */
export type S3StoreSettings = z.input<typeof S3StoreSettingsSchema>;

/** What an {@link S3Store} needs: a client created once per process, and where the lake lives. */
export interface S3StoreOptions extends S3StoreSettings {
  /** The S3 client; the caller owns it (region, credentials, retries). */
  readonly client: S3Client;
}

/** Why S3 refused one key of a DeleteObjects batch. */
interface DeleteFailure {
  readonly key: string;
  readonly code: string;
  readonly message: string;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message === '' ? error.name : error.message;
  return String(error);
}

function isNoSuchKey(error: unknown): boolean {
  return error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound');
}

/**
 * Encodes a key for the `x-amz-copy-source` header. `=` stays as it is: S3 accepts it
 * unencoded, and S3 emulators that decode the header with `decodeURI` would not decode `%3D`
 * (every hive partition key has one).
 */
function copySourceKey(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replaceAll('%3D', '='))
    .join('/');
}

/**
 * An {@link ObjectStore} over an S3 bucket, optionally under a prefix. Objects appear whole:
 * S3 makes a single PUT or a completed multipart upload visible atomically. Like the local
 * store, a listing prefix names a directory: `list('a/b')` returns `a/b/...` but not `a/bc`.
 */
export class S3Store implements ObjectStore {
  readonly #client: S3Client;
  /** The bucket the lake lives in. */
  public readonly bucket: string;
  /** The lake's root inside the bucket, without a trailing `/`; empty for the bucket root. */
  public readonly prefix: string;

  public constructor(options: S3StoreOptions) {
    const parsed = S3StoreSettingsSchema.safeParse({ bucket: options.bucket, prefix: options.prefix });
    if (!parsed.success) {
      const reasons = parsed.error.issues
        .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
        .join('; ');
      throw new StorageError(`invalid S3 store settings: ${reasons}`, { cause: parsed.error });
    }
    this.#client = options.client;
    this.bucket = parsed.data.bucket;
    this.prefix = parsed.data.prefix;
  }

  /** The object key in the bucket for a store key. */
  #objectKey(key: string): string {
    return this.prefix === '' ? key : `${this.prefix}/${key}`;
  }

  /** The store key of an object key listed under the store's prefix. */
  #storeKey(objectKey: string): string {
    return this.prefix === '' ? objectKey : objectKey.slice(this.prefix.length + 1);
  }

  /** The listing prefix of a directory-like store prefix. */
  #directoryPrefix(prefix: string): string {
    const directory = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    return this.#objectKey(directory);
  }

  /** `s3://bucket/prefix/key`: the form Athena reads and writes. */
  public uriOf(key: string): string {
    return `s3://${this.bucket}/${this.#objectKey(key)}`;
  }

  /**
   * Uploads a stream of unknown length as a multipart upload of {@link UPLOAD_PART_BYTES} parts,
   * {@link UPLOAD_QUEUE_SIZE} at a time. The object appears only when the upload completes; a
   * failed upload is aborted, so no parts are left behind.
   */
  public async putStream(key: string, body: Readable): Promise<void> {
    const upload = new Upload({
      client: this.#client,
      params: { Bucket: this.bucket, Key: this.#objectKey(key), Body: body },
      partSize: UPLOAD_PART_BYTES,
      queueSize: UPLOAD_QUEUE_SIZE,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      throw new StorageError(`could not upload ${this.uriOf(key)}: ${errorText(error)}`, { cause: error });
    }
  }

  /** Writes a small object with one PutObject. */
  public async put(key: string, body: string | Uint8Array): Promise<void> {
    try {
      await this.#client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: this.#objectKey(key), Body: body }),
      );
    } catch (error) {
      throw new StorageError(`could not write ${this.uriOf(key)}: ${errorText(error)}`, { cause: error });
    }
  }

  /** Reads a whole object; undefined when S3 answers NoSuchKey. */
  public async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const response = await this.#client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.#objectKey(key) }),
      );
      if (response.Body === undefined) return new Uint8Array();
      return await response.Body.transformToByteArray();
    } catch (error) {
      if (isNoSuchKey(error)) return undefined;
      throw new StorageError(`could not read ${this.uriOf(key)}: ${errorText(error)}`, { cause: error });
    }
  }

  /** Lists every object under `prefix`, following ListObjectsV2 continuation tokens past 1000 keys. */
  public async list(prefix: string): Promise<StoredObject[]> {
    const found: StoredObject[] = [];
    for await (const page of this.#pages(prefix)) found.push(...page);
    return found;
  }

  async *#pages(prefix: string): AsyncGenerator<StoredObject[]> {
    const listed = this.#directoryPrefix(prefix);
    let token: string | undefined;
    do {
      let response: ListObjectsV2CommandOutput;
      try {
        response = await this.#client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: listed, ContinuationToken: token }),
        );
      } catch (error) {
        throw new StorageError(`could not list s3://${this.bucket}/${listed}: ${errorText(error)}`, {
          cause: error,
        });
      }
      yield (response.Contents ?? []).flatMap((object) =>
        object.Key === undefined
          ? []
          : [
              {
                key: this.#storeKey(object.Key),
                size: object.Size ?? 0,
                ...(object.LastModified === undefined ? {} : { modifiedMs: object.LastModified.getTime() }),
              },
            ],
      );
      token = response.IsTruncated === true ? response.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  /**
   * Deletes keys in DeleteObjects batches of {@link DELETE_BATCH_SIZE}. Missing keys are not an
   * error (S3 reports them deleted); any key S3 refuses fails the call with a StorageError naming it.
   */
  public async delete(keys: readonly string[]): Promise<void> {
    const failures: DeleteFailure[] = [];
    for (let start = 0; start < keys.length; start += DELETE_BATCH_SIZE) {
      failures.push(...(await this.#deleteBatch(keys.slice(start, start + DELETE_BATCH_SIZE))));
    }
    if (failures.length > 0) {
      const shown = failures
        .slice(0, 3)
        .map((failure) => `${failure.key} (${failure.code}: ${failure.message})`)
        .join(', ');
      throw new StorageError(
        `could not delete ${failures.length} of ${keys.length} objects in s3://${this.bucket}: ${shown}` +
          (failures.length > 3 ? ` and ${failures.length - 3} more` : ''),
      );
    }
  }

  async #deleteBatch(keys: readonly string[]): Promise<DeleteFailure[]> {
    if (keys.length === 0) return [];
    try {
      const response = await this.#client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: keys.map((key) => ({ Key: this.#objectKey(key) })), Quiet: true },
        }),
      );
      return (response.Errors ?? []).map((failure) => ({
        key: failure.Key === undefined ? '(unknown key)' : this.#storeKey(failure.Key),
        code: failure.Code ?? 'UnknownError',
        message: failure.Message ?? 'no message',
      }));
    } catch (error) {
      throw new StorageError(
        `could not delete ${keys.length} objects starting at ${this.uriOf(keys[0] as string)}: ${errorText(error)}`,
        { cause: error },
      );
    }
  }

  /**
   * Deletes every object under `prefix`, one listing page (up to 1000 keys) per DeleteObjects
   * batch. The empty prefix is refused: it would empty the whole lake.
   */
  public async deletePrefix(prefix: string): Promise<void> {
    if (prefix === '' || prefix === '/') {
      throw new StorageError(`refusing to delete the whole store s3://${this.bucket}/${this.prefix}`);
    }
    for await (const page of this.#pages(prefix)) await this.delete(page.map((object) => object.key));
  }

  /**
   * Copies one object inside the bucket with CopyObject, replacing any object at `toKey`. Objects
   * over 5 GiB need a multipart copy, which this does not do: S3 refuses them with an error.
   */
  public async copy(fromKey: string, toKey: string): Promise<void> {
    try {
      await this.#client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: this.#objectKey(toKey),
          CopySource: `${this.bucket}/${copySourceKey(this.#objectKey(fromKey))}`,
        }),
      );
    } catch (error) {
      throw new StorageError(
        `could not copy ${this.uriOf(fromKey)} to ${this.uriOf(toKey)}: ${errorText(error)}`,
        {
          cause: error,
        },
      );
    }
  }
}
