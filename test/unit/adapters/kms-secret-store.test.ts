import { mockClient } from 'aws-sdk-client-mock';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  PutSecretValueCommand,
  ResourceExistsException,
  RestoreSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  KmsSecretStore,
  NAME_RELEASE_WAITS_MS,
  RECONNECT_RETRY_AFTER_SECONDS,
} from '../../../functions/adapters/secrets/kms-secret-store';
import { TemporarilyUnavailableError } from '../../../functions/domain/errors';
import { TEST_KEYS } from '../../helpers/provider-keys';

const KEY = TEST_KEYS.anthropicSealedByKms;
const scope = { teamId: 'team-1', integrationId: 'int_abc', provider: 'claude_code' };
const context = { team_id: 'team-1', integration_id: 'int_abc', provider: 'claude_code' };
const ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:ai-usage/team-1/int_abc-AbCdEf';

describe('KMS + Secrets Manager secret store', () => {
  const kms = mockClient(KMSClient);
  const secrets = mockClient(SecretsManagerClient);
  beforeEach(() => {
    kms.reset();
    secrets.reset();
    kms.on(EncryptCommand).resolves({ CiphertextBlob: Buffer.from('ciphertext-bytes') });
    kms.on(DecryptCommand).resolves({ Plaintext: Buffer.from(KEY) });
  });

  const store = () =>
    new KmsSecretStore(new KMSClient({}), new SecretsManagerClient({}), 'key-arn', 'ai-usage');

  it('encrypts with the scope as encryption context and stores only ciphertext, under the CMK', async () => {
    secrets.on(CreateSecretCommand).resolves({ ARN });
    const ref = await store().save(scope, KEY);
    expect(ref.startsWith(`${ARN}#`)).toBe(true);
    const encrypt = kms.commandCalls(EncryptCommand)[0]?.args[0].input;
    expect(encrypt).toMatchObject({ KeyId: 'key-arn', EncryptionContext: context });
    const create = secrets.commandCalls(CreateSecretCommand)[0]?.args[0].input;
    expect(create).toMatchObject({ Name: 'ai-usage/team-1/int_abc', KmsKeyId: 'key-arn' });
    expect(JSON.stringify(create)).not.toContain(KEY);
    expect(JSON.parse(create?.SecretString ?? '{}')).toMatchObject({
      v: 1,
      ciphertext: Buffer.from('ciphertext-bytes').toString('base64'),
    });
  });

  it('replaces the value when the secret already exists (reconnect)', async () => {
    secrets
      .on(CreateSecretCommand)
      .rejects(new ResourceExistsException({ message: 'exists', $metadata: {} }));
    secrets.on(PutSecretValueCommand).resolves({ ARN });
    await store().save(scope, KEY);
    expect(secrets.commandCalls(PutSecretValueCommand)).toHaveLength(1);
  });

  it('decrypts with the same encryption context, and caches the secret read', async () => {
    secrets.on(CreateSecretCommand).resolves({ ARN });
    const s = store();
    const ref = await s.save(scope, KEY);
    const body = JSON.parse(
      secrets.commandCalls(CreateSecretCommand)[0]?.args[0].input.SecretString ?? '{}',
    ) as object;
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(body) });
    expect(await s.read(ref, scope)).toBe(KEY);
    expect(await s.read(ref, scope)).toBe(KEY);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(kms.commandCalls(DecryptCommand)[0]?.args[0].input.EncryptionContext).toEqual(context);
  });

  it('re-reads a rotated key instead of serving the cached old one', async () => {
    secrets.on(CreateSecretCommand).resolves({ ARN });
    const s = store();
    const oldRef = await s.save(scope, KEY);
    const oldBody = secrets.commandCalls(CreateSecretCommand)[0]?.args[0].input.SecretString as string;
    secrets.on(GetSecretValueCommand).resolves({ SecretString: oldBody });
    await s.read(oldRef, scope);
    secrets.on(CreateSecretCommand).resolves({ ARN });
    const newRef = await s.save(scope, KEY);
    const newBody = secrets.commandCalls(CreateSecretCommand)[1]?.args[0].input.SecretString as string;
    secrets.on(GetSecretValueCommand).resolves({ SecretString: newBody });
    await s.read(newRef, scope);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  describe('a reconnect seconds after a disconnect (the old secret was force-deleted)', () => {
    const beingDeleted = () =>
      new InvalidRequestException({
        message:
          "You can't create this secret because a secret with this name is already scheduled for deletion.",
        $metadata: {},
      });
    const cannotRestore = () =>
      new InvalidRequestException({
        message: "You can't perform this operation on the secret because it was deleted.",
        $metadata: {},
      });

    it('waits for the name to be free and creates the secret', async () => {
      const sleeps: number[] = [];
      secrets
        .on(CreateSecretCommand)
        .rejectsOnce(beingDeleted())
        .rejectsOnce(beingDeleted())
        .resolves({ ARN });
      secrets.on(RestoreSecretCommand).rejects(cannotRestore());
      const s = new KmsSecretStore(
        new KMSClient({}),
        new SecretsManagerClient({}),
        'key-arn',
        'ai-usage',
        async (ms) => void sleeps.push(ms),
      );
      const ref = await s.save(scope, KEY);
      expect(ref.startsWith(`${ARN}#`)).toBe(true);
      expect(sleeps).toEqual(NAME_RELEASE_WAITS_MS.slice(0, 2));
      expect(secrets.commandCalls(CreateSecretCommand)).toHaveLength(3);
      expect(secrets.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    });

    it('gives up with a 503-kind error that says to try again, after about 11 s of waiting', async () => {
      const sleeps: number[] = [];
      secrets.on(CreateSecretCommand).rejects(beingDeleted());
      secrets.on(RestoreSecretCommand).rejects(cannotRestore());
      const s = new KmsSecretStore(
        new KMSClient({}),
        new SecretsManagerClient({}),
        'key-arn',
        'ai-usage',
        async (ms) => void sleeps.push(ms),
      );
      const failure = s.save(scope, KEY);
      await expect(failure).rejects.toBeInstanceOf(TemporarilyUnavailableError);
      await expect(failure).rejects.toMatchObject({
        retryAfterSeconds: RECONNECT_RETRY_AFTER_SECONDS,
        message: expect.stringMatching(/still being deleted.*Connect again in a few seconds/),
      });
      expect(sleeps).toEqual(NAME_RELEASE_WAITS_MS);
      expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThan(15_000);
    });

    it('restores a secret that was only scheduled for deletion, and replaces its value', async () => {
      secrets.on(CreateSecretCommand).rejects(beingDeleted());
      secrets.on(RestoreSecretCommand).resolves({ ARN });
      secrets.on(PutSecretValueCommand).resolves({ ARN });
      const ref = await store().save(scope, KEY);
      expect(ref.startsWith(`${ARN}#`)).toBe(true);
      expect(secrets.commandCalls(PutSecretValueCommand)).toHaveLength(1);
    });

    it('passes any other refusal through at once', async () => {
      secrets
        .on(CreateSecretCommand)
        .rejects(new InvalidRequestException({ message: 'KMS key is disabled', $metadata: {} }));
      await expect(store().save(scope, KEY)).rejects.toThrow('KMS key is disabled');
      expect(secrets.commandCalls(RestoreSecretCommand)).toHaveLength(0);
    });
  });

  it('deletes without a recovery window', async () => {
    secrets.on(DeleteSecretCommand).resolves({});
    await store().remove(`${ARN}#v1`);
    expect(secrets.commandCalls(DeleteSecretCommand)[0]?.args[0].input).toEqual({
      SecretId: ARN,
      ForceDeleteWithoutRecovery: true,
    });
  });
});
