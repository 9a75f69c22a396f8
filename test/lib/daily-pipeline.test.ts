import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../lambdas/aws/env.ts';
import { DAILY_STEP_NAMES } from '../../lambdas/aws/step-events.ts';
import { LAKE_BUSY_ERROR, LAKE_INGESTING_ERROR, NON_RETRYABLE_ERRORS } from '../../lib/daily-pipeline.ts';
import { Publishing } from '../../lib/publishing.ts';
import {
  logicalIdOf,
  renderValue,
  type SynthesizedStack,
  synthStack,
  TEST_IDENTITY_ARN,
  testApp,
} from './stack-fixture.ts';

let synth: SynthesizedStack;

beforeAll(() => {
  synth = synthStack({
    digest: { sesIdentityArn: TEST_IDENTITY_ARN, linkLifetimeHours: 48 },
    schedule: { cron: 'cron(30 5 * * ? *)', timeZone: 'Europe/London' },
    runConfig: {
      recipients: {
        from: 'digest@example.com',
        recipients: [{ name: 'Growth', email: 'growth@example.com', scope: { kind: 'all' } }],
      },
    },
  });
});

interface TaskState {
  Type: string;
  Next?: string;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  ResultPath?: string | null;
  TimeoutSeconds?: number;
  Retry?: Record<string, unknown>[];
  Catch?: Record<string, unknown>[];
  ErrorPath?: string;
  CausePath?: string;
}
interface Definition {
  StartAt: string;
  States: Record<string, TaskState>;
  TimeoutSeconds: number;
}

function definition(): Definition {
  const [machine] = Object.values(synth.template.findResources('AWS::StepFunctions::StateMachine'));
  return JSON.parse(renderValue(machine?.Properties.DefinitionString)) as Definition;
}

function functionId(step: (typeof DAILY_STEP_NAMES)[number]): string {
  return logicalIdOf(synth.stack, synth.stack.pipeline.functions[step].function);
}

describe('DailyPipeline state machine', () => {
  it('takes the lake lock, runs transform, recommend, audiences and publish in that order, each its own Lambda, then releases the lock', () => {
    // Prepare
    const { StartAt, States } = definition();

    // Act
    const order: string[] = [];
    for (let state: string | undefined = StartAt; state !== undefined; state = States[state]?.Next)
      order.push(state);

    // Assess
    expect(order).toEqual([
      'AcquireLakeLock',
      'Transform',
      'Recommend',
      'Audiences',
      'Publish',
      'ReleaseLakeLock',
      'RunSucceeded',
    ]);
    expect(States.RunSucceeded?.Type).toBe('Succeed');
    for (const step of DAILY_STEP_NAMES) {
      const state = States[step.charAt(0).toUpperCase() + step.slice(1)] as TaskState;
      expect(state).toMatchObject({ Type: 'Task', TimeoutSeconds: 900, ResultPath: `$.${step}` });
      expect(state.Resource).toBe(`\${${functionId(step)}.Arn}`);
    }
  });

  it('gives the first step the execution input, and every later step { runDate, executionId }', () => {
    // Prepare
    const { States } = definition();

    // Assess
    expect(States.Transform?.Parameters).toEqual({ 'executionId.$': '$$.Execution.Name', 'request.$': '$' });
    for (const state of ['Recommend', 'Audiences', 'Publish']) {
      expect(States[state]?.Parameters).toEqual({
        'runDate.$': '$.transform.runDate',
        'executionId.$': '$$.Execution.Name',
      });
    }
  });

  it('retries Lambda service errors fast, never retries bad events or configuration, and retries failures with jittered backoff', () => {
    // Prepare
    const { States } = definition();

    // Assess
    for (const state of ['Transform', 'Recommend', 'Audiences', 'Publish']) {
      expect(States[state]?.Retry).toEqual([
        {
          ErrorEquals: [
            'Lambda.ClientExecutionTimeoutException',
            'Lambda.ServiceException',
            'Lambda.AWSLambdaException',
            'Lambda.SdkClientException',
          ],
          IntervalSeconds: 2,
          MaxAttempts: 6,
          BackoffRate: 2,
        },
        { ErrorEquals: NON_RETRYABLE_ERRORS, MaxAttempts: 0 },
        {
          ErrorEquals: ['States.TaskFailed', 'States.Timeout'],
          IntervalSeconds: 60,
          MaxAttempts: 2,
          BackoffRate: 2,
          MaxDelaySeconds: 600,
          JitterStrategy: 'FULL',
        },
      ]);
    }
    expect(NON_RETRYABLE_ERRORS).toEqual(['InvalidEventError', 'AwsConfigError', 'ConfigError']);
  });

  it('catches any failure of a step, releases the lake lock, publishes it to the alarm topic, then fails with the original error', () => {
    // Prepare
    const { States } = definition();
    const topicId = logicalIdOf(synth.stack, synth.stack.alerts.topic);

    // Assess
    for (const state of ['Transform', 'Recommend', 'Audiences', 'Publish']) {
      expect(States[state]?.Catch).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'ReleaseLakeLockAfterFailure' },
      ]);
    }
    // A release that fails keeps the step's error in $.error, which the notification reports.
    expect(States.ReleaseLakeLockAfterFailure).toMatchObject({
      Next: 'NotifyFailure',
      ResultPath: null,
      Parameters: { action: 'release', 'executionId.$': '$$.Execution.Name' },
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.releaseError', Next: 'NotifyFailure' }],
    });
    expect(States.NotifyFailure).toEqual({
      Type: 'Task',
      Next: 'RunFailed',
      ResultPath: null,
      Resource: `arn:\${AWS::Partition}:states:::sns:publish`,
      Parameters: {
        TopicArn: `\${${topicId}}`,
        Subject: 'growthlake: the daily run failed',
        Message: {
          'execution.$': '$$.Execution.Id',
          'input.$': '$$.Execution.Input',
          'error.$': '$.error.Error',
          'cause.$': '$.error.Cause',
        },
      },
    });
    expect(States.RunFailed).toEqual({
      Type: 'Fail',
      ErrorPath: '$.error.Error',
      CausePath: '$.error.Cause',
    });
  });

  it('times a run out after 6 hours, traces it, and logs every event', () => {
    // Assess
    expect(definition().TimeoutSeconds).toBe(21600);
    synth.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
    });
  });

  it('lets the state machine invoke exactly the four step Lambdas and the lake-lock Lambda, and publish to the alarm topic', () => {
    // Prepare
    const roleId = logicalIdOf(synth.stack, synth.stack.pipeline.stateMachine.role);
    const [policy] = Object.values(
      synth.template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }),
    );
    const statements = policy?.Properties.PolicyDocument.Statement as {
      Action: string | string[];
      Resource: unknown;
    }[];
    const resourcesOf = (action: string) =>
      statements
        .filter((statement) => [statement.Action].flat().includes(action))
        .flatMap((statement) => [statement.Resource].flat().map(renderValue))
        .sort();

    // Assess
    const lockId = logicalIdOf(synth.stack, synth.stack.pipeline.lockFunction.function);
    expect(resourcesOf('lambda:InvokeFunction')).toEqual(
      [
        ...DAILY_STEP_NAMES.flatMap((step) => [
          `\${${functionId(step)}.Arn}`,
          `\${${functionId(step)}.Arn}:*`,
        ]),
        `\${${lockId}.Arn}`,
        `\${${lockId}.Arn}:*`,
      ].sort(),
    );
    expect(resourcesOf('sns:Publish')).toEqual([`\${${logicalIdOf(synth.stack, synth.stack.alerts.topic)}}`]);
  });
});

