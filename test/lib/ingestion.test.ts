import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../lambdas/aws/env.ts';
import {
  logicalIdOf,
  renderValue,
  type SynthesizedStack,
  synthStack,
  TEST_IDENTITY_ARN,
} from './stack-fixture.ts';

let synth: SynthesizedStack;
let functionId: string;

beforeAll(() => {
  synth = synthStack({ digest: { sesIdentityArn: TEST_IDENTITY_ARN }, ingest: { ephemeralStorageGiB: 6 } });
  functionId = logicalIdOf(synth.stack, synth.stack.ingestion.function.function);
});

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

function roleStatements(): Statement[] {
  const roleId = logicalIdOf(synth.stack, synth.stack.ingestion.function.role);
  return Object.values(
    synth.template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }),
  ).flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

function resourcesOf(statements: Statement[], action: string): string[] {
  return statements
    .filter((statement) => [statement.Action].flat().includes(action))
    .flatMap((statement) => [statement.Resource].flat().map(renderValue))
    .sort();
}

describe('Ingestion', () => {
  it('sends "Object Created" events of the landing bucket under landing/ to the ingest Lambda', () => {
    // Prepare
    const landingId = logicalIdOf(synth.stack, synth.stack.storage.landing);
    const queueId = logicalIdOf(synth.stack, synth.stack.ingestion.deadLetterQueue);

    // Assess
    synth.template.hasResourceProperties('AWS::Events::Rule', {
      State: 'ENABLED',
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [{ Ref: landingId }] }, object: { key: [{ prefix: 'landing/' }] } },
      },
      Targets: [
        {
          Arn: { 'Fn::GetAtt': [functionId, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86400 },
        },
      ],
    });
    synth.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] },
    });
  });

  it('reserves one concurrent ingest, with a 6 GiB /tmp, nodejs22.x on ARM64, the lake settings and a lake lock lapsing with its timeout', () => {
    // Prepare
    const { storage, queryEngine } = synth.stack;

    // Assess
    expect(synth.template.toJSON().Resources[functionId].Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      ReservedConcurrentExecutions: 1,
      MemorySize: 2048,
      Timeout: 900,
      EphemeralStorage: { Size: 6144 },
      Environment: {
        Variables: {
          [ENV.lakeBucket]: { Ref: logicalIdOf(synth.stack, storage.lake) },
          [ENV.landingBucket]: { Ref: logicalIdOf(synth.stack, storage.landing) },
          [ENV.glueDatabase]: 'growthlake',
          [ENV.athenaWorkGroup]: { Ref: logicalIdOf(synth.stack, queryEngine.pipelineWorkGroup) },
          [ENV.pseudonymizationSecret]: {
            Ref: logicalIdOf(synth.stack, synth.stack.ingestion.pseudonymizationKey),
          },
          [ENV.lakeLockTtlSeconds]: '900',
        },
      },
    });
  });

  it('sends invocations that failed twice, or waited 6 hours, to a KMS-encrypted, TLS-only dead-letter queue', () => {
    // Prepare
    const queueId = logicalIdOf(synth.stack, synth.stack.ingestion.deadLetterQueue);
    const keyId = logicalIdOf(synth.stack, synth.stack.alerts.key);

    // Assess
    expect(synth.template.toJSON().Resources[functionId].Properties.DeadLetterConfig).toEqual({
      TargetArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
    });
    synth.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: functionId },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21600,
    });
    expect(synth.template.toJSON().Resources[queueId].Properties).toEqual({
      KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      MessageRetentionPeriod: 1209600,
    });
    synth.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    expect(resourcesOf(roleStatements(), 'sqs:SendMessage')).toEqual([`\${${queueId}.Arn}`]);
    expect(resourcesOf(roleStatements(), 'kms:GenerateDataKey*')).toContain(`\${${keyId}.Arn}`);
  });

  it('lets the Lambda read and delete under landing/ and write only under processed/ and rejected/', () => {
    // Prepare
    const landing = `\${${logicalIdOf(synth.stack, synth.stack.storage.landing)}.Arn}`;
    const statements = roleStatements();
    const inLanding = (arns: string[]) => arns.filter((arn) => arn.startsWith(landing));

    // Assess
    expect(inLanding(resourcesOf(statements, 's3:GetObject*'))).toEqual([landing, `${landing}/landing/*`]);
    expect(inLanding(resourcesOf(statements, 's3:DeleteObject*'))).toEqual([`${landing}/landing/*`]);
    expect(inLanding(resourcesOf(statements, 's3:PutObject'))).toEqual([
      `${landing}/processed/*`,
      `${landing}/rejected/*`,
    ]);
  });

  it('lets the Lambda query in the pipeline workgroup only, read the catalog, and use the lake', () => {
    // Prepare
    const statements = roleStatements();
    const workGroupId = logicalIdOf(synth.stack, synth.stack.queryEngine.pipelineWorkGroup);
    const lake = `\${${logicalIdOf(synth.stack, synth.stack.storage.lake)}.Arn}`;

    // Assess
    expect(resourcesOf(statements, 'athena:StartQueryExecution')).toEqual([
      `arn:aws:athena:eu-west-1:123456789012:workgroup/\${${workGroupId}}`,
    ]);
    expect(resourcesOf(statements, 'glue:GetTable')).toEqual([
      'arn:aws:glue:eu-west-1:123456789012:catalog',
      'arn:aws:glue:eu-west-1:123456789012:database/growthlake',
      'arn:aws:glue:eu-west-1:123456789012:table/growthlake/*',
    ]);
    expect(resourcesOf(statements, 's3:PutObject')).toContain(`${lake}/*`);
    expect(resourcesOf(statements, 'ses:SendRawEmail')).toEqual([]);
  });

  it('writes its logs to a log group kept for a month, with no managed policy on its role', () => {
    // Prepare
    const logsId = logicalIdOf(synth.stack, synth.stack.ingestion.function.logGroup);

    // Assess
    expect(synth.template.toJSON().Resources[logsId].Properties).toEqual({ RetentionInDays: 30 });
    expect(resourcesOf(roleStatements(), 'logs:PutLogEvents')).toEqual([`\${${logsId}.Arn}`]);
    const roleId = logicalIdOf(synth.stack, synth.stack.ingestion.function.role);
    expect(synth.template.toJSON().Resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('offers uploaders a policy that can only add files under landing/, encrypted with the data key', () => {
    // Prepare
    const landing = `\${${logicalIdOf(synth.stack, synth.stack.storage.landing)}.Arn}`;
    const policyId = logicalIdOf(synth.stack, synth.stack.ingestion.uploaderPolicy);
    const statements = synth.template.toJSON().Resources[policyId].Properties.PolicyDocument
      .Statement as Statement[];

    // Assess
    expect(resourcesOf(statements, 's3:PutObject')).toEqual([`${landing}/landing/*`]);
    expect(resourcesOf(statements, 'kms:GenerateDataKey*')).toEqual([
      `\${${logicalIdOf(synth.stack, synth.stack.storage.key)}.Arn}`,
    ]);
    expect(
      statements
        .flatMap((statement) => [statement.Action].flat())
        .some((action) => /Get|Delete|List/.test(action)),
    ).toBe(false);
    synth.template.hasOutput('UploaderPolicyArn', { Value: { Ref: policyId } });
    synth.template.hasOutput('LandingBucket', {
      Value: { Ref: logicalIdOf(synth.stack, synth.stack.storage.landing) },
    });
  });

  it('generates the pseudonymization key in a retained secret under the lake key, readable by the ingest Lambda only', () => {
    // Prepare
    const secretId = logicalIdOf(synth.stack, synth.stack.ingestion.pseudonymizationKey);
    const keyId = logicalIdOf(synth.stack, synth.stack.storage.key);
    const secret = synth.template.toJSON().Resources[secretId];

    // Assess
    expect(secret).toMatchObject({
      Type: 'AWS::SecretsManager::Secret',
      DeletionPolicy: 'Retain',
      Properties: {
        GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
        KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      },
    });
    expect(resourcesOf(roleStatements(), 'secretsmanager:GetSecretValue')).toEqual([`\${${secretId}}`]);
    const readers = Object.values(synth.template.findResources('AWS::IAM::Policy'))
      .filter((policy) =>
        (policy.Properties.PolicyDocument.Statement as Statement[]).some((statement) =>
          [statement.Action].flat().includes('secretsmanager:GetSecretValue'),
        ),
      )
      .flatMap((policy) => policy.Properties.Roles);
    expect(readers).toEqual([{ Ref: logicalIdOf(synth.stack, synth.stack.ingestion.function.role) }]);
  });
});
