import { mockClient } from 'aws-sdk-client-mock';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { KmsSecretStore } from '../../../functions/adapters/secrets/kms-secret-store';

const KEY = 'sk-ant-admin01-THIS-IS-THE-PLAINTEXT-KEY-abcdefghijklmnop';
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

  it('deletes without a recovery window', async () => {
    secrets.on(DeleteSecretCommand).resolves({});
    await store().remove(`${ARN}#v1`);
    expect(secrets.commandCalls(DeleteSecretCommand)[0]?.args[0].input).toEqual({
      SecretId: ARN,
      ForceDeleteWithoutRecovery: true,
    });
  });
});
