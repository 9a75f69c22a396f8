/**
 * The growthlake stack for template tests: synthesized without bundling (the
 * `aws:cdk:bundling-stacks` context set to none), from a test configuration.
 */
import { readFileSync } from 'node:fs';
import { App, CfnElement, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { type GrowthlakeConfigInput, parseGrowthlakeConfig } from '../../lib/config.ts';
import { GrowthlakeStack } from '../../lib/growthlake-stack.ts';

/** An SES domain identity of the test account. */
export const TEST_IDENTITY_ARN = 'arn:aws:ses:eu-west-1:123456789012:identity/example.com';

/** The configuration the tests deploy unless they say otherwise. */
export const TEST_CONFIG: GrowthlakeConfigInput = {
  digest: { sesIdentityArn: TEST_IDENTITY_ARN },
  alarms: { email: 'oncall@example.com' },
};

/** A stack and its template. */
export interface SynthesizedStack {
  readonly app: App;
  readonly stack: GrowthlakeStack;
  readonly template: Template;
}

/** The feature flags of cdk.json, so the tests synthesize what `cdk synth` does. */
export const FEATURE_FLAGS: Readonly<Record<string, unknown>> = Object.fromEntries(
  Object.entries(
    (
      JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
        context: Record<string, unknown>;
      }
    ).context,
  ).filter(([key]) => key.startsWith('@aws-cdk/')),
);

/** How a test app synthesizes. */
export interface TestAppOptions {
  /** Extra context. */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Where to write the assembly. @default - a temporary directory */
  readonly outdir?: string;
  /**
   * Run CDK's built-in CloudFormation template validation (WASM, about 3 s per process); one test
   * does, the template tests skip it. @default false
   */
  readonly validate?: boolean;
}

/** An app with cdk.json's feature flags. */
export function testApp(options: TestAppOptions = {}): App {
  return new App({
    context: { ...FEATURE_FLAGS, ...options.context },
    builtinCloudFormationValidation: options.validate ?? false,
    ...(options.outdir === undefined ? {} : { outdir: options.outdir }),
  });
}

/** Builds the stack from `config` (the test configuration by default) without bundling the Lambdas. */
export function synthStack(
  config: GrowthlakeConfigInput = TEST_CONFIG,
  options: TestAppOptions = {},
): SynthesizedStack {
  const app = testApp({ ...options, context: { 'aws:cdk:bundling-stacks': [], ...options.context } });
  const stack = new GrowthlakeStack(app, 'Test', {
    config: parseGrowthlakeConfig(config),
    env: { account: '123456789012', region: 'eu-west-1' },
  });
  return { app, stack, template: Template.fromStack(stack) };
}

/** The logical id of a CloudFormation resource, or of a construct's default resource. */
export function logicalIdOf(stack: Stack, construct: IConstruct): string {
  const element = CfnElement.isCfnElement(construct) ? construct : construct.node.defaultChild;
  return stack.resolve(stack.getLogicalId(element as CfnElement)) as string;
}

/**
 * A CloudFormation value rendered as text, with references as `${Logical.Attribute}` and
 * `${Logical}`: readable assertions on `Fn::Join` strings such as the state machine's definition.
 */
export function renderValue(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, unknown>;
  if (Array.isArray(node['Fn::Join'])) {
    const [delimiter, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map(renderValue).join(delimiter);
  }
  if (Array.isArray(node['Fn::GetAtt'])) return `\${${(node['Fn::GetAtt'] as string[]).join('.')}}`;
  if (node.Ref !== undefined) return `\${${String(node.Ref)}}`;
  return JSON.stringify(value);
}
