/**
 * The AWS SDK clients, configured once here and created once per process: by the Lambda runtimes
 * at cold start (region and credentials from the Lambda environment), and by the CLI when it sends
 * mail.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
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

/** The Secrets Manager client that reads the pseudonymization key. */
export function newSecretsManagerClient(): SecretsManagerClient {
  return new SecretsManagerClient({});
}

/** An SES API other than the environment's own, such as aws-ses-v2-local for the CLI. */
export interface SesEndpoint {
  /** The API's URL, e.g. `http://127.0.0.1:8005`. */
  readonly endpoint: string;
  /** The region to sign for. */
  readonly region: string;
}

/**
 * The SES client: one attempt per call, because `SesMailer` alone decides when to retry.
 * @param target - where to send; absent, the environment's region and its SES endpoint
 */
export function newSesClient(target?: SesEndpoint): SESClient {
  return new SESClient({ ...target, maxAttempts: 1 });
}
