/**
 * Where operators hear about trouble: a KMS-encrypted SNS topic for alarms and failed runs, and
 * the key that also encrypts the dead-letter queues.
 */

import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from './nag.ts';

/** Properties of {@link Alerts}. */
export interface AlertsProps {
  /**
   * An address subscribed to the topic (SNS mails a confirmation link first).
   * @default - no subscription: subscribe a chat or paging integration yourself
   */
  readonly email?: string;
  /**
   * What happens to the key when the stack is deleted.
   * @default - the key's default, RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The alarm topic and the key of operational messages. */
export class Alerts extends Construct {
  /** Encrypts the alarm topic and the dead-letter queues; CloudWatch and EventBridge may use it to deliver. */
  public readonly key: kms.Key;
  /** Alarms and failed daily runs are published here. */
  public readonly topic: sns.Topic;

  public constructor(scope: Construct, id: string, props: AlertsProps = {}) {
    super(scope, id);
    if (props.email !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.email)) {
      throw new Error(`Alerts email must be an email address (got "${props.email}")`);
    }
    this.key = new kms.Key(this, 'Key', {
      description: 'growthlake: encrypts the alarm topic and the dead-letter queues',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });
    // CloudWatch alarms publish to the topic and EventBridge sends undeliverable events to a
    // dead-letter queue as their services, not as a role, so the key policy must let them.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowServiceDeliveries',
        principals: [
          new iam.ServicePrincipal('cloudwatch.amazonaws.com'),
          new iam.ServicePrincipal('events.amazonaws.com'),
        ],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'growthlake alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
    if (props.email !== undefined)
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
  }

  /** A dead-letter queue encrypted with {@link key}, TLS-only, keeping messages 14 days (the maximum). */
  public deadLetterQueue(scope: Construct, id: string): sqs.Queue {
    const queue = new sqs.Queue(scope, id, {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(queue, {
      'AwsSolutions-SQS3':
        'This queue is itself a dead-letter queue; its messages are inspected and re-driven by hand.',
    });
    return queue;
  }
}
