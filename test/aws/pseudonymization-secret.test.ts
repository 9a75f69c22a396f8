import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { PseudonymizationSecretError } from '../../lambdas/aws/errors.ts';
import { PseudonymizationSecret } from '../../lambdas/aws/pseudonymization-secret.ts';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:growthlake-pseudonymization-AbCdEf';

function mockedSecrets() {
  const client = new SecretsManagerClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return { client, secrets: mockClient(client) };
}

describe('PseudonymizationSecret', () => {
  it('reads the secret once and keeps the key for the life of the process', async () => {
    // Prepare
    const { client, secrets } = mockedSecrets();
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'k'.repeat(64) });
    const secret = new PseudonymizationSecret({ client, secretId: SECRET_ARN });

    // Act
    const keys = [await secret.key(), await secret.key()];

    // Assess
    expect(keys).toEqual(['k'.repeat(64), 'k'.repeat(64)]);
    expect(secrets.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input)).toEqual([
      { SecretId: SECRET_ARN },
    ]);
  });

  it('names the secret when it cannot be read, and tries again on the next call', async () => {
    // Prepare
    const { client, secrets } = mockedSecrets();
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(new ResourceNotFoundException({ $metadata: {}, message: 'not found' }))
      .resolves({ SecretString: 'k'.repeat(64) });
    const secret = new PseudonymizationSecret({ client, secretId: SECRET_ARN });

    // Act and assess
    await expect(secret.key()).rejects.toThrow(
      new PseudonymizationSecretError(`cannot read the pseudonymization secret ${SECRET_ARN}: not found`),
    );
    await expect(secret.key()).resolves.toBe('k'.repeat(64));
  });

  it('refuses a secret without a text value', async () => {
    // Prepare
    const { client, secrets } = mockedSecrets();
    secrets.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2]) });

    // Act and assess
    await expect(new PseudonymizationSecret({ client, secretId: SECRET_ARN }).key()).rejects.toThrow(
      /has no text value/,
    );
  });
});
