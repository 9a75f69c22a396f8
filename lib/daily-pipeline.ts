/**
 * The daily run: one Lambda per step, a Step Functions state machine that runs them in order
 * (transform, recommend, audiences, publish) with retries and a catch that alerts, and an
 * EventBridge Scheduler schedule that starts it every day for yesterday. Start it by hand with
 * `{ "runDate": "YYYY-MM-DD" }` to run or backfill a date.
 */
import { Duration, TimeZone } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { ENV, MAX_PRESIGNED_URL_SECONDS } from '../lambdas/aws/env.ts';
import { LANDING_PREFIX } from '../lambdas/aws/landing-key.ts';
import { DAILY_STEP_NAMES, type DailyStepName } from '../lambdas/aws/step-events.ts';
import { LOCK_PREFIX } from '../lambdas/contract/lake-layout.ts';
import { RunConfigSchema } from '../lambdas/contract/run-config.ts';
import type { Alerts } from './alerts.ts';
import type { Catalog } from './catalog.ts';
import { MAX_RUN_CONFIG_JSON_CHARS } from './config.ts';
import { GrowthlakeFunction } from './lambda-function.ts';
import { acknowledge, acknowledgeBucketGrants, wildcardAction, wildcardResource } from './nag.ts';
import type { Publishing } from './publishing.ts';
import type { QueryEngine } from './query-engine.ts';

/** The default schedule: every day at 06:00, when yesterday's files have landed. */
export const DEFAULT_SCHEDULE = 'cron(0 6 * * ? *)';

/**
 * Errors a retry cannot fix (a bad event or configuration): the state machine fails at once
 * instead of retrying them.
 */
export const NON_RETRYABLE_ERRORS = ['InvalidEventError', 'AwsConfigError', 'ConfigError'];

/**
 * The lake is held by another execution (a second daily run, a backfill started by hand): the
 * execution fails at once, naming the holder, and the failure alarm fires.
 */
export const LAKE_BUSY_ERROR = 'LakeBusyError';

/**
 * The lake is held by an ingest of a landed file, which ends within the ingest Lambda's 15-minute
 * timeout: the first state tries again every minute, 15 times, before it fails.
 */
export const LAKE_INGESTING_ERROR = 'LakeIngestInProgressError';

/** Properties of {@link DailyPipeline}. */
export interface DailyPipelineProps {
  readonly lakeBucket: s3.IBucket;
  /**
   * Where files land: files whose ingest waited for a run (the lake was locked) are landed again
   * under `landing/` once the run releases the lake, so S3 announces them to the ingest Lambda anew.
   */
  readonly landingBucket: s3.IBucket;
  readonly catalog: Catalog;
  readonly queryEngine: QueryEngine;
  readonly publishing: Publishing;
  /** Failed runs are published to its topic; its key encrypts the schedule's dead-letter queue. */
  readonly alerts: Alerts;
  /**
   * When the run starts: an EventBridge Scheduler cron expression.
   * @default DEFAULT_SCHEDULE (06:00 every day)
   */
  readonly scheduleExpression?: string;
  /**
   * The time zone of the cron expression.
   * @default TimeZone.ETC_UTC
   */
  readonly scheduleTimeZone?: TimeZone;
  /**
   * Whether the schedule starts runs (turn it off during a long backfill).
   * @default true
   */
  readonly scheduleEnabled?: boolean;
  /**
   * How long the dashboard link in a digest works (at most 7 days; a link also ends when the
   * Lambda credentials that signed it expire).
   * @default Duration.hours(24)
   */
  readonly dashboardLinkLifetime?: Duration;
  /**
   * The run configuration (playbooks, ...), validated here with the CLI's schema.
   * @default - the defaults of RunConfigSchema
   */
  readonly runConfig?: unknown;
  /**
   * Memory of each step Lambda, MiB.
   * @default 1769
   */
  readonly stepMemorySize?: number;
  /**
   * The longest a whole run may take, retries included.
   * @default Duration.hours(6)
   */
  readonly runTimeout?: Duration;
}

