/**
 * A model of S3's conditional requests on one bucket, behind aws-sdk-client-mock: what s3rver does
 * not implement (it ignores `If-None-Match` and `If-Match` on PUT and DELETE). Put with
 * `If-None-Match: *` on an existing key, and put or delete with `If-Match` on another ETag, fail
 * with 412 PreconditionFailed; a conditional request on a missing key fails with 404 NoSuchKey.
 * Requests are answered one at a time, in the order they arrive, as S3 serializes writes to a key.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';

/** The model's objects, by key, and the client that reaches them. */
export interface ConditionalS3Model {
  readonly client: S3Client;
  readonly objects: Map<string, { text: string; etag: string }>;
  /** Makes the next conditional put answer 409 ConditionalRequestConflict, as S3 may under a race. */
  conflictNextPut(): void;
}

const preconditionFailed = () =>
  new S3ServiceException({
    name: 'PreconditionFailed',
    $fault: 'client',
    $metadata: { httpStatusCode: 412 },
    message: 'At least one of the pre-conditions you specified did not hold',
  });

const noSuchKey = () =>
  new NoSuchKey({ $metadata: { httpStatusCode: 404 }, message: 'The specified key does not exist.' });

export function conditionalS3Model(): ConditionalS3Model {
  const client = new S3Client({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const objects = new Map<string, { text: string; etag: string }>();
  let versions = 0;
  let conflict = false;
  const mock = mockClient(client);
  mock.on(PutObjectCommand).callsFake(async (input: PutObjectCommand['input']) => {
    const key = input.Key as string;
    const current = objects.get(key);
    if (conflict) {
      conflict = false;
      throw new S3ServiceException({
        name: 'ConditionalRequestConflict',
        $fault: 'client',
        $metadata: { httpStatusCode: 409 },
        message: 'A conflicting operation occurred',
      });
    }
    if (input.IfNoneMatch === '*' && current !== undefined) throw preconditionFailed();
    if (input.IfMatch !== undefined) {
      if (current === undefined) throw noSuchKey();
      if (current.etag !== input.IfMatch) throw preconditionFailed();
    }
    const etag = `"v${++versions}"`;
    objects.set(key, { text: String(input.Body), etag });
    return { ETag: etag };
  });
  mock.on(GetObjectCommand).callsFake(async (input: GetObjectCommand['input']) => {
    const current = objects.get(input.Key as string);
    if (current === undefined) throw noSuchKey();
    return { ETag: current.etag, Body: { transformToString: async () => current.text } };
  });
  mock.on(DeleteObjectCommand).callsFake(async (input: DeleteObjectCommand['input']) => {
    const current = objects.get(input.Key as string);
    if (input.IfMatch !== undefined) {
      if (current === undefined) throw noSuchKey();
      if (current.etag !== input.IfMatch) throw preconditionFailed();
    }
    objects.delete(input.Key as string);
    return {};
  });
  return {
    client,
    objects,
    conflictNextPut: () => {
      conflict = true;
    },
  };
}
