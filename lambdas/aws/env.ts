/**
 * The Lambdas' configuration: environment variables the CDK app sets, validated with zod once at
 * cold start so a misconfigured function fails on its first invocation with every problem named.
 */
import { z } from 'zod';
import { DEFAULT_RUN_CONFIG, type RunConfig, RunConfigSchema } from '../contract/run-config.ts';
import { AwsConfigError } from './errors.ts';

/** The environment variable names, shared with the CDK app that sets them. */
export const ENV = {
  lakeBucket: 'GROWTHLAKE_LAKE_BUCKET',
  landingBucket: 'GROWTHLAKE_LANDING_BUCKET',
  publishedBucket: 'GROWTHLAKE_PUBLISHED_BUCKET',
  glueDatabase: 'GROWTHLAKE_GLUE_DATABASE',
  athenaWorkGroup: 'GROWTHLAKE_ATHENA_WORKGROUP',
  dashboardLinkTtlSeconds: 'GROWTHLAKE_DASHBOARD_LINK_TTL_SECONDS',
  runConfig: 'GROWTHLAKE_RUN_CONFIG',
  pseudonymizationSecret: 'GROWTHLAKE_PSEUDONYMIZATION_SECRET',
  lakeLockTtlSeconds: 'GROWTHLAKE_LAKE_LOCK_TTL_SECONDS',
} as const;

/** The longest lifetime SigV4 allows a presigned URL: 7 days. */
export const MAX_PRESIGNED_URL_SECONDS = 7 * 24 * 3600;

const bucketName = z
  .string({ error: 'is required: the name of an S3 bucket' })
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name');

/** Where the lake is and how Athena reaches it: what every Lambda of the app needs. */
export const LakeEnvSchema = z.object({
  [ENV.lakeBucket]: bucketName,
  [ENV.glueDatabase]: z
    .string({ error: 'is required: the Glue database of the lake tables' })
    .regex(/^[a-z0-9_]{1,255}$/, 'must be a Glue database name (lowercase letters, digits, _)'),
  [ENV.athenaWorkGroup]: z
    .string({ error: 'is required: the Athena workgroup the pipeline queries in' })
    .regex(/^[a-zA-Z0-9._-]{1,128}$/, 'must be an Athena workgroup name'),
});
/** The lake settings after validation. */
export type LakeEnv = z.output<typeof LakeEnvSchema>;

/**
 * How long a holder of the lake's lock may live at most (the state machine's or the Lambda's
 * timeout): its lock lapses then, and the next writer takes it over.
 */
const LockTtlSchema = z.coerce
  .number({ error: 'must be a number of seconds' })
  .int('must be a whole number of seconds')
  .min(60, 'must be at least 60 seconds');

/**
 * The lake-lock Lambda of the daily run: the lake bucket, how long a run may hold it, and the
 * landing bucket whose deferred files it lands again on release.
 */
export const LakeLockEnvSchema = z.object({
  [ENV.lakeBucket]: bucketName,
  [ENV.landingBucket]: bucketName,
  [ENV.lakeLockTtlSeconds]: LockTtlSchema,
});
/** The lake-lock settings after validation. */
export type LakeLockEnv = z.output<typeof LakeLockEnvSchema>;

/** The ingest Lambda: the lake, and the bucket files land in. */
export const IngestEnvSchema = LakeEnvSchema.extend({
  [ENV.landingBucket]: bucketName,
  [ENV.lakeLockTtlSeconds]: LockTtlSchema.default(900),
  [ENV.pseudonymizationSecret]: z
    .string({ error: 'is required: the ARN of the secret holding the pseudonymization key' })
    .min(1, 'is required: the ARN of the secret holding the pseudonymization key'),
});
/** The ingest settings after validation. */
export type IngestEnv = z.output<typeof IngestEnvSchema>;

/** The run configuration as JSON text; absent means the defaults. */
const RunConfigTextSchema = z
  .string()
  .optional()
  .transform((text, context): RunConfig => {
    if (text === undefined || text.trim() === '') return DEFAULT_RUN_CONFIG;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      context.addIssue({ code: 'custom', message: `is not JSON: ${(error as Error).message}` });
      return z.NEVER;
    }
    const parsed = RunConfigSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        context.addIssue({
          code: 'custom',
          message: `${issue.path.join('.') || '(root)'}: ${issue.message}`,
        });
      }
      return z.NEVER;
    }
    return parsed.data;
  });

/** A daily-run step Lambda: the lake, the published bucket, the dashboard link lifetime and the run configuration. */
export const StepEnvSchema = LakeEnvSchema.extend({
  [ENV.publishedBucket]: bucketName,
  [ENV.dashboardLinkTtlSeconds]: z.coerce
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(60, 'must be at least 60 seconds')
    .max(
      MAX_PRESIGNED_URL_SECONDS,
      `must be at most ${MAX_PRESIGNED_URL_SECONDS} seconds (7 days, the SigV4 limit)`,
    )
    .default(24 * 3600),
  [ENV.runConfig]: RunConfigTextSchema,
});
/** The step settings after validation. */
export type StepEnv = z.output<typeof StepEnvSchema>;

/**
 * Validates `env` (by default `process.env`) against `schema`; throws {@link AwsConfigError}
 * naming every variable that is missing or invalid.
 */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  env: Readonly<Record<string, string | undefined>> = process.env,
): z.output<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
  throw new AwsConfigError(`invalid Lambda environment: ${problems.join('; ')}`, { cause: parsed.error });
}
