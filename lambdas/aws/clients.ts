/**
 * The AWS SDK clients, configured once here and created once per Lambda process (at cold start,
 * by the runtimes): region and credentials come from the Lambda environment.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';

/** The S3 client of the lake, landing and published buckets. */
export function newS3Client(): S3Client {
  return new S3Client({});
}

/**
 * The Athena client. The engine retries throttling itself with jittered backoff; the SDK's own
 * retries stay on for transport errors.
 */
export function newAthenaClient(): AthenaClient {
  return new AthenaClient({});
}

/** The SES client: one attempt per call, because `SesMailer` alone decides when to retry. */
export function newSesClient(): SESClient {
  return new SESClient({ maxAttempts: 1 });
}