/** What each step does, for its Lambda's description. */
const STEP_DESCRIPTIONS: Readonly<Record<DailyStepName, string>> = {
  transform: 'growthlake daily run: state tables and marts of the run date',
  recommend: 'growthlake daily run: budget recommendations',
  audiences: 'growthlake daily run: playbook audiences to the published bucket',
  publish: 'growthlake daily run: dashboard and digests',
};

function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/**
 * The run configuration as the JSON the Lambdas parse at cold start: as given (the Lambdas fill
 * the defaults), after checking it against the CLI's schema and the environment's size limit.
 */
function runConfigJson(runConfig: unknown): string | undefined {
  if (runConfig === undefined) return undefined;
  const parsed = RunConfigSchema.safeParse(runConfig);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `DailyPipeline runConfig is invalid at ${issue?.path.join('.') || '(root)'}: ${issue?.message}; it must pass the CLI's RunConfigSchema`,
    );
  }
  const json = JSON.stringify(runConfig);
  if (json.length > MAX_RUN_CONFIG_JSON_CHARS) {
    throw new Error(
      `DailyPipeline runConfig is ${json.length} characters as JSON; keep it under ${MAX_RUN_CONFIG_JSON_CHARS}, since it travels in a Lambda environment variable`,
    );
  }
  return json;
}

/** The step Lambdas, the state machine and the schedule of the daily run. */
export class DailyPipeline extends Construct {
  /** The Lambda of each step. */
  public readonly functions: Readonly<Record<DailyStepName, GrowthlakeFunction>>;
  /**
   * The Lambda of the first and last states: it takes the lake's lock (`_lock/lake.json` in the
   * lake bucket) for the execution and releases it, on success and on the failure path.
   */
  public readonly lockFunction: GrowthlakeFunction;
  public readonly stateMachine: sfn.StateMachine;
  /** Starts the state machine every day with `{ scheduledTime }`; the first step runs yesterday. */
  public readonly schedule: scheduler.Schedule;
  /** Schedule invocations Step Functions refused after every retry. */
  public readonly scheduleDeadLetterQueue: sqs.Queue;

