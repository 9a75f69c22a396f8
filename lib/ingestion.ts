/**
 * Ingestion: every object created under `landing/` in the landing bucket reaches the ingest
 * Lambda through EventBridge; failures that outlive the retries land in a dead-letter queue.
 */
import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../lambdas/aws/env.ts';
import { LANDING_PREFIX, PROCESSED_PREFIX, REJECTED_PREFIX } from '../lambdas/aws/landing-key.ts';
import type { Alerts } from './alerts.ts';
import type { Catalog } from './catalog.ts';
import { GrowthlakeFunction } from './lambda-function.ts';
import { acknowledge, acknowledgeBucketGrants } from './nag.ts';
import type { QueryEngine } from './query-engine.ts';

/** The ingest Lambda's timeout (Lambda's maximum), which also bounds how long it holds the lake. */
const INGEST_TIMEOUT = Duration.minutes(15);

/** Properties of {@link Ingestion}. */
export interface IngestionProps {
  readonly landingBucket: s3.IBucket;
  readonly lakeBucket: s3.IBucket;
  readonly catalog: Catalog;
  readonly queryEngine: QueryEngine;
  /** Provides the encrypted dead-letter queue. */
  readonly alerts: Alerts;
  /**
   * The customer key the pseudonymization key's secret is encrypted with.
   * @default - Secrets Manager's AWS-managed key
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Ingests running at once. One keeps cross-file deduplication and spend restatements in landing
   * order; raise it only if files of different kinds land at the same time and order does not matter.
   * @default 1
   */
  readonly reservedConcurrency?: number;
  /**
   * The function's memory, MiB.
   * @default 2048
   */
  readonly memorySize?: number;
  /**
   * The function's /tmp: the largest landed file must fit.
   * @default Size.gibibytes(4)
   */
  readonly ephemeralStorageSize?: Size;
}

/** The ingest Lambda, its EventBridge rule and its dead-letter queue. */
export class Ingestion extends Construct {
  public readonly function: GrowthlakeFunction;
  /** Events and invocations that failed every retry, for inspection and re-drive. */
  public readonly deadLetterQueue: sqs.Queue;
  /** Matches "Object Created" events of the landing bucket under `landing/`. */
  public readonly rule: events.Rule;
  /**
   * The key `device_id` and `funding_id` are pseudonymized with at ingest: a generated 64-character
   * value only the ingest Lambda reads, retained when the stack is deleted (docs/deploy.md,
   * Pseudonymization key).
   */
  public readonly pseudonymizationKey: secretsmanager.Secret;
  /** Attach to the roles of the systems that deliver files: upload under `landing/` (and encrypt with the bucket's key), nothing else. */
  public readonly uploaderPolicy: iam.ManagedPolicy;

  public constructor(scope: Construct, id: string, props: IngestionProps) {
    super(scope, id);
    const concurrency = props.reservedConcurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new Error(
        `Ingestion reservedConcurrency must be a whole number of at least 1 (got ${concurrency})`,
      );
    }
    this.deadLetterQueue = props.alerts.deadLetterQueue(this, 'DeadLetterQueue');
    this.pseudonymizationKey = new secretsmanager.Secret(this, 'PseudonymizationKey', {
      description: 'growthlake: the HMAC key that pseudonymizes device and funding ids at ingest',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      ...(props.encryptionKey === undefined ? {} : { encryptionKey: props.encryptionKey }),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.pseudonymizationKey, {
      'AwsSolutions-SMG4':
        'Not rotated on a schedule: a new key stops new pseudonyms matching the stored ones, so rotation is a deliberate step with a re-ingest (docs/deploy.md).',
    });
    this.function = new GrowthlakeFunction(this, 'Ingest', {
      handler: 'ingest',
      description: 'growthlake: ingests each file landed under landing/<kind>/',
      environment: {
        [ENV.lakeBucket]: props.lakeBucket.bucketName,
        [ENV.landingBucket]: props.landingBucket.bucketName,
        [ENV.glueDatabase]: props.catalog.databaseName,
        [ENV.athenaWorkGroup]: props.queryEngine.pipelineWorkGroupName,
        [ENV.pseudonymizationSecret]: this.pseudonymizationKey.secretArn,
        // An ingest holds the lake's lock while it runs; a killed one's lock lapses with its timeout.
        [ENV.lakeLockTtlSeconds]: String(INGEST_TIMEOUT.toSeconds()),
      },
      timeout: INGEST_TIMEOUT,
      memorySize: props.memorySize ?? 2048,
      ephemeralStorageSize: props.ephemeralStorageSize ?? Size.gibibytes(4),
      reservedConcurrentExecutions: concurrency,
      deadLetterQueue: this.deadLetterQueue,
    });
    const role = this.function.role;
    props.landingBucket.grantRead(role, `${LANDING_PREFIX}*`);
    props.landingBucket.grantDelete(role, `${LANDING_PREFIX}*`);
    props.landingBucket.grantPut(role, `${PROCESSED_PREFIX}*`);
    props.landingBucket.grantPut(role, `${REJECTED_PREFIX}*`);
    props.queryEngine.grantPipelineQueries(role);
    this.pseudonymizationKey.grantRead(role);
    acknowledgeBucketGrants(role, {
      [props.landingBucket.arnForObjects(`${LANDING_PREFIX}*`)]:
        'Any file landed under landing/ is read, then moved away.',
      [props.landingBucket.arnForObjects(`${PROCESSED_PREFIX}*`)]:
        'Ingested files are moved under processed/.',
      [props.landingBucket.arnForObjects(`${REJECTED_PREFIX}*`)]:
        'Refused files and their reasons go under rejected/.',
    });

    this.uploaderPolicy = new iam.ManagedPolicy(this, 'UploaderPolicy', {
      description: 'growthlake: upload input files under landing/<kind>/ in the landing bucket',
    });
    props.landingBucket.grantPut(this.uploaderPolicy, `${LANDING_PREFIX}*`);
    acknowledgeBucketGrants(this.uploaderPolicy, {
      [props.landingBucket.arnForObjects(`${LANDING_PREFIX}*`)]:
        'Uploaders may add any file under landing/, nowhere else.',
    });

    this.rule = new events.Rule(this, 'LandedRule', {
      description: 'growthlake: a file landed under landing/ in the landing bucket',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [props.landingBucket.bucketName] },
          object: { key: events.Match.prefix(LANDING_PREFIX) },
        },
      },
      targets: [
        new targets.LambdaFunction(this.function.function, {
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
  }
}
