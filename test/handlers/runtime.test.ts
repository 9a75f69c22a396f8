/**
 * The composition root: each Lambda entry builds its runtime from the environment once, at import
 * (cold start), and a misconfigured function fails there naming every bad variable.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ENV, parseEnv, StepEnvSchema } from '../../lambdas/aws/env.ts';
import { AwsConfigError } from '../../lambdas/aws/errors.ts';
import { ingestRuntimeFromEnv } from '../../lambdas/aws/ingest-runtime.ts';
import { stepRuntimeFromEnv } from '../../lambdas/aws/step-runtime.ts';
import { DEFAULT_RUN_CONFIG } from '../../lambdas/contract/run-config.ts';

const STEP_ENV = {
  AWS_REGION: 'eu-west-1',
  [ENV.lakeBucket]: 'growthlake-lake',
  [ENV.publishedBucket]: 'growthlake-published',
  [ENV.glueDatabase]: 'growthlake',
  [ENV.athenaWorkGroup]: 'growthlake-pipeline',
};

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('Lambda entries', () => {
  it.each(['transform', 'recommend', 'audiences', 'publish'])(
    'the %s entry exports a handler built at import',
    async (step) => {
      // Prepare
      for (const [name, value] of Object.entries(STEP_ENV)) vi.stubEnv(name, value);

      // Act
      const entry = (await import(`../../lambdas/handlers/${step}.ts`)) as { handler: unknown };

      // Assess
      expect(typeof entry.handler).toBe('function');
    },
  );

  it('the ingest entry exports a handler built at import', async () => {
    // Prepare
    for (const [name, value] of Object.entries({
      ...STEP_ENV,
      [ENV.landingBucket]: 'growthlake-landing',
      [ENV.pseudonymizationSecret]: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:key-AbCdEf',
    })) {
      vi.stubEnv(name, value);
    }

    // Act
    const entry = (await import('../../lambdas/handlers/ingest.ts')) as { handler: unknown };

    // Assess
    expect(typeof entry.handler).toBe('function');
  });

  it('a misconfigured entry fails at import, naming every bad variable', async () => {
    // Prepare
    vi.stubEnv(ENV.lakeBucket, 'Growthlake_Lake');
    vi.stubEnv(ENV.landingBucket, '');
    vi.stubEnv(ENV.glueDatabase, 'growthlake');

    // Act and assess
    await expect(import('../../lambdas/handlers/ingest.ts')).rejects.toThrow(
      new AwsConfigError(
        'invalid Lambda environment: GROWTHLAKE_LAKE_BUCKET must be an S3 bucket name; ' +
          'GROWTHLAKE_ATHENA_WORKGROUP is required: the Athena workgroup the pipeline queries in; ' +
          'GROWTHLAKE_LANDING_BUCKET must be an S3 bucket name; ' +
          'GROWTHLAKE_PSEUDONYMIZATION_SECRET is required: the ARN of the secret holding the pseudonymization key',
      ),
    );
  });
});

describe('step runtime configuration', () => {
  it('uses the default run configuration and a one-day dashboard link when none is given', () => {
    // Act
    const runtime = stepRuntimeFromEnv(STEP_ENV);

    // Assess
    expect(runtime.config).toEqual(DEFAULT_RUN_CONFIG);
    expect(runtime.links.expiresInSeconds).toBe(86_400);
    expect(runtime.links.bucket).toBe('growthlake-published');
    expect(runtime.published.bucket).toBe('growthlake-published');
    expect(runtime.lake.store.bucket).toBe('growthlake-lake');
  });

  it('reads the run configuration from its JSON variable, validated with the CLI schema', () => {
    // Act
    const settings = parseEnv(StepEnvSchema, {
      ...STEP_ENV,
      [ENV.dashboardLinkTtlSeconds]: '259200',
      [ENV.runConfig]: JSON.stringify({
        recipients: {
          from: 'digest@example.com',
          recipients: [{ name: 'Growth', email: 'growth@example.com', scope: { kind: 'all' } }],
        },
      }),
    });

    // Assess
    expect(settings[ENV.dashboardLinkTtlSeconds]).toBe(259_200);
    expect(settings[ENV.runConfig].recipients.from).toBe('digest@example.com');
    expect(settings[ENV.runConfig].playbooks).toEqual(DEFAULT_RUN_CONFIG.playbooks);
  });

  it('refuses a link lifetime past 7 days and a run configuration that is not valid JSON or not valid', () => {
    // Act and assess
    expect(() => stepRuntimeFromEnv({ ...STEP_ENV, [ENV.dashboardLinkTtlSeconds]: '700000' })).toThrow(
      'invalid Lambda environment: GROWTHLAKE_DASHBOARD_LINK_TTL_SECONDS must be at most 604800 seconds (7 days, the SigV4 limit)',
    );
    expect(() => stepRuntimeFromEnv({ ...STEP_ENV, [ENV.runConfig]: '{recipients' })).toThrow(
      /^invalid Lambda environment: GROWTHLAKE_RUN_CONFIG is not JSON: /,
    );
    expect(() =>
      stepRuntimeFromEnv({ ...STEP_ENV, [ENV.runConfig]: '{"recipients":{"from":"nobody"}}' }),
    ).toThrow(
      /^invalid Lambda environment: GROWTHLAKE_RUN_CONFIG recipients.from: must be an email address; GROWTHLAKE_RUN_CONFIG recipients.recipients: /,
    );
  });

  it("builds the ingest runtime on the landing bucket and Lambda's /tmp", () => {
    // Act
    const runtime = ingestRuntimeFromEnv({
      ...STEP_ENV,
      [ENV.landingBucket]: 'growthlake-landing',
      [ENV.pseudonymizationSecret]: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:key-AbCdEf',
    });

    // Assess
    expect(runtime.landing.bucket).toBe('growthlake-landing');
    expect(runtime.workDir).toMatch(/growthlake-landing$/);
  });
});
