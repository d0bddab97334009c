import { randomUUID } from 'node:crypto';
import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  InvalidRequestException,
  PutSecretValueCommand,
  ResourceExistsException,
  RestoreSecretCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretScope, SecretStore } from '../../domain/ports';
import { formatSecretRef, parseSecretRef } from './secret-ref';

interface StoredSecret {
  v: 1;
  key_version: string;
  /** base64 KMS ciphertext of the provider key, bound to the scope by the encryption context. */
  ciphertext: string;
}

export const SECRET_CACHE_SECONDS = 300;

function encryptionContext(scope: SecretScope): Record<string, string> {
  return { team_id: scope.teamId, integration_id: scope.integrationId, provider: scope.provider };
}

/**
 * Provider keys are encrypted with the customer-managed KMS key under an encryption context of
 * team, integration and provider, and the ciphertext is kept in a Secrets Manager secret that is
 * itself encrypted with the same key. Decrypting needs the right context, so a key copied to
 * another team's integration cannot be read there. Reads are cached by Powertools (max age).
 */
export class KmsSecretStore implements SecretStore {
  private readonly secrets: SecretsProvider;

  constructor(
    private readonly kms: KMSClient,
    private readonly secretsManager: SecretsManagerClient,
    private readonly kmsKeyId: string,
    private readonly namePrefix: string,
  ) {
    this.secrets = new SecretsProvider({ awsSdkV3Client: secretsManager });
  }

  /** The key id and prefix are needed to store and read keys; a store that only deletes runs without them. */
  private configured(): void {
    if (!this.kmsKeyId || !this.namePrefix) {
      throw new Error('the secret store has no KMS key id or secret name prefix in this function');
    }
  }

  async save(scope: SecretScope, secret: string): Promise<string> {
    this.configured();
    const encrypted = await this.kms.send(
      new EncryptCommand({
        KeyId: this.kmsKeyId,
        Plaintext: Buffer.from(secret, 'utf8'),
        EncryptionContext: encryptionContext(scope),
      }),
    );
    const keyVersion = randomUUID();
    const body: StoredSecret = {
      v: 1,
      key_version: keyVersion,
      ciphertext: Buffer.from(encrypted.CiphertextBlob as Uint8Array).toString('base64'),
    };
    const name = `${this.namePrefix}/${scope.teamId}/${scope.integrationId}`;
    const secretString = JSON.stringify(body);
    try {
      const created = await this.secretsManager.send(
        new CreateSecretCommand({
          Name: name,
          KmsKeyId: this.kmsKeyId,
          SecretString: secretString,
          Description: `${scope.provider} key of integration ${scope.integrationId}`,
          Tags: Object.entries(encryptionContext(scope)).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
      return formatSecretRef(created.ARN as string, keyVersion);
    } catch (error) {
      if (error instanceof InvalidRequestException && /deletion/i.test(error.message)) {
        // Reconnecting an integration whose secret is scheduled for deletion: bring it back.
        await this.secretsManager.send(new RestoreSecretCommand({ SecretId: name }));
      } else if (!(error instanceof ResourceExistsException)) {
        throw error;
      }
      const updated = await this.secretsManager.send(
        new PutSecretValueCommand({ SecretId: name, SecretString: secretString }),
      );
      return formatSecretRef(updated.ARN as string, keyVersion);
    }
  }

  async read(ref: string, scope: SecretScope): Promise<string> {
    this.configured();
    const { location, keyVersion } = parseSecretRef(ref);
    let stored = (await this.secrets.get(location, { maxAge: SECRET_CACHE_SECONDS, transform: 'json' })) as
      StoredSecret | undefined;
    if (stored?.key_version !== keyVersion) {
      // The key was rotated since it was cached.
      stored = (await this.secrets.get(location, { forceFetch: true, transform: 'json' })) as
        StoredSecret | undefined;
    }
    if (!stored) throw new Error('secret not found');
    const decrypted = await this.kms.send(
      new DecryptCommand({
        CiphertextBlob: Buffer.from(stored.ciphertext, 'base64'),
        EncryptionContext: encryptionContext(scope),
        KeyId: this.kmsKeyId,
      }),
    );
    return Buffer.from(decrypted.Plaintext as Uint8Array).toString('utf8');
  }

  async remove(ref: string): Promise<void> {
    const { location } = parseSecretRef(ref);
    try {
      await this.secretsManager.send(
        new DeleteSecretCommand({ SecretId: location, ForceDeleteWithoutRecovery: true }),
      );
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }
}
