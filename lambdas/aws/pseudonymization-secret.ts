/** The pseudonymization key on AWS: the value of a Secrets Manager secret the stack creates. */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PseudonymizationSecretError } from './errors.ts';

/** Where the key is: the client, and the secret's ARN (or name). */
export interface PseudonymizationSecretProps {
  readonly client: SecretsManagerClient;
  readonly secretId: string;
}

/**
 * Reads the key once per process, on the first ingest that needs it (so a cold start that only
 * moves a landed file costs no call), and keeps it for the life of the process: an ingest never
 * mixes two keys. After a rotation, new Lambda environments read the new value (docs/deploy.md).
 */
export class PseudonymizationSecret {
  readonly #props: PseudonymizationSecretProps;
  #key: Promise<string> | undefined;

  public constructor(props: PseudonymizationSecretProps) {
    this.#props = props;
  }

  /** The key as text. @throws PseudonymizationSecretError when the secret cannot be read or has no text */
  public key(): Promise<string> {
    this.#key ??= this.#read().catch((error: unknown) => {
      // A failed read is not remembered: the next ingest tries again.
      this.#key = undefined;
      throw error;
    });
    return this.#key;
  }

  async #read(): Promise<string> {
    const { client, secretId } = this.#props;
    let value: string | undefined;
    try {
      value = (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
    } catch (error) {
      throw new PseudonymizationSecretError(
        `cannot read the pseudonymization secret ${secretId}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (value === undefined || value.trim() === '') {
      throw new PseudonymizationSecretError(`the pseudonymization secret ${secretId} has no text value`);
    }
    return value.trim();
  }
}
