/**
 * The lake's storage: a customer-managed KMS key and the buckets (landing, lake, Athena results,
 * published) with their access-logs bucket, all versioned, TLS-only and closed to the public.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PROCESSED_PREFIX, REJECTED_PREFIX } from '../lambdas/aws/landing-key.ts';
import { ATHENA_SCRATCH_PREFIX } from '../lambdas/contract/lake-layout.ts';
import { STAGED_EVENTS } from '../lambdas/contract/tables.ts';
import { acknowledge } from './nag.ts';

/** Properties of {@link LakeStorage}. */
export interface LakeStorageProps {
  /**
   * How long landed files stay under `processed/` once ingested.
   * @default Duration.days(30)
   */
  readonly processedRetention?: Duration;
  /**
   * How long files refused as a whole stay under `rejected/`, for someone to look at.
   * @default Duration.days(90)
   */
  readonly rejectedRetention?: Duration;
  /**
   * How long leftovers of interrupted work stay: the Athena engine's `_tmp/` scratch and
   * `staging/` files of an ingest that died before clearing them.
   * @default Duration.days(7)
   */
  readonly scratchRetention?: Duration;
  /**
   * How long overwritten or deleted object versions are kept (the undo window).
   * @default Duration.days(30)
   */
  readonly noncurrentVersionRetention?: Duration;
  /**
   * How long Athena query results are kept.
   * @default Duration.days(30)
   */
  readonly athenaResultsRetention?: Duration;
  /**
   * How long S3 server access logs are kept.
   * @default Duration.days(365)
   */
  readonly accessLogRetention?: Duration;
  /**
   * What happens to the buckets and the key when the stack is deleted.
   * @default RemovalPolicy.RETAIN - the lake outlives the stack
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The first path segment of a key prefix, as a lifecycle prefix: `_tmp/athena` gives `_tmp/`. */
function topFolder(prefix: string): string {
  return `${prefix.split('/')[0]}/`;
}

/** S3 lifecycle rules count whole days. */
function checkRetention(name: string, value: Duration): void {
  const days = value.toDays({ integral: false });
  if (days < 1 || !Number.isInteger(days)) {
    throw new Error(
      `LakeStorage ${name} must be a whole number of days, at least 1 (got ${value.toHumanString()}); use Duration.days(n)`,
    );
  }
}

/** The lake's KMS key and buckets. */
export class LakeStorage extends Construct {
  /** The customer-managed key (rotated yearly) that encrypts every data bucket and the Athena results. */
  public readonly key: kms.Key;
  /** S3 server access logs of the other buckets (SSE-S3: log delivery cannot use a KMS key). */
  public readonly accessLogs: s3.Bucket;
  /** Where input files land (`landing/<kind>/...`); EventBridge hears every new object. */
  public readonly landing: s3.Bucket;
  /** The lake: curated inputs, state, marts and quality tables under their registry locations. */
  public readonly lake: s3.Bucket;
  /** Athena query results of both workgroups. */
  public readonly athenaResults: s3.Bucket;
  /** Dashboards, digests and audiences, under `published/<run date>/`. */
  public readonly published: s3.Bucket;

  public constructor(scope: Construct, id: string, props: LakeStorageProps = {}) {
    super(scope, id);
    for (const [name, value] of Object.entries(props)) {
      if (value instanceof Duration) checkRetention(name, value);
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const noncurrent: s3.LifecycleRule = {
      id: 'noncurrent-versions',
      noncurrentVersionExpiration: props.noncurrentVersionRetention ?? Duration.days(30),
      abortIncompleteMultipartUploadAfter: Duration.days(7),
      expiredObjectDeleteMarker: true,
    };

    this.key = new kms.Key(this, 'Key', {
      description: 'growthlake: encrypts the landing, lake, Athena results and published buckets',
      enableKeyRotation: true,
      removalPolicy,
    });

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      versioned: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        noncurrent,
        { id: 'expire-access-logs', expiration: props.accessLogRetention ?? Duration.days(365) },
      ],
      removalPolicy,
    });
    acknowledge(this.accessLogs, {
      'AwsSolutions-S1':
        'This bucket receives the access logs of the others; logging it into itself would loop.',
    });

    const dataBucket = (bucketId: string, lifecycleRules: s3.LifecycleRule[]): s3.Bucket =>
      new s3.Bucket(this, bucketId, {
        encryption: s3.BucketEncryption.KMS,
        encryptionKey: this.key,
        bucketKeyEnabled: true,
        versioned: true,
        enforceSSL: true,
        minimumTLSVersion: 1.2,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        serverAccessLogsBucket: this.accessLogs,
        serverAccessLogsPrefix: `${bucketId.toLowerCase()}/`,
        lifecycleRules: [noncurrent, ...lifecycleRules],
        removalPolicy,
      });

    this.landing = dataBucket('Landing', [
      {
        id: 'expire-processed',
        prefix: PROCESSED_PREFIX,
        expiration: props.processedRetention ?? Duration.days(30),
      },
      {
        id: 'expire-rejected',
        prefix: REJECTED_PREFIX,
        expiration: props.rejectedRetention ?? Duration.days(90),
      },
    ]);
    // S3's native EventBridge switch: no notifications custom resource is needed for EventBridge alone.
    (this.landing.node.defaultChild as s3.CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };

    const scratch = props.scratchRetention ?? Duration.days(7);
    this.lake = dataBucket('Lake', [
      { id: 'expire-athena-scratch', prefix: topFolder(ATHENA_SCRATCH_PREFIX), expiration: scratch },
      { id: 'expire-staging-leftovers', prefix: topFolder(STAGED_EVENTS.location), expiration: scratch },
    ]);
    this.athenaResults = dataBucket('AthenaResults', [
      { id: 'expire-query-results', expiration: props.athenaResultsRetention ?? Duration.days(30) },
    ]);
    this.published = dataBucket('Published', []);
  }
}
