import { KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Dependencies } from '../domain/use-cases/dependencies';
import type { SecretStore } from '../domain/ports';
import { tracer } from '../shared/observability';
import { coreDependencies } from './core-dependencies';
import { sqsSyncQueue } from './queue-dependencies';
import { KmsSecretStore } from './secrets/kms-secret-store';

export { lazy, notWired, randomIds, systemClock } from './core-dependencies';

export function kmsSecretStore(env: NodeJS.ProcessEnv = process.env): SecretStore {
  return new KmsSecretStore(
    tracer.captureAWSv3Client(new KMSClient({})),
    tracer.captureAWSv3Client(new SecretsManagerClient({})),
    env.KMS_KEY_ID ?? '',
    env.SECRET_NAME_PREFIX ?? 'ai-usage',
  );
}

/**
 * The composition root of functions that need every port (connect, integrations, fetchers): real
 * AWS adapters built once per process from the environment the stack sets. Local runs and tests
 * replace parts of it (secret store, queue).
 */
export function awsDependencies(env: NodeJS.ProcessEnv = process.env): Dependencies {
  return { ...coreDependencies(env), secrets: kmsSecretStore(env), queue: sqsSyncQueue(env) };
}
