import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { idempotencyTable } from '../functions/adapters/dynamodb/table-definitions';
import { coreDependencies } from '../functions/adapters/core-dependencies';
import { providerContextFactory } from '../functions/adapters/provider-context';
import type { Clock } from '../functions/domain/ports';
import type { Dependencies } from '../functions/domain/use-cases/dependencies';
import { createConnectHandler } from '../functions/handlers/connect';
import { createDashboardHandler } from '../functions/handlers/dashboard';
import { createFetcherHandler } from '../functions/handlers/fetcher';
import { handler as healthHandler } from '../functions/handlers/health';
import { createIntegrationsHandler } from '../functions/handlers/integrations';
import { createSchedulerHandler, type ScheduleEvent } from '../functions/handlers/scheduler';
import { createSyncHandler } from '../functions/handlers/sync';
import { providerManifests } from '../functions/providers/manifests';
import { FETCHER_BATCH_SIZE } from '../functions/domain/provider-manifest';
import type { ProviderContext } from '../functions/providers/types';
import type { HttpFunctionName } from '../functions/routes';
import type { LambdaHttpHandler } from './api-server';
import { InProcessQueue, type QueueOptions } from './in-process-queue';
import { lambdaContext } from './lambda-context';
import { LocalSecretStore } from './local-secret-store';

/**
 * The whole pipeline in one process, on real parts: the same Lambda handlers, DynamoDB Local for
 * every table, the local secret store (AES-256-GCM) in place of KMS + Secrets Manager, and an
 * in-process queue in place of SQS that delivers to the same fetcher handler.
 */
export interface LocalRuntimeOptions {
  /** Physical table names by environment variable (INTEGRATIONS_TABLE, ...). */
  tableNames: Record<string, string>;
  /** Folder of the local secret store's key and sealed secrets. */
  dataDir: string;
  /** Provider base URLs by their environment variable (e.g. ANTHROPIC_API_BASE_URL). */
  providerEnv: Record<string, string>;
  queue?: QueueOptions;
  clock?: Clock;
  providerContext?: Partial<ProviderContext>;
}

export interface LocalRuntime {
  deps: Dependencies;
  queue: InProcessQueue;
  http: Record<HttpFunctionName, LambdaHttpHandler>;
  /** Fires the daily schedule of one provider (or all) through the scheduler handler. */
  schedule(provider?: string): Promise<{ provider: string; integrations: number; jobs: number }[]>;
  close(): void;
}

export function createLocalRuntime(options: LocalRuntimeOptions): LocalRuntime {
  const env = { ...process.env, ...options.tableNames, ...options.providerEnv };
  const base = coreDependencies(env);
  // Handlers built below receive a getter: `deps` is defined once the queue that needs them exists.
  const getDeps = (): Dependencies => deps;
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: options.tableNames[idempotencyTable.envVar] as string,
    awsSdkV3Client: new DynamoDBClient({}),
  });
  const consumers = Object.fromEntries(
    providerManifests.map((manifest) => {
      const fetcher = createFetcherHandler(getDeps, () => ({ providerId: manifest.id, persistenceStore }));
      const timeoutMs = manifest.limits.fetcherTimeoutSeconds * 1000;
      return [
        manifest.id,
        (event: SQSEvent) => fetcher(event, lambdaContext(`${manifest.id}-fetcher`, timeoutMs)),
      ];
    }),
  );
  // Same delivery shape as the stack: FETCHER_BATCH_SIZE jobs per invocation, at most maxConcurrency at once.
  const queue = new InProcessQueue(consumers, {
    batchSize: FETCHER_BATCH_SIZE,
    concurrency: (provider) => providerManifests.find((m) => m.id === provider)?.limits.maxConcurrency ?? 1,
    ...options.queue,
  });
  const deps: Dependencies = {
    ...base,
    secrets: new LocalSecretStore(
      join(options.dataDir, 'secret-store.key'),
      join(options.dataDir, 'secrets.json'),
    ),
    queue,
    ...(options.clock ? { clock: options.clock } : {}),
    providerContext: providerContextFactory(env, {
      ...(options.clock ? { now: () => options.clock!.now() } : {}),
      ...options.providerContext,
    }),
  };
  const schedulers = Object.fromEntries(
    providerManifests.map((manifest) => [manifest.id, createSchedulerHandler(getDeps, () => manifest.id)]),
  );

  return {
    get deps() {
      return deps;
    },
    queue,
    http: {
      health: healthHandler as LambdaHttpHandler,
      connect: createConnectHandler(getDeps) as LambdaHttpHandler,
      sync: createSyncHandler(getDeps) as LambdaHttpHandler,
      integrations: createIntegrationsHandler(getDeps) as LambdaHttpHandler,
      dashboard: createDashboardHandler(getDeps) as LambdaHttpHandler,
    },
    async schedule(provider) {
      const ids = provider ? [provider] : providerManifests.map((manifest) => manifest.id);
      const results = [];
      for (const id of ids) {
        const scheduler = schedulers[id];
        if (!scheduler) throw new Error(`unknown provider ${id}`);
        const event: ScheduleEvent = {
          version: '0',
          id: `local-${Date.now()}`,
          'detail-type': 'Scheduled Event',
          source: 'aws.events',
          account: '000000000000',
          time: new Date().toISOString(),
          region: 'local',
          resources: [`arn:aws:events:local:000000000000:rule/${id}-daily`],
          detail: {},
        };
        results.push(await scheduler(event, lambdaContext(`${id}-scheduler`)));
      }
      return results;
    },
    close: () => queue.close(),
  };
}