  public constructor(scope: Construct, id: string, props: DailyPipelineProps) {
    super(scope, id);
    const linkSeconds = (props.dashboardLinkLifetime ?? Duration.hours(24)).toSeconds();
    if (linkSeconds < 60 || linkSeconds > MAX_PRESIGNED_URL_SECONDS) {
      throw new Error(
        `DailyPipeline dashboardLinkLifetime must be between 1 minute and 7 days (a SigV4 presigned URL's limit); got ${linkSeconds} s`,
      );
    }
    const expression = props.scheduleExpression ?? DEFAULT_SCHEDULE;
    if (!/^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/.test(expression)) {
      throw new Error(
        `DailyPipeline scheduleExpression must be an EventBridge Scheduler cron expression such as ${DEFAULT_SCHEDULE} (got "${expression}")`,
      );
    }
    const runConfig = runConfigJson(props.runConfig);

    const environment: Record<string, string> = {
      [ENV.lakeBucket]: props.lakeBucket.bucketName,
      [ENV.publishedBucket]: props.publishing.publishedBucket.bucketName,
      [ENV.glueDatabase]: props.catalog.databaseName,
      [ENV.athenaWorkGroup]: props.queryEngine.pipelineWorkGroupName,
      [ENV.dashboardLinkTtlSeconds]: String(linkSeconds),
      ...(runConfig === undefined ? {} : { [ENV.runConfig]: runConfig }),
    };
    const functions = {} as Record<DailyStepName, GrowthlakeFunction>;
    for (const name of DAILY_STEP_NAMES) {
      const step = new GrowthlakeFunction(this, `${pascal(name)}Step`, {
        handler: name,
        description: STEP_DESCRIPTIONS[name],
        environment,
        memorySize: props.stepMemorySize ?? 1769,
        includeChartJs: name === 'publish',
      });
      props.queryEngine.grantPipelineQueries(step.role);
      functions[name] = step;
    }
    // The transform step defines the views of user_state (users, user_segments) after each fold.
    props.catalog.grantDefineViews(functions.transform.role);
    props.publishing.grantPublish(functions.audiences.role);
    props.publishing.grantPublish(functions.publish.role);
    props.publishing.grantSendDigests(functions.publish.role);
    this.functions = functions;

    const runTimeout = props.runTimeout ?? Duration.hours(6);
    this.lockFunction = new GrowthlakeFunction(this, 'LakeLock', {
      handler: 'lake-lock',
      description: 'growthlake daily run: takes and releases the lake lock, one run at a time',
      environment: {
        [ENV.lakeBucket]: props.lakeBucket.bucketName,
        [ENV.landingBucket]: props.landingBucket.bucketName,
        // A run's lock lapses when the execution must have ended: a killed run frees the lake then.
        [ENV.lakeLockTtlSeconds]: String(runTimeout.toSeconds()),
      },
      memorySize: 256,
      timeout: Duration.minutes(1),
    });
    const lockObjects = `${LOCK_PREFIX}/*`;
    props.lakeBucket.grantReadWrite(this.lockFunction.role, lockObjects);
    props.lakeBucket.grantDelete(this.lockFunction.role, lockObjects);
    const landed = `${LANDING_PREFIX}*`;
    props.landingBucket.grantRead(this.lockFunction.role, landed);
    props.landingBucket.grantPut(this.lockFunction.role, landed);
    acknowledgeBucketGrants(this.lockFunction.role, {
      [props.lakeBucket.arnForObjects(lockObjects)]:
        'The lock object _lock/lake.json is created, read, replaced and deleted under conditions, and the records of deferred ingests beside it.',
      [props.landingBucket.arnForObjects(landed)]:
        'A file whose ingest waited for the run is copied onto itself under landing/, so S3 announces it again.',
    });

    this.stateMachine = this.#stateMachine(props, runTimeout);
    this.scheduleDeadLetterQueue = props.alerts.deadLetterQueue(this, 'ScheduleDeadLetterQueue');
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: 'growthlake: starts the daily run for yesterday',
      schedule: scheduler.ScheduleExpression.expression(
        expression,
        props.scheduleTimeZone ?? TimeZone.ETC_UTC,
      ),
      enabled: props.scheduleEnabled ?? true,
      target: new schedulerTargets.StepFunctionsStartExecution(this.stateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject({
          scheduledTime: scheduler.ContextAttribute.scheduledTime,
        }),
        deadLetterQueue: this.scheduleDeadLetterQueue,
        retryAttempts: 3,
        maxEventAge: Duration.hours(6),
      }),
    });
  }

  /** One step as a task: `{ runDate, executionId }` in, its summary kept at `$.<step>`, retried, caught. */
  #task(name: DailyStepName, payload: sfn.TaskInput, failure: sfn.IChainable): tasks.LambdaInvoke {
    const task = new tasks.LambdaInvoke(this, pascal(name), {
      lambdaFunction: this.functions[name].function,
      payload,
      payloadResponseOnly: true,
      resultPath: `$.${name}`,
      taskTimeout: sfn.Timeout.duration(Duration.minutes(15)),
    });
    task.addRetry({ errors: NON_RETRYABLE_ERRORS, maxAttempts: 0 });
    task.addRetry({
      errors: [sfn.Errors.TASKS_FAILED, sfn.Errors.TIMEOUT],
      interval: Duration.minutes(1),
      backoffRate: 2,
      maxAttempts: 2,
      maxDelay: Duration.minutes(10),
      jitterStrategy: sfn.JitterType.FULL,
    });
    task.addCatch(failure, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
    return task;
  }

  /** A state of the lake-lock Lambda: its answer is discarded, the state's input passes through. */
  #lockTask(
    id: string,
    payload: Record<string, unknown>,
    retries: sfn.RetryProps[] = [],
  ): tasks.LambdaInvoke {
    const task = new tasks.LambdaInvoke(this, id, {
      lambdaFunction: this.lockFunction.function,
      payload: sfn.TaskInput.fromObject(payload),
      payloadResponseOnly: true,
      resultPath: sfn.JsonPath.DISCARD,
      taskTimeout: sfn.Timeout.duration(Duration.minutes(2)),
    });
    // The specific retriers first: Step Functions uses the first whose errors match.
    for (const retry of retries) task.addRetry(retry);
    task.addRetry({ errors: NON_RETRYABLE_ERRORS, maxAttempts: 0 });
    // S3 failing for longer than the SDK's own retries.
    task.addRetry({
      errors: [sfn.Errors.TASKS_FAILED, sfn.Errors.TIMEOUT],
      interval: Duration.seconds(30),
      backoffRate: 2,
      maxAttempts: 2,
    });
    return task;
  }

  #stateMachine(props: DailyPipelineProps, runTimeout: Duration): sfn.StateMachine {
    const notify = new tasks.SnsPublish(this, 'NotifyFailure', {
      topic: props.alerts.topic,
      subject: 'growthlake: the daily run failed',
      message: sfn.TaskInput.fromObject({
        execution: sfn.JsonPath.executionId,
        input: sfn.JsonPath.objectAt('$$.Execution.Input'),
        error: sfn.JsonPath.stringAt('$.error.Error'),
        cause: sfn.JsonPath.stringAt('$.error.Cause'),
      }),
      resultPath: sfn.JsonPath.DISCARD,
    });
    notify.next(new sfn.Fail(this, 'RunFailed', { errorPath: '$.error.Error', causePath: '$.error.Cause' }));

    // Any failure after the lock was taken releases it first; a failed release still reports the
    // step's own error (its catch keeps $.error), and the lock then lapses with the run's timeout.
    const release = { action: 'release', executionId: sfn.JsonPath.executionName };
    const releaseAfterFailure = this.#lockTask('ReleaseLakeLockAfterFailure', release);
    releaseAfterFailure.addCatch(notify, { errors: [sfn.Errors.ALL], resultPath: '$.releaseError' });
    releaseAfterFailure.next(notify);
    const releaseAfterSuccess = this.#lockTask('ReleaseLakeLock', release);
    releaseAfterSuccess.addCatch(notify, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
    const acquire = this.#lockTask(
      'AcquireLakeLock',
      { action: 'acquire', executionId: sfn.JsonPath.executionName, request: sfn.JsonPath.entirePayload },
      [
        { errors: [LAKE_BUSY_ERROR], maxAttempts: 0 },
        { errors: [LAKE_INGESTING_ERROR], interval: Duration.minutes(1), backoffRate: 1, maxAttempts: 15 },
      ],
    );
    // Not released on this path: the lock is another writer's (or was never taken).
    acquire.addCatch(notify, { errors: [sfn.Errors.ALL], resultPath: '$.error' });

    const runDate = sfn.JsonPath.stringAt('$.transform.runDate');
    const stepInput = sfn.TaskInput.fromObject({ runDate, executionId: sfn.JsonPath.executionName });
    const definition = acquire
      .next(
        this.#task(
          'transform',
          sfn.TaskInput.fromObject({
            executionId: sfn.JsonPath.executionName,
            request: sfn.JsonPath.entirePayload,
          }),
          releaseAfterFailure,
        ),
      )
      .next(this.#task('recommend', stepInput, releaseAfterFailure))
      .next(this.#task('audiences', stepInput, releaseAfterFailure))
      .next(this.#task('publish', stepInput, releaseAfterFailure))
      .next(releaseAfterSuccess)
      .next(new sfn.Succeed(this, 'RunSucceeded'));

    const logGroup = new logs.LogGroup(this, 'StateMachineLogs', { retention: logs.RetentionDays.ONE_MONTH });
    const stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      comment: 'growthlake daily run: lake lock, transform, recommend, audiences, publish, release',
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout: runTimeout,
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    acknowledge(stateMachine, {
      [wildcardResource(this, '*')]:
        'X-Ray tracing and CloudWatch Logs delivery (log delivery APIs) only accept Resource "*".',
      ...Object.fromEntries(
        DAILY_STEP_NAMES.map((name) => [
          wildcardResource(this, `${this.functions[name].function.functionArn}:*`),
          `Invoking any version or alias of the ${name} step Lambda (CDK LambdaInvoke grant).`,
        ]),
      ),
      [wildcardResource(this, `${this.lockFunction.function.functionArn}:*`)]:
        'Invoking any version or alias of the lake-lock Lambda (CDK LambdaInvoke grant).',
    });
    acknowledge(stateMachine, {
      [wildcardAction('kms:GenerateDataKey*')]:
        'Publishing to the KMS-encrypted alarm topic needs data keys of its one key.',
    });
    return stateMachine;
  }
}
