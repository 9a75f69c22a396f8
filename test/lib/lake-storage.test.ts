import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LakeStorage } from '../../lib/lake-storage.ts';
import { logicalIdOf, type SynthesizedStack, synthStack, testApp } from './stack-fixture.ts';

let synth: SynthesizedStack;

beforeAll(() => {
  synth = synthStack();
});

type Resource = { Properties: Record<string, unknown> };

function bucket(construct: IConstruct): Resource {
  const id = logicalIdOf(synth.stack, construct);
  return synth.template.toJSON().Resources[id] as Resource;
}

describe('LakeStorage', () => {
  it('creates a customer-managed KMS key with yearly rotation', () => {
    // Assess
    synth.template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      Description: Match.stringLikeRegexp('landing, lake, Athena results and published'),
    });
  });

  it('encrypts the four data buckets with that key (bucket keys on), versions them and blocks public access', () => {
    // Prepare
    const { storage } = synth.stack;
    const keyId = logicalIdOf(synth.stack, storage.key);

    // Assess
    for (const data of [storage.landing, storage.lake, storage.athenaResults, storage.published]) {
      expect(bucket(data).Properties).toMatchObject({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              BucketKeyEnabled: true,
              ServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] },
              },
            },
          ],
        },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LoggingConfiguration: {
          DestinationBucketName: { Ref: logicalIdOf(synth.stack, storage.accessLogs) },
        },
      });
    }
  });

  it('keeps the access logs with SSE-S3 (log delivery cannot use KMS), versioned and closed', () => {
    // Assess
    expect(bucket(synth.stack.storage.accessLogs).Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, RestrictPublicBuckets: true },
    });
  });

  it('denies every request without TLS (and below TLS 1.2) on all five buckets', () => {
    // Prepare
    const { storage } = synth.stack;
    const buckets = [
      storage.accessLogs,
      storage.landing,
      storage.lake,
      storage.athenaResults,
      storage.published,
    ];

    // Assess
    for (const each of buckets) {
      const id = logicalIdOf(synth.stack, each);
      synth.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
            }),
          ]),
        },
      });
    }
  });

  it('expires noncurrent versions after 30 days and aborted uploads after 7 on every data bucket', () => {
    // Prepare
    const { storage } = synth.stack;

    // Assess
    for (const data of [storage.landing, storage.lake, storage.athenaResults, storage.published]) {
      expect(bucket(data).Properties.LifecycleConfiguration).toMatchObject({
        Rules: expect.arrayContaining([
          {
            Id: 'noncurrent-versions',
            Status: 'Enabled',
            NoncurrentVersionExpiration: { NoncurrentDays: 30 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
            ExpiredObjectDeleteMarker: true,
          },
        ]),
      });
    }
  });

  it('expires processed/ after 30 days and rejected/ after 90 in the landing bucket', () => {
    // Assess
    expect(bucket(synth.stack.storage.landing).Properties.LifecycleConfiguration).toMatchObject({
      Rules: expect.arrayContaining([
        { Id: 'expire-processed', Status: 'Enabled', Prefix: 'processed/', ExpirationInDays: 30 },
        { Id: 'expire-rejected', Status: 'Enabled', Prefix: 'rejected/', ExpirationInDays: 90 },
      ]),
    });
  });

  it("expires the Athena engine's _tmp/ scratch and staging/ leftovers after 7 days in the lake", () => {
    // Assess
    expect(bucket(synth.stack.storage.lake).Properties.LifecycleConfiguration).toMatchObject({
      Rules: expect.arrayContaining([
        { Id: 'expire-athena-scratch', Status: 'Enabled', Prefix: '_tmp/', ExpirationInDays: 7 },
        { Id: 'expire-staging-leftovers', Status: 'Enabled', Prefix: 'staging/', ExpirationInDays: 7 },
      ]),
    });
  });

  it('expires Athena results after 30 days and access logs after a year', () => {
    // Prepare
    const { storage } = synth.stack;

    // Assess
    expect(bucket(storage.athenaResults).Properties.LifecycleConfiguration).toMatchObject({
      Rules: expect.arrayContaining([
        { Id: 'expire-query-results', Status: 'Enabled', ExpirationInDays: 30 },
      ]),
    });
    expect(bucket(storage.accessLogs).Properties.LifecycleConfiguration).toMatchObject({
      Rules: expect.arrayContaining([{ Id: 'expire-access-logs', Status: 'Enabled', ExpirationInDays: 365 }]),
    });
  });

  it('turns on EventBridge notifications of the landing bucket natively, with no custom resource', () => {
    // Assess
    expect(bucket(synth.stack.storage.landing).Properties.NotificationConfiguration).toEqual({
      EventBridgeConfiguration: { EventBridgeEnabled: true },
    });
    synth.template.resourceCountIs('Custom::S3BucketNotifications', 0);
  });

  it('retains the buckets and the key when the stack is deleted', () => {
    // Assess
    const buckets = synth.template.findResources('AWS::S3::Bucket');
    expect(Object.values(buckets).map((each) => each.DeletionPolicy)).toEqual(Array(5).fill('Retain'));
    const keys = synth.template.findResources('AWS::KMS::Key', {
      Properties: { Description: Match.stringLikeRegexp('landing') },
    });
    expect(Object.values(keys).map((each) => each.DeletionPolicy)).toEqual(['Retain']);
  });

  it('refuses a retention that is not a whole number of days', () => {
    // Prepare
    const stack = new Stack(testApp(), 'Retention');

    // Act and assess
    expect(() => new LakeStorage(stack, 'Storage', { processedRetention: Duration.hours(36) })).toThrow(
      /processedRetention must be a whole number of days, at least 1 \(got 1 day 12 hours\); use Duration.days\(n\)/,
    );
  });

  it('takes its retentions from props', () => {
    // Prepare
    const stack = new Stack(testApp(), 'Retention');

    // Act
    const storage = new LakeStorage(stack, 'Storage', { processedRetention: Duration.days(3) });

    // Assess
    const id = stack.getLogicalId(storage.landing.node.defaultChild as never);
    expect(
      Template.fromStack(stack).toJSON().Resources[id].Properties.LifecycleConfiguration.Rules,
    ).toContainEqual({
      Id: 'expire-processed',
      Status: 'Enabled',
      Prefix: 'processed/',
      ExpirationInDays: 3,
    });
  });
});
