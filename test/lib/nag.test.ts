import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type SynthesizedStack, synthStack } from './stack-fixture.ts';

let synth: SynthesizedStack;

beforeAll(() => {
  synth = synthStack(undefined, { validate: true });
});

/** Every acknowledgement recorded below `scope`: rule id and reason. */
function acknowledgements(scope: IConstruct): { id: string; reason: string; path: string }[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          id: id.replace(/^annotation::/i, ''),
          reason,
          path: construct.node.path,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  it('finds no unacknowledged error or warning in the whole app', () => {
    // Act
    const report = new AwsSolutionsChecks(synth.app).validateScope(synth.app);

    // Assess
    const findings = report.violations.map(
      (violation) =>
        `${violation.severity} ${violation.ruleName} at ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges every accepted finding with a reason a reviewer can check', () => {
    // Act
    const acknowledged = acknowledgements(synth.app);

    // Assess
    expect(acknowledged.length).toBeGreaterThan(20);
    for (const { id, reason, path } of acknowledged) {
      expect(id, path).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(reason.length, `${id} at ${path}`).toBeGreaterThanOrEqual(30);
    }
  });

  it('acknowledges only what it must: wildcard grants, the log bucket, the DLQs, the runtime choice and the unscheduled key rotation', () => {
    // Act
    const rules = new Set(acknowledgements(synth.app).map(({ id }) => id.replace(/\[.*$/, '')));

    // Assess
    expect([...rules].sort()).toEqual([
      'AwsSolutions-IAM5',
      'AwsSolutions-L1',
      'AwsSolutions-S1',
      'AwsSolutions-SMG4',
      'AwsSolutions-SQS3',
    ]);
  });

  it('leaves no CDK error or warning annotation on the stack', () => {
    // Act
    const annotations = Annotations.fromStack(synth.stack);

    // Assess
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
  });
});

describe("CDK's built-in CloudFormation validation", () => {
  it('reports nothing against the resource schemas and the default rules', () => {
    // Act
    const assembly = synth.app.synth();
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; violations: unknown[] }[];
    };

    // Assess
    expect(report.pluginReports.flatMap((plugin) => plugin.violations)).toEqual([]);
  });
});