describe('DailyPipeline lake lock', () => {
  it('takes the lock with the execution name and input, fails at once when a run holds it, and waits out an ingest', () => {
    // Prepare
    const { States } = definition();
    const lockId = logicalIdOf(synth.stack, synth.stack.pipeline.lockFunction.function);

    // Assess: a second execution fails in its first state, and nothing of it runs.
    expect(States.AcquireLakeLock).toMatchObject({
      Type: 'Task',
      Next: 'Transform',
      ResultPath: null,
      TimeoutSeconds: 120,
      Resource: `\${${lockId}.Arn}`,
      Parameters: { action: 'acquire', 'executionId.$': '$$.Execution.Name', 'request.$': '$' },
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'NotifyFailure' }],
    });
    const transient = {
      ErrorEquals: ['States.TaskFailed', 'States.Timeout'],
      IntervalSeconds: 30,
      MaxAttempts: 2,
      BackoffRate: 2,
    };
    expect(States.AcquireLakeLock?.Retry?.slice(1)).toEqual([
      { ErrorEquals: [LAKE_BUSY_ERROR], MaxAttempts: 0 },
      // An ingest holds the lake for 15 minutes at most: 15 tries a minute apart.
      { ErrorEquals: [LAKE_INGESTING_ERROR], IntervalSeconds: 60, MaxAttempts: 15, BackoffRate: 1 },
      { ErrorEquals: NON_RETRYABLE_ERRORS, MaxAttempts: 0 },
      transient,
    ]);
    for (const release of ['ReleaseLakeLock', 'ReleaseLakeLockAfterFailure']) {
      expect(States[release]?.Retry?.slice(1)).toEqual([
        { ErrorEquals: NON_RETRYABLE_ERRORS, MaxAttempts: 0 },
        transient,
      ]);
    }
    expect(States.ReleaseLakeLock).toMatchObject({
      Next: 'RunSucceeded',
      ResultPath: null,
      Parameters: { action: 'release', 'executionId.$': '$$.Execution.Name' },
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'NotifyFailure' }],
    });
  });

  it('gives the lock Lambda the lake bucket, a lock lapsing with the run timeout, and only the _lock/ and landing/ objects', () => {
    // Prepare
    const lock = synth.stack.pipeline.lockFunction;
    const lakeId = logicalIdOf(synth.stack, synth.stack.storage.lake);
    const landingId = logicalIdOf(synth.stack, synth.stack.storage.landing);
    const [policy] = Object.values(
      synth.template.findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: logicalIdOf(synth.stack, lock.role) }] },
      }),
    );
    const statements = (policy?.Properties.PolicyDocument.Statement ?? []) as {
      Action: string | string[];
      Resource: unknown;
    }[];
    const s3Resources = statements
      .filter((statement) => [statement.Action].flat().some((action) => action.startsWith('s3:')))
      .flatMap((statement) => [statement.Resource].flat().map(renderValue));

    // Assess
    synth.template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: Match.absent(),
      Handler: 'index.handler',
      Timeout: 60,
      MemorySize: 256,
      Environment: {
        Variables: Match.objectEquals({
          NODE_OPTIONS: '--enable-source-maps',
          [ENV.lakeBucket]: { Ref: lakeId },
          [ENV.landingBucket]: { Ref: logicalIdOf(synth.stack, synth.stack.storage.landing) },
          [ENV.lakeLockTtlSeconds]: '21600',
        }),
      },
    });
    // The bucket itself for s3:ListBucket, without which S3 answers a read of the absent lock 403, not 404.
    // landing/* to copy a deferred file onto itself (read and put), which S3 announces again.
    expect(new Set(s3Resources)).toEqual(
      new Set([
        `\${${lakeId}.Arn}`,
        `\${${lakeId}.Arn}/_lock/*`,
        `\${${landingId}.Arn}`,
        `\${${landingId}.Arn}/landing/*`,
      ]),
    );
  });
});

