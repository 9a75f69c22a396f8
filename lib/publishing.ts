/**
 * Publishing: who may write the run's publications to the published bucket, and who may mail the
 * digests through SES, from the configured identity and From address only.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PUBLISHED_ROOT } from '../lambdas/contract/lake-layout.ts';
import { acknowledgeBucketGrants } from './nag.ts';

/** Properties of {@link Publishing}. */
export interface PublishingProps {
  /** Where dashboards, digests and audiences are written, under `published/`. */
  readonly publishedBucket: s3.IBucket;
  /**
   * The verified SES identity the digests are sent from: an email-address identity
   * (`.../identity/growth@example.com`) or a domain identity (`.../identity/example.com`).
   */
  readonly sesIdentityArn: string;
  /** The From address of the digests: the identity itself, or an address of the domain identity. */
  readonly fromAddress: string;
}

const IDENTITY_ARN = /^arn:aws[a-z-]*:ses:[a-z0-9-]+:\d{12}:identity\/([^/]+)$/;

/** Checks the identity and the From address belong together. */
function checkSender(props: PublishingProps): void {
  const identity = IDENTITY_ARN.exec(props.sesIdentityArn)?.[1];
  if (identity === undefined) {
    throw new Error(
      `Publishing sesIdentityArn must be an SES identity ARN such as arn:aws:ses:eu-west-1:123456789012:identity/example.com (got "${props.sesIdentityArn}")`,
    );
  }
  const from = props.fromAddress.toLowerCase();
  const domain = from.slice(from.lastIndexOf('@') + 1);
  const allowed = identity.includes('@')
    ? from === identity.toLowerCase()
    : domain === identity.toLowerCase();
  if (!from.includes('@') || !allowed) {
    throw new Error(
      `Publishing fromAddress ${props.fromAddress} cannot be sent from the SES identity ${identity}: use ${identity.includes('@') ? identity : `an address @${identity}`}, or the identity of the address`,
    );
  }
}

/** The published bucket's writers and the digest sender's SES rights. */
export class Publishing extends Construct {
  public readonly publishedBucket: s3.IBucket;
  public readonly sesIdentityArn: string;
  public readonly fromAddress: string;

  public constructor(scope: Construct, id: string, props: PublishingProps) {
    super(scope, id);
    checkSender(props);
    this.publishedBucket = props.publishedBucket;
    this.sesIdentityArn = props.sesIdentityArn;
    this.fromAddress = props.fromAddress;
  }

  /**
   * Lets `grantee` write, replace, read and list the publications under `published/` (reading is
   * what a presigned link to them is signed with).
   */
  public grantPublish(grantee: iam.IGrantable): void {
    this.publishedBucket.grantReadWrite(grantee, `${PUBLISHED_ROOT}/*`);
    this.publishedBucket.grantDelete(grantee, `${PUBLISHED_ROOT}/*`);
    if (Construct.isConstruct(grantee)) {
      acknowledgeBucketGrants(grantee, {
        [this.publishedBucket.arnForObjects(`${PUBLISHED_ROOT}/*`)]:
          "Every run date's publications, replaced when a run is repeated.",
      });
    }
  }

  /** Lets `grantee` send raw email through the configured identity, with the configured From address only. */
  public grantSendDigests(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['ses:SendRawEmail'],
      resourceArns: [this.sesIdentityArn],
      conditions: { StringEquals: { 'ses:FromAddress': this.fromAddress } },
    });
  }
}
