import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { integrationsTable, usageTable } from '../../lib/table-definitions';
import type { Dependencies } from '../domain/use-cases/dependencies';
import { providerRegistry } from '../providers/registry';
import { log, tracer } from '../shared/observability';
import { queueUrls, requireEnv } from '../shared/env';
import { createDocumentClient } from './dynamodb/document-client';
import { DynamoIntegrationRepository } from './dynamodb/integration-repository';
import { DynamoUsageRepository } from './dynamodb/usage-repository';
import { providerContextFactory } from './provider-context';
import { SqsSyncQueue } from './queue/sqs-sync-queue';
import { KmsSecretStore } from './secrets/kms-secret-store';

export const systemClock = { now: () => new Date() };
export const randomIds = { newId: (prefix: string) => `${prefix}_${randomUUID().replace(/-/g, '')}` };

/**
 * The composition root of the Lambda functions: real AWS adapters, built once per process from the
 * environment the stack sets. Local runs and tests replace parts of it (secret store, queue).
 */
export function awsDependencies(env: NodeJS.ProcessEnv = process.env): Dependencies {
  const dynamo = tracer.captureAWSv3Client(new DynamoDBClient({}));
  const documentClient = createDocumentClient(dynamo);
  return {
    integrations: new DynamoIntegrationRepository(documentClient, requireEnv(integrationsTable.envVar, env)),
    usage: new DynamoUsageRepository(documentClient, requireEnv(usageTable.envVar, env)),
    secrets: new KmsSecretStore(
      tracer.captureAWSv3Client(new KMSClient({})),
      tracer.captureAWSv3Client(new SecretsManagerClient({})),
      env.KMS_KEY_ID ?? '',
      env.SECRET_NAME_PREFIX ?? 'ai-usage',
    ),
    queue: new SqsSyncQueue(tracer.captureAWSv3Client(new SQSClient({})), queueUrls(env)),
    registry: providerRegistry,
    clock: systemClock,
    ids: randomIds,
    providerContext: providerContextFactory(env),
    log,
  };
}

/** Defers building until first use, so importing a handler module has no side effects. */
export function lazy<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}
