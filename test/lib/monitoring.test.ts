import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { METRIC, METRICS_NAMESPACE } from '../../lambdas/aws/metric-names.ts';
import {
  logicalIdOf,
  renderValue,
  type SynthesizedStack,
  synthStack,
  TEST_IDENTITY_ARN,
} from './stack-fixture.ts';

let synth: SynthesizedStack;
let topicId: string;

beforeAll(() => {
  synth = synthStack({
    digest: { sesIdentityArn: TEST_IDENTITY_ARN },
    alarms: { email: 'oncall@example.com', quarantineRatePercent: 2.5 },
    athena: { dailyScanBudgetBytes: 750_000_000_000 },
  });
  topicId = logicalIdOf(synth.stack, synth.stack.alerts.topic);
});

function alarm(construct: IConstruct): Record<string, unknown> {
  return synth.template.toJSON().Resources[logicalIdOf(synth.stack, construct)].Properties;
}

const lakeDimensions = [{ Name: 'service', Value: 'growthlake' }];

describe('Alerts', () => {
  it('publishes to an SNS topic encrypted with a rotated customer key, TLS only, mailed to on-call', () => {
    // Prepare
    const keyId = logicalIdOf(synth.stack, synth.stack.alerts.key);

    // Assess
    synth.template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    synth.template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowServiceDeliveries',
            Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          }),
        ]),
      },
    });
    synth.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    synth.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      TopicArn: { Ref: topicId },
    });
  });
});

describe('Monitoring', () => {
  it('sends every alarm to the topic', () => {
    // Assess
    const alarms = Object.values(synth.template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(7);
    for (const each of alarms) expect(each.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
  });

  it('alarms on a failed or timed-out run (ExecutionsFailed + ExecutionsTimedOut of the state machine)', () => {
    // Prepare
    const machine = { Ref: logicalIdOf(synth.stack, synth.stack.pipeline.stateMachine) };
    const stat = (metricName: string) => ({
      Metric: {
        Namespace: 'AWS/States',
        MetricName: metricName,
        Dimensions: [{ Name: 'StateMachineArn', Value: machine }],
      },
      Period: 300,
      Stat: 'Sum',
    });

    // Assess
    expect(alarm(synth.stack.monitoring.runFailedAlarm)).toMatchObject({
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      Metrics: [
        { Expression: 'FILL(failed, 0) + FILL(timedOut, 0)', ReturnData: true },
        { Id: 'failed', MetricStat: stat('ExecutionsFailed'), ReturnData: false },
        { Id: 'timedOut', MetricStat: stat('ExecutionsTimedOut'), ReturnData: false },
      ],
    });
  });

  it('alarms when no file landed for 24 hours: no ingest invocation in 24 hourly periods, missing data breaching', () => {
    // Assess
    expect(alarm(synth.stack.monitoring.noDataAlarm)).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Invocations',
      Dimensions: [
        {
          Name: 'FunctionName',
          Value: { Ref: logicalIdOf(synth.stack, synth.stack.ingestion.function.function) },
        },
      ],
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 24,
      DatapointsToAlarm: 24,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
    });
  });

  it('alarms when a file quarantines more than the configured share of its rows (EMF QuarantineRatePercent)', () => {
    // Assess
    expect(alarm(synth.stack.monitoring.quarantineRateAlarm)).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: METRIC.quarantineRate,
      Dimensions: lakeDimensions,
      Statistic: 'Maximum',
      Period: 3600,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 2.5,
      TreatMissingData: 'notBreaching',
    });
  });

  it('alarms when a digest was not delivered, or nothing was published, within a day (EMF DigestsUndelivered)', () => {
    // Assess
    expect(alarm(synth.stack.monitoring.digestNotSentAlarm)).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: METRIC.digestsUndelivered,
      Dimensions: lakeDimensions,
      Statistic: 'Maximum',
      Period: 86400,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
    });
  });

  it("alarms when the Lambdas' Athena queries scan more than the daily budget (EMF AthenaBytesScanned)", () => {
    // Assess
    expect(alarm(synth.stack.monitoring.bytesScannedAlarm)).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: METRIC.athenaBytesScanned,
      Dimensions: lakeDimensions,
      Statistic: 'Sum',
      Period: 86400,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 750_000_000_000,
      TreatMissingData: 'notBreaching',
    });
  });

  it('alarms on any message waiting in either dead-letter queue', () => {
    // Prepare
    const queues = {
      Ingest: synth.stack.ingestion.deadLetterQueue,
      Schedule: synth.stack.pipeline.scheduleDeadLetterQueue,
    };

    // Assess
    expect(Object.keys(synth.stack.monitoring.deadLetterAlarms).sort()).toEqual(['Ingest', 'Schedule']);
    for (const [name, queue] of Object.entries(queues)) {
      expect(alarm(synth.stack.monitoring.deadLetterAlarms[name] as IConstruct)).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [
          { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(synth.stack, queue), 'QueueName'] } },
        ],
        Statistic: 'Maximum',
        Threshold: 1,
      });
    }
  });

  it('draws a dashboard of run health, ingest, quarantine, Athena, digests and the headline KPIs', () => {
    // Prepare
    const [dashboard] = Object.values(synth.template.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.parse(
      renderValue(dashboard?.Properties.DashboardBody).replace(/\$\{[^}]+\}/g, 'REF'),
    ) as {
      widgets: { properties: { title?: string; metrics?: unknown[][] } }[];
    };
    const titles = body.widgets
      .map((widget) => widget.properties.title)
      .filter((title) => title !== undefined);
    const metricNames = new Set(
      body.widgets.flatMap((widget) => (widget.properties.metrics ?? []).map((metric) => metric[1])),
    );

    // Assess
    expect(dashboard?.Properties.DashboardName).toBe('growthlake-pipeline');
    expect(titles).toEqual([
      'Alarms',
      'Headline KPIs (latest published run date)',
      'Daily runs',
      'Ingest invocations and errors',
      'Rows ingested',
      'Quarantine rate (%)',
      'Athena bytes scanned per day',
      'Digests',
      'Spend and CAC (USD) by run date',
      'Signups and FTDs by run date',
    ]);
    for (const name of [
      METRIC.spendUsd,
      METRIC.signups,
      METRIC.ftds,
      METRIC.cacUsd,
      METRIC.rowsRead,
      METRIC.rowsQuarantined,
      METRIC.quarantineRate,
      METRIC.athenaBytesScanned,
      METRIC.digestsUndelivered,
      'ExecutionsFailed',
      'Invocations',
    ]) {
      expect(metricNames).toContain(name);
    }
  });
});
