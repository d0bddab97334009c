import { KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ENV } from '../../environment';
import { tracer } from '../../shared/observability';
import { KmsSecretStore } from './kms-secret-store';

/**
 * Provider keys in KMS + Secrets Manager. The key id and name prefix are set only on the functions that
 * store (connect) or read (fetchers) keys; a function that only deletes one (integrations) names it by ARN.
 */
export function kmsSecretStore(env: NodeJS.ProcessEnv = process.env): KmsSecretStore {
  return new KmsSecretStore(
    tracer.captureAWSv3Client(new KMSClient({})),
    tracer.captureAWSv3Client(new SecretsManagerClient({})),
    env[ENV.secretsKeyId] ?? '',
    env[ENV.secretNamePrefix] ?? '',
  );
}
