import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { integrationsTable, usageTable } from './dynamodb/table-definitions';
import type { Dependencies } from '../domain/use-cases/dependencies';
import { providerRegistry } from '../providers/registry';
import { log, tracer } from '../shared/observability';
import { requireEnv } from '../shared/env';
import { createDocumentClient } from './dynamodb/document-client';
import { DynamoIntegrationRepository } from './dynamodb/integration-repository';
import { DynamoUsageRepository } from './dynamodb/usage-repository';
import { providerContextFactory } from './provider-context';

export const systemClock = { now: () => new Date() };
export const randomIds = { newId: (prefix: string) => `${prefix}_${randomUUID().replace(/-/g, '')}` };

export type CoreDependencies = Omit<Dependencies, 'secrets' | 'queue'>;

/** What every function needs: the DynamoDB repositories, the registry, a clock, ids, logs. */
export function coreDependencies(env: NodeJS.ProcessEnv = process.env): CoreDependencies {
  const documentClient = createDocumentClient(tracer.captureAWSv3Client(new DynamoDBClient({})));
  return {
    integrations: new DynamoIntegrationRepository(documentClient, requireEnv(integrationsTable.envVar, env)),
    usage: new DynamoUsageRepository(documentClient, requireEnv(usageTable.envVar, env)),
    registry: providerRegistry,
    clock: systemClock,
    ids: randomIds,
    providerContext: providerContextFactory(env),
    log,
  };
}

/**
 * A port this function is not wired with: any use fails loudly. Functions that need no secrets or
 * queue do not even bundle those SDK clients, and cannot reach them by mistake.
 */
export function notWired<T extends object>(port: string): T {
  return new Proxy({} as T, {
    get: (_target, member) => () => {
      throw new Error(`${port}.${String(member)} is not available in this function`);
    },
  });
}

/** Read-only functions (dashboard): no queue, no keys, and neither SDK client in the bundle. */
export function readOnlyDependencies(env: NodeJS.ProcessEnv = process.env): Dependencies {
  return { ...coreDependencies(env), secrets: notWired('secrets'), queue: notWired('queue') };
}

/** Defers building until first use, so importing a handler module has no side effects. */
export function lazy<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}
