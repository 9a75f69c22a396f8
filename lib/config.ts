/**
 * The deployment's configuration: the `growthlake` object of the CDK context (cdk.json, or
 * `-c growthlake='{...}'`), validated with zod before any construct is built.
 */
import { z } from 'zod';
import { type RunConfig, RunConfigSchema } from '../lambdas/contract/run-config.ts';

/** An EventBridge Scheduler cron expression: `cron(minutes hours day-of-month month day-of-week year)`. */
const SCHEDULER_CRON = /^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/;

/** Lambda holds at most 4 KB of environment variables per function; the run configuration gets most of it. */
export const MAX_RUN_CONFIG_JSON_CHARS = 3000;

/** Athena's smallest per-query bytes-scanned cutoff: 10 MB. */
export const MIN_ATHENA_CUTOFF_BYTES = 10_000_000;

const GB = 1_000_000_000;

/** The deployment configuration, as written in cdk.json. */
export const GrowthlakeConfigSchema = z.strictObject({
  /** Prefix of account-wide names (Athena workgroups, dashboard). */
  namePrefix: z
    .string()
    .regex(
      /^[a-z][a-z0-9-]{0,19}$/,
      'must be 1-20 lowercase letters, digits or dashes, starting with a letter',
    )
    .default('growthlake'),
  /** The Glue database of the lake's tables. */
  glueDatabase: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,254}$/, 'must be a Glue database name: lowercase letters, digits and _')
    .default('growthlake'),
  digest: z.strictObject({
    /** The SES identity the digests are sent from (an email address or a domain identity). */
    sesIdentityArn: z
      .string({ error: 'is required: the ARN of the verified SES identity the digests are sent from' })
      .regex(
        /^arn:aws[a-z-]*:ses:[a-z0-9-]+:\d{12}:identity\/[^/]+$/,
        'must be an SES identity ARN such as arn:aws:ses:eu-west-1:123456789012:identity/example.com',
      ),
    /**
     * How long the dashboard link in a digest works, in hours (SigV4 allows at most 7 days). A link
     * signed with the Lambda's temporary credentials also ends when those credentials expire.
     */
    linkLifetimeHours: z.number().int().min(1).max(168, 'must be at most 168 hours (7 days)').default(24),
  }),
  schedule: z
    .strictObject({
      cron: z
        .string()
        .regex(SCHEDULER_CRON, 'must be an EventBridge Scheduler cron expression such as cron(0 6 * * ? *)')
        .default('cron(0 6 * * ? *)'),
      /** An IANA time zone for the cron expression. */
      timeZone: z.string().min(1).default('Etc/UTC'),
      /** Whether the schedule starts runs (disable it while backfilling). */
      enabled: z.boolean().default(true),
    })
    .prefault({}),
  athena: z
    .strictObject({
      /** Per-query bytes-scanned cutoff of the pipeline workgroup. */
      pipelineCutoffBytes: z
        .number()
        .int()
        .min(MIN_ATHENA_CUTOFF_BYTES)
        .default(200 * GB),
      /** Per-query bytes-scanned cutoff of the analysts workgroup. */
      analystsCutoffBytes: z
        .number()
        .int()
        .min(MIN_ATHENA_CUTOFF_BYTES)
        .default(50 * GB),
      /** Bytes the Lambdas may scan in a day before the budget alarm fires. */
      dailyScanBudgetBytes: z
        .number()
        .positive()
        .default(500 * GB),
    })
    .prefault({}),
  alarms: z
    .strictObject({
      /** An address subscribed to the alarm topic (confirm the subscription mail). */
      email: z.email().optional(),
      /** Alarm when an ingested file quarantines more than this percentage of its rows. */
      quarantineRatePercent: z.number().min(0).max(100).default(5),
    })
    .prefault({}),
  ingest: z
    .strictObject({
      /** Concurrent ingests; 1 keeps files' deduplication and restatements in landing order. */
      reservedConcurrency: z.number().int().min(1).default(1),
      memoryMiB: z.number().int().min(512).max(10240).default(2048),
      /** /tmp size: the largest landed file must fit. */
      ephemeralStorageGiB: z.number().int().min(1).max(10).default(4),
    })
    .prefault({}),
  /**
   * The daily run's configuration (playbooks, recipients and sender, budget), validated with the
   * schema of the CLI's `--config`. Its `recipients.from` is the only From address the publish
   * Lambda may send digests as.
   */
  runConfig: z
    .unknown()
    .optional()
    .superRefine((value, context) => {
      if (value === undefined) return;
      const parsed = RunConfigSchema.safeParse(value);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          context.addIssue({ code: 'custom', path: issue.path, message: issue.message });
        }
        return;
      }
      const chars = JSON.stringify(value).length;
      if (chars > MAX_RUN_CONFIG_JSON_CHARS) {
        context.addIssue({
          code: 'custom',
          message: `is ${chars} characters as JSON; keep it under ${MAX_RUN_CONFIG_JSON_CHARS} (it travels in a Lambda environment variable)`,
        });
      }
    }),
});

/** The validated configuration. */
export type GrowthlakeConfig = z.output<typeof GrowthlakeConfigSchema>;
/** The configuration as written (defaults may be left out). */
export type GrowthlakeConfigInput = z.input<typeof GrowthlakeConfigSchema>;

/** The configuration was missing or invalid; the message says what to change where. */
export class GrowthlakeConfigError extends Error {
  public override readonly name = 'GrowthlakeConfigError';
}

/**
 * Validates the `growthlake` context value (an object, or its JSON text when given with `-c`);
 * throws {@link GrowthlakeConfigError} naming every problem and where to fix it.
 */
export function parseGrowthlakeConfig(raw: unknown): GrowthlakeConfig {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new GrowthlakeConfigError(`the "growthlake" context is not JSON: ${(error as Error).message}`);
    }
  }
  const parsed = GrowthlakeConfigSchema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `growthlake.${issue.path.join('.') || '(root)'}: ${issue.message}`,
  );
  throw new GrowthlakeConfigError(
    `invalid deployment configuration; fix the "growthlake" context in cdk.json: ${problems.join('; ')}`,
  );
}

/** The run configuration the Lambdas will use: the given one with its defaults, or the defaults. */
export function effectiveRunConfig(config: GrowthlakeConfig): RunConfig {
  return RunConfigSchema.parse(config.runConfig ?? {});
}
