/** The S3 adapter of the landing bucket: download a landed file, move it once handled, note why. */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { LandingError } from './errors.ts';

/** One landed object version, as the S3 event names it. */
export interface LandedObject {
  readonly key: string;
  /** The version the event is about; absent on an unversioned bucket. */
  readonly versionId?: string;
}

/** What the ingest of landed files needs from the landing bucket (an S3 bucket, or a fake in tests). */
export interface LandingBucket {
  /** The bucket's name, for messages and records. */
  readonly bucket: string;
  /** Streams the object to a local file (creating its directory). */
  download(object: LandedObject, path: string): Promise<void>;
  /** Copies the object to `toKey`, then deletes it from its landing key. */
  move(object: LandedObject, toKey: string): Promise<void>;
  /** Writes a small JSON record. */
  putJson(key: string, value: unknown): Promise<void>;
  /**
   * Lands the object again, as a new version with the same bytes, so S3 announces it ("Object
   * Created") and the ingest Lambda is invoked for it once more. False if it is no longer there.
   */
  reland(key: string, note: string): Promise<boolean>;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}

/** S3 keys in `x-amz-copy-source` are URL-encoded segment by segment; `/` stays. */
function copySource(bucket: string, object: LandedObject): string {
  const key = object.key.split('/').map(encodeURIComponent).join('/');
  return `${bucket}/${key}${object.versionId === undefined ? '' : `?versionId=${encodeURIComponent(object.versionId)}`}`;
}

/**
 * The landing bucket on S3. Reads the exact version an event names, so a file overwritten while
 * its first version is still being ingested is ingested twice, once per version, never mixed up.
 */
export class S3LandingBucket implements LandingBucket {
  readonly #client: S3Client;
  public readonly bucket: string;

  public constructor(options: { readonly client: S3Client; readonly bucket: string }) {
    this.#client = options.client;
    this.bucket = options.bucket;
  }

  public async download(object: LandedObject, path: string): Promise<void> {
    try {
      const response = await this.#client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: object.key, VersionId: object.versionId }),
      );
      await mkdir(dirname(path), { recursive: true });
      if (response.Body === undefined) throw new Error('S3 returned no body');
      await pipeline(response.Body as Readable, createWriteStream(path));
    } catch (error) {
      throw new LandingError(`could not download s3://${this.bucket}/${object.key}: ${errorText(error)}`, {
        cause: error,
      });
    }
  }

  public async move(object: LandedObject, toKey: string): Promise<void> {
    try {
      await this.#client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: toKey,
          CopySource: copySource(this.bucket, object),
        }),
      );
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: object.key }));
    } catch (error) {
      throw new LandingError(
        `could not move s3://${this.bucket}/${object.key} to ${toKey}: ${errorText(error)}`,
        { cause: error },
      );
    }
  }

  public async reland(key: string, note: string): Promise<boolean> {
    try {
      // S3 refuses to copy an object onto itself unchanged: the new metadata is the change.
      await this.#client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: key,
          CopySource: copySource(this.bucket, { key }),
          MetadataDirective: 'REPLACE',
          Metadata: { 'growthlake-relanded': note },
        }),
      );
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return false;
      throw new LandingError(`could not land s3://${this.bucket}/${key} again: ${errorText(error)}`, {
        cause: error,
      });
    }
  }

  public async putJson(key: string, value: unknown): Promise<void> {
    try {
      await this.#client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: `${JSON.stringify(value, null, 2)}\n`,
          ContentType: 'application/json',
        }),
      );
    } catch (error) {
      throw new LandingError(`could not write s3://${this.bucket}/${key}: ${errorText(error)}`, {
        cause: error,
      });
    }
  }
}