describe('DailyPipeline schedule', () => {
  it('starts the state machine on the configured cron and time zone with { scheduledTime }', () => {
    // Prepare
    const machineId = logicalIdOf(synth.stack, synth.stack.pipeline.stateMachine);

    // Assess
    synth.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 5 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/London',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { Ref: machineId },
        Input: JSON.stringify({ scheduledTime: '<aws.scheduler.scheduled-time>' }),
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 21600 },
        DeadLetterConfig: {
          Arn: {
            'Fn::GetAtt': [logicalIdOf(synth.stack, synth.stack.pipeline.scheduleDeadLetterQueue), 'Arn'],
          },
        },
      },
    });
  });

  it('defaults to 06:00 UTC every day', () => {
    // Act
    const { template } = synthStack();

    // Assess
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 6 * * ? *)',
      ScheduleExpressionTimezone: 'Etc/UTC',
    });
  });

  it('lets the schedule start only this state machine', () => {
    // Prepare
    const machineId = logicalIdOf(synth.stack, synth.stack.pipeline.stateMachine);

    // Assess
    synth.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'states:StartExecution',
            Effect: 'Allow',
            Resource: { Ref: machineId },
          }),
        ]),
      },
    });
  });
});

describe('DailyPipeline step Lambdas', () => {
  it('run nodejs22.x on ARM64 for up to 15 minutes with the lake, published bucket, link lifetime and run config', () => {
    // Prepare
    const { storage } = synth.stack;

    // Assess
    for (const step of DAILY_STEP_NAMES) {
      synth.template.hasResource('AWS::Lambda::Function', {
        Properties: {
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          Timeout: 900,
          MemorySize: 1769,
          Environment: {
            Variables: {
              NODE_OPTIONS: '--enable-source-maps',
              [ENV.lakeBucket]: { Ref: logicalIdOf(synth.stack, storage.lake) },
              [ENV.publishedBucket]: { Ref: logicalIdOf(synth.stack, storage.published) },
              [ENV.glueDatabase]: 'growthlake',
              [ENV.athenaWorkGroup]: {
                Ref: logicalIdOf(synth.stack, synth.stack.queryEngine.pipelineWorkGroup),
              },
              [ENV.dashboardLinkTtlSeconds]: String(48 * 3600),
              [ENV.runConfig]: Match.stringLikeRegexp('"from":"digest@example.com"'),
            },
          },
        },
      });
      expect(functionId(step)).toMatch(
        new RegExp(`^DailyPipeline${step.charAt(0).toUpperCase()}${step.slice(1)}Step`),
      );
    }
  });

  it('are invoked synchronously, so they need no dead-letter queue of their own', () => {
    // Assess
    for (const step of DAILY_STEP_NAMES) {
      const resource = synth.template.toJSON().Resources[functionId(step)];
      expect(resource.Properties.DeadLetterConfig).toBeUndefined();
    }
    synth.template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 1);
  });

  it('lets only the publish step send email, as the configured sender through the configured identity', () => {
    // Prepare
    const sendingPolicies = Object.values(synth.template.findResources('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties.PolicyDocument).includes('ses:SendRawEmail'),
    );

    // Assess
    expect(sendingPolicies).toHaveLength(1);
    expect(sendingPolicies[0]?.Properties.Roles).toEqual([
      { Ref: logicalIdOf(synth.stack, synth.stack.pipeline.functions.publish.role) },
    ]);
    expect(sendingPolicies[0]?.Properties.PolicyDocument.Statement).toContainEqual({
      Action: 'ses:SendRawEmail',
      Effect: 'Allow',
      Resource: TEST_IDENTITY_ARN,
      Condition: { StringEquals: { 'ses:FromAddress': 'digest@example.com' } },
    });
  });

  it('lets only the transform step define the views, and only their catalog entries', () => {
    // Prepare
    const definers = Object.values(synth.template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
        .filter((statement) => [statement.Action].flat().includes('glue:UpdateTable'))
        .map((statement) => ({ roles: policy.Properties.Roles as { Ref: string }[], statement })),
    );

    // Assess
    expect(definers).toHaveLength(1);
    expect(definers[0]?.roles).toEqual([
      { Ref: logicalIdOf(synth.stack, synth.stack.pipeline.functions.transform.role) },
    ]);
    expect([definers[0]?.statement.Action].flat().sort()).toEqual([
      'glue:CreateTable',
      'glue:GetTable',
      'glue:UpdateTable',
    ]);
    expect([definers[0]?.statement.Resource].flat().map(renderValue).sort()).toEqual([
      'arn:aws:glue:eu-west-1:123456789012:catalog',
      'arn:aws:glue:eu-west-1:123456789012:database/growthlake',
      'arn:aws:glue:eu-west-1:123456789012:table/growthlake/user_segments',
      'arn:aws:glue:eu-west-1:123456789012:table/growthlake/users',
    ]);
  });

  it('lets only the audiences and publish steps write under published/', () => {
    // Prepare
    const publishedId = logicalIdOf(synth.stack, synth.stack.storage.published);
    const writers = Object.values(synth.template.findResources('AWS::IAM::Policy'))
      .filter((policy) =>
        (
          policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]
        ).some(
          (statement) =>
            [statement.Action].flat().includes('s3:PutObject') &&
            [statement.Resource].flat().map(renderValue).includes(`\${${publishedId}.Arn}/published/*`),
        ),
      )
      .flatMap((policy) => policy.Properties.Roles as { Ref: string }[]);

    // Assess
    expect(writers.map((role) => role.Ref).sort()).toEqual(
      [synth.stack.pipeline.functions.audiences.role, synth.stack.pipeline.functions.publish.role]
        .map((role) => logicalIdOf(synth.stack, role))
        .sort(),
    );
  });

  it('refuses a dashboard link longer than the 7 days SigV4 allows, and a schedule that is not a cron', () => {
    // Act and assess
    expect(() =>
      synthStack({ digest: { sesIdentityArn: TEST_IDENTITY_ARN, linkLifetimeHours: 169 } }),
    ).toThrow(/growthlake.digest.linkLifetimeHours: must be at most 168 hours/);
    expect(() =>
      synthStack({ digest: { sesIdentityArn: TEST_IDENTITY_ARN }, schedule: { cron: 'rate(1 day)' } }),
    ).toThrow(
      /growthlake.schedule.cron: must be an EventBridge Scheduler cron expression such as cron\(0 6 \* \* \? \*\)/,
    );
  });
});

describe('Publishing', () => {
  it('refuses a sender the SES identity cannot send as', () => {
    // Prepare
    const stack = new Stack(testApp(), 'Sender');
    const bucket = new s3.Bucket(stack, 'Published');

    // Act and assess
    expect(
      () =>
        new Publishing(stack, 'Domain', {
          publishedBucket: bucket,
          sesIdentityArn: TEST_IDENTITY_ARN,
          fromAddress: 'me@other.org',
        }),
    ).toThrow(
      'Publishing fromAddress me@other.org cannot be sent from the SES identity example.com: use an address @example.com, or the identity of the address',
    );
    expect(
      () =>
        new Publishing(stack, 'Address', {
          publishedBucket: bucket,
          sesIdentityArn: 'arn:aws:ses:eu-west-1:123456789012:identity/growth@example.com',
          fromAddress: 'ops@example.com',
        }),
    ).toThrow(/use growth@example.com/);
    expect(
      () =>
        new Publishing(stack, 'Arn', {
          publishedBucket: bucket,
          sesIdentityArn: 'example.com',
          fromAddress: 'a@example.com',
        }),
    ).toThrow(/sesIdentityArn must be an SES identity ARN/);
  });
});
