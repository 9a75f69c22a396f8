/**
 * cdk-nag acknowledgements (v3: `Validations.of(x).acknowledge`), each with the reason the
 * finding is accepted. v3 matches finding ids exactly, so wildcard findings are named one by one.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Acknowledges each rule or finding id on `scope` (and everything below it) with its reason. */
export function acknowledge(scope: IConstruct, findings: Readonly<Record<string, string>>): void {
  for (const [id, reason] of Object.entries(findings)) Validations.of(scope).acknowledge({ id, reason });
}

/** The AwsSolutions-IAM5 finding of a wildcard action, such as `s3:GetObject*`. */
export function wildcardAction(action: string): string {
  return `AwsSolutions-IAM5[Action::${action}]`;
}

/** A resolved CloudFormation value flattened the way cdk-nag names it: `<Bucket.Arn>/*`, `<AWS::Region>`. */
function flatten(value: unknown): string {
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const node = value as Record<string, unknown>;
  if (Array.isArray(node['Fn::Join'])) {
    const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
    return items.map(flatten).join(delimiter);
  }
  if (node['Fn::Sub'] !== undefined) return flatten(node['Fn::Sub']);
  if (Array.isArray(node['Fn::GetAtt'])) {
    const [resource, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
    return `<${flatten(resource)}.${flatten(attribute)}>`;
  }
  if (node.Ref !== undefined) return `<${flatten(node.Ref)}>`;
  return JSON.stringify(value);
}

/**
 * The AwsSolutions-IAM5 finding of a wildcard resource given as a (token) ARN, such as
 * `bucket.arnForObjects('published/*')`, named as cdk-nag names it in `scope`'s stack.
 */
export function wildcardResource(scope: IConstruct, arn: string): string {
  return `AwsSolutions-IAM5[Resource::${flatten(Stack.of(scope).resolve(arn))}]`;
}

/** The wildcard actions CDK's bucket grants (read, write, delete) produce, with why they are fine. */
export const S3_GRANT_ACTIONS: Readonly<Record<string, string>> = {
  [wildcardAction('s3:GetObject*')]:
    'CDK grantRead: GetObject, GetObjectVersion and their ACL/tagging reads of this bucket only.',
  [wildcardAction('s3:GetBucket*')]:
    'CDK grantRead: bucket location and configuration reads of this bucket only.',
  [wildcardAction('s3:List*')]:
    'CDK grantRead: listing this bucket only (paginated listing and multipart parts).',
  [wildcardAction('s3:DeleteObject*')]:
    'CDK grantWrite/grantDelete: deleting objects (and versions) of this bucket only.',
  [wildcardAction('s3:Abort*')]: "CDK grantWrite: aborting this bucket's failed multipart uploads.",
};

/** The wildcard actions a CDK grant on a KMS-encrypted resource produces. */
export const KMS_GRANT_ACTIONS: Readonly<Record<string, string>> = {
  [wildcardAction('kms:GenerateDataKey*')]:
    'CDK key grant: data keys for encrypting with this one customer key only.',
  [wildcardAction('kms:ReEncrypt*')]: 'CDK key grant: re-encryption under this one customer key only.',
};

/**
 * Acknowledges on `grantee` the findings of CDK bucket grants: their wildcard actions (on the
 * bucket and its key only) and each granted object pattern, given as `arn -> reason`.
 */
export function acknowledgeBucketGrants(
  grantee: IConstruct,
  objectArns: Readonly<Record<string, string>>,
): void {
  acknowledge(grantee, { ...S3_GRANT_ACTIONS, ...KMS_GRANT_ACTIONS });
  acknowledge(
    grantee,
    Object.fromEntries(
      Object.entries(objectArns).map(([arn, reason]) => [wildcardResource(grantee, arn), reason]),
    ),
  );
}
