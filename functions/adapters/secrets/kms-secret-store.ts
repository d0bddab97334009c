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
import { TemporarilyUnavailableError } from '../../domain/errors';
import type { SecretScope, SecretStore } from '../../domain/ports';
import { formatSecretRef, parseSecretRef } from './secret-ref';

interface StoredSecret {
  v: 1;
  key_version: string;
  /** base64 KMS ciphertext of the provider key, bound to the scope by the encryption context. */
  ciphertext: string;
}

export const SECRET_CACHE_SECONDS = 300;

/**
 * Waits between attempts to create a secret whose name a force-deleted secret still holds (a reconnect
 * seconds after a disconnect): about 11.5 s in all, well inside connect's 29 s.
 */
export const NAME_RELEASE_WAITS_MS = [500, 1_000, 2_000, 4_000, 4_000];
export const RECONNECT_RETRY_AFTER_SECONDS = 10;

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
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((done) => setTimeout(done, ms)),
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
    const replace = async () => {
      const updated = await this.secretsManager.send(
        new PutSecretValueCommand({ SecretId: name, SecretString: secretString }),
      );
      return formatSecretRef(updated.ARN as string, keyVersion);
    };
    for (let attempt = 0; ; attempt++) {
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
        // Reconnecting the same account: the secret is there; replace its value.
        if (error instanceof ResourceExistsException) return replace();
        if (!(error instanceof InvalidRequestException && /delet/i.test(error.message))) throw error;
      }
      // The name still belongs to a deleted secret. One scheduled for deletion comes back; one force-deleted at
      // disconnect cannot, and its name is free again once Secrets Manager has finished deleting it.
      if (await this.restore(name)) return replace();
      const wait = NAME_RELEASE_WAITS_MS[attempt];
      if (wait === undefined) {
        throw new TemporarilyUnavailableError(
          'The previous key of this integration is still being deleted by AWS Secrets Manager. Connect again in a few seconds.',
          RECONNECT_RETRY_AFTER_SECONDS,
        );
      }
      await this.sleep(wait);
    }
  }

  /** Brings back a secret scheduled for deletion; false when it cannot be (force-deleted, or gone). */
  private async restore(name: string): Promise<boolean> {
    try {
      await this.secretsManager.send(new RestoreSecretCommand({ SecretId: name }));
      return true;
    } catch (error) {
      if (error instanceof InvalidRequestException || error instanceof ResourceNotFoundException)
        return false;
      throw error;
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
