import { describe, expect, it } from 'vitest';
import { effectiveRunConfig, GrowthlakeConfigError, parseGrowthlakeConfig } from '../../lib/config.ts';
import { TEST_IDENTITY_ARN } from './stack-fixture.ts';

describe('parseGrowthlakeConfig', () => {
  it('fills every default around the one required setting', () => {
    // Act
    const config = parseGrowthlakeConfig({ digest: { sesIdentityArn: TEST_IDENTITY_ARN } });

    // Assess
    expect(config).toEqual({
      namePrefix: 'growthlake',
      glueDatabase: 'growthlake',
      digest: { sesIdentityArn: TEST_IDENTITY_ARN, linkLifetimeHours: 24 },
      schedule: { cron: 'cron(0 6 * * ? *)', timeZone: 'Etc/UTC', enabled: true },
      athena: {
        pipelineCutoffBytes: 200_000_000_000,
        analystsCutoffBytes: 50_000_000_000,
        dailyScanBudgetBytes: 500_000_000_000,
      },
      alarms: { quarantineRatePercent: 5 },
      ingest: { reservedConcurrency: 1, memoryMiB: 2048, ephemeralStorageGiB: 4 },
    });
    expect(effectiveRunConfig(config).recipients.from).toBe('growthlake@example.com');
  });

  it('reads the JSON text that `cdk -c growthlake=...` passes', () => {
    // Act
    const config = parseGrowthlakeConfig(
      JSON.stringify({ digest: { sesIdentityArn: TEST_IDENTITY_ARN }, namePrefix: 'gl-prod' }),
    );

    // Assess
    expect(config.namePrefix).toBe('gl-prod');
  });

  it('names every problem and where to fix it', () => {
    // Act and assess
    expect(() =>
      parseGrowthlakeConfig({
        digest: { sesIdentityArn: 'example.com' },
        athena: { analystsCutoffBytes: 5 },
        ingest: { reservedConcurency: 2 },
      }),
    ).toThrow(
      new GrowthlakeConfigError(
        'invalid deployment configuration; fix the "growthlake" context in cdk.json: ' +
          'growthlake.digest.sesIdentityArn: must be an SES identity ARN such as arn:aws:ses:eu-west-1:123456789012:identity/example.com; ' +
          'growthlake.athena.analystsCutoffBytes: Too small: expected number to be >=10000000; ' +
          'growthlake.ingest: Unrecognized key: "reservedConcurency"',
      ),
    );
  });

  it('asks for the SES identity when there is no configuration at all', () => {
    // Act and assess
    expect(() => parseGrowthlakeConfig(undefined)).toThrow(
      /growthlake.digest: Invalid input: expected object, received undefined/,
    );
  });

  it('validates the run configuration with the CLI schema and keeps it small enough for an environment variable', () => {
    // Act and assess
    expect(() =>
      parseGrowthlakeConfig({ digest: { sesIdentityArn: TEST_IDENTITY_ARN }, runConfig: { playbook: [] } }),
    ).toThrow(/growthlake.runConfig: Unrecognized key: "playbook"/);
    expect(() =>
      parseGrowthlakeConfig({
        digest: { sesIdentityArn: TEST_IDENTITY_ARN },
        runConfig: {
          recipients: {
            from: 'growthlake@example.com',
            recipients: Array.from({ length: 40 }, (_, i) => ({
              name: `Person ${i}`,
              email: `person${i}@example.com`,
              scope: { kind: 'all' },
            })),
          },
        },
      }),
    ).toThrow(/growthlake.runConfig: is \d+ characters as JSON; keep it under 3000/);
  });

  it('rejects malformed JSON text', () => {
    // Act and assess
    expect(() => parseGrowthlakeConfig('{digest')).toThrow(/the "growthlake" context is not JSON/);
  });
});
