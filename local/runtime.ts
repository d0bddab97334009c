import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { idempotencyTable } from '../functions/adapters/dynamodb/table-definitions';
import {
  attributionStore,
  importRepository,
  ingestTokenRepository,
  integrationRepository,
  requestPacer,
  rosterRepository,
  telemetrySeriesRepository,
  usageRepository,
  requestCounter,
} from '../functions/adapters/dynamodb';
import { providerContextFactory } from '../functions/adapters/provider-context';
import { randomIds, systemClock } from '../functions/adapters/system';
import type {
  AttributionStore,
  Clock,
  IdGenerator,
  ImportFiles,
  ImportRepository,
  IngestTokenRepository,
  IntegrationRepository,
  Log,
  RosterRepository,
  TelemetrySeriesRepository,
  UsageRepository,
} from '../functions/domain/ports';
import { seatReportingProviders, type ProviderCatalog } from '../functions/domain/provider';
import { createConnectHandler } from '../functions/handlers/connect';
import { createAttributionHandler } from '../functions/handlers/attribution';
import { createDashboardHandler } from '../functions/handlers/dashboard';
import { createFetcherHandler } from '../functions/handlers/fetcher';
import { handler as healthHandler } from '../functions/handlers/health';
import { handler as openapiHandler } from '../functions/handlers/openapi';
import { createImportWorkerHandler } from '../functions/handlers/import-worker';
import { createImportsHandler } from '../functions/handlers/imports';
import { createIntegrationsHandler } from '../functions/handlers/integrations';
import { createIngestTokensHandler } from '../functions/handlers/ingest-tokens';
import { createOtlpHandler } from '../functions/handlers/otlp';
import { createOtlpAuthorizer } from '../functions/handlers/otlp-authorizer';
import { createMembersHandler } from '../functions/handlers/members';
import { createSchedulerHandler, type ScheduleEvent } from '../functions/handlers/scheduler';
import { createSyncHandler } from '../functions/handlers/sync';
import { createTelemetryRebuildHandler } from '../functions/handlers/telemetry-rebuild';
import { telemetryThrottle } from '../functions/adapters/telemetry-throttle';
import type { TeamThrottle } from '../functions/domain/request-throttle';
import { TELEMETRY_REBUILD_DELAY_SECONDS } from '../functions/domain/use-cases/rebuild-telemetry-day';
import { FETCHER_BATCH_SIZE, SYNC_JOB_DELIVERY } from '../functions/domain/provider-manifest';
import { createProviderCatalog } from '../functions/providers/catalog';
import { providerManifests } from '../functions/providers/manifests';
import type { ProviderContext } from '../functions/providers/types';
import { log } from '../functions/shared/observability';
import type { HttpFunctionName } from '../functions/routes';
import type { LambdaHttpHandler, LocalAuthorizer } from './api-server';
import { recordingThrows, registeringSentKeys } from './exposure-capture';
import {
  ATTRIBUTION_QUEUE,
  IMPORTS_QUEUE,
  InProcessQueue,
  TELEMETRY_REBUILD_QUEUE,
  type QueueOptions,
} from './in-process-queue';
import type { LocalS3 } from './s3-local';
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
  /** Shrinks every provider request budget's window by this factor (tests); default 1. */
  paceWindowScale?: number;
  /** The S3-compatible server import files are uploaded to; its uploads raise import runs. */
  s3: LocalS3;
  /** How long a telemetry day waits for its rebuild; default the stack's TELEMETRY_REBUILD_DELAY_SECONDS. */
  telemetryRebuildDelayMs?: number;
}

/** Every port, real: the local run wires each handler with this one set (in AWS each gets only its own). */
export interface LocalPorts {
  providers: ProviderCatalog;
  manifests: ProviderCatalog;
  /** The providers that report licences, from the providers themselves. */
  seatProviders: readonly string[];
  integrations: IntegrationRepository;
  usage: UsageRepository;
  roster: RosterRepository;
  attribution: AttributionStore;
  imports: ImportRepository;
  ingestTokens: IngestTokenRepository;
  series: TelemetrySeriesRepository;
  /** The same in-process queue, as the telemetry rebuild queue. */
  rebuilds: InProcessQueue;
  /** The per-team limit of the OTLP route (its counts in DynamoDB Local, as in the stack). */
  throttle: TeamThrottle;
  files: ImportFiles;
  secrets: LocalSecretStore;
  queue: InProcessQueue;
  /** The same in-process queue, as the attribution queue. */
  reattribution: InProcessQueue;
  clock: Clock;
  ids: IdGenerator;
  log: Log;
}

export interface LocalRuntime {
  ports: LocalPorts;
  queue: InProcessQueue;
  http: Record<HttpFunctionName, LambdaHttpHandler>;
  /** The ingest token authorizer the gateway runs before ingest-token routes. */
  ingestTokenAuthorizer: LocalAuthorizer;
  /** Fires the daily schedule of one provider (or all) through the scheduler handler. */
  schedule(
    provider?: string,
  ): Promise<{ provider: string; integrations: number; jobs: number; repairs: number }[]>;
  /** Moves one provider's (or every provider's) dead-lettered sync jobs back to its queue, as an SQS redrive. */
  redrive(provider?: string): { provider: string; moved: number }[];
  close(): void;
}

export function createLocalRuntime(options: LocalRuntimeOptions): LocalRuntime {
  const env = { ...process.env, ...options.tableNames, ...options.providerEnv };
  const clock = options.clock ?? systemClock;
  // Handlers built below receive a getter: `ports` is defined once the queue that needs them exists.
  const getPorts = (): LocalPorts => ports;
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: options.tableNames[idempotencyTable.envVar] as string,
    awsSdkV3Client: new DynamoDBClient({}),
  });
  const attribution = createAttributionHandler(getPorts);
  const importWorker = createImportWorkerHandler(getPorts);
  const telemetryRebuild = createTelemetryRebuildHandler(getPorts);
  const consumers = Object.fromEntries([
    [
      TELEMETRY_REBUILD_QUEUE,
      (event: SQSEvent) => telemetryRebuild(event, lambdaContext('telemetry-rebuild', 120_000)),
    ],
    [ATTRIBUTION_QUEUE, (event: SQSEvent) => attribution(event, lambdaContext('attribution', 300_000))],
    [IMPORTS_QUEUE, (event: SQSEvent) => importWorker(event, lambdaContext('import-worker', 900_000))],
    ...providerManifests.map((manifest) => {
      // As in the stack, the fetcher knows its queue's receive count (`queue` exists by the first delivery).
      const fetcher = createFetcherHandler(getPorts, () => ({
        providerId: manifest.id,
        persistenceStore,
        maxReceiveCount: queue.maxReceiveCount,
      }));
      const timeoutMs = manifest.limits.fetcherTimeoutSeconds * 1000;
      return [
        manifest.id,
        (event: SQSEvent) => fetcher(event, lambdaContext(`${manifest.id}-fetcher`, timeoutMs)),
      ];
    }),
  ]);
  // Same delivery shape as the stack: FETCHER_BATCH_SIZE jobs per invocation, at most maxConcurrency at once.
  const queue = new InProcessQueue(recordingThrows(consumers, 'queue consumer'), {
    batchSize: FETCHER_BATCH_SIZE,
    maxReceiveCount: SYNC_JOB_DELIVERY.maxReceiveCount,
    concurrency: (provider) => providerManifests.find((m) => m.id === provider)?.limits.maxConcurrency ?? 1,
    // One at a time (as one day's message group is in the stack), after the stack's delay.
    delayMs: (name) =>
      name === TELEMETRY_REBUILD_QUEUE
        ? (options.telemetryRebuildDelayMs ?? TELEMETRY_REBUILD_DELAY_SECONDS * 1000)
        : 0,
    ...options.queue,
  });
  const pacer = requestPacer(env, options.paceWindowScale);
  const providers = createProviderCatalog(
    providerContextFactory(env, {
      now: () => clock.now(),
      pacer,
      ...options.providerContext,
      ...registeringSentKeys(options.providerContext?.fetch),
    }),
  );
  const ports: LocalPorts = {
    providers,
    manifests: providers,
    seatProviders: seatReportingProviders(providers),
    integrations: integrationRepository(env),
    usage: usageRepository(env),
    roster: rosterRepository(env),
    attribution: attributionStore(env),
    imports: importRepository(env),
    ingestTokens: ingestTokenRepository(env),
    series: telemetrySeriesRepository(env),
    rebuilds: queue,
    throttle: telemetryThrottle(requestCounter(env), env),
    files: options.s3.importFiles,
    secrets: new LocalSecretStore(
      join(options.dataDir, 'secret-store.key'),
      join(options.dataDir, 'secrets.json'),
    ),
    queue,
    reattribution: queue,
    clock,
    ids: randomIds,
    log,
  };
  // As S3 notifies the imports queue of each upload in AWS.
  options.s3.onObjectCreated((event) => queue.publish(IMPORTS_QUEUE, [event]));
  const schedulers = Object.fromEntries(
    providerManifests.map((manifest) => [manifest.id, createSchedulerHandler(getPorts, () => manifest.id)]),
  );

  return {
    ports,
    queue,
    http: {
      health: healthHandler as LambdaHttpHandler,
      openapi: openapiHandler as LambdaHttpHandler,
      connect: createConnectHandler(getPorts) as LambdaHttpHandler,
      sync: createSyncHandler(getPorts) as LambdaHttpHandler,
      integrations: createIntegrationsHandler(getPorts) as LambdaHttpHandler,
      members: createMembersHandler(getPorts) as LambdaHttpHandler,
      imports: createImportsHandler(getPorts) as LambdaHttpHandler,
      dashboard: createDashboardHandler(getPorts) as LambdaHttpHandler,
      ingestTokens: createIngestTokensHandler(getPorts) as LambdaHttpHandler,
      otlp: createOtlpHandler(getPorts) as LambdaHttpHandler,
    },
    ingestTokenAuthorizer: createOtlpAuthorizer(getPorts) as LocalAuthorizer,
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
    redrive(provider) {
      const ids = provider ? [provider] : providerManifests.map((manifest) => manifest.id);
      for (const id of ids) if (!schedulers[id]) throw new Error(`unknown provider ${id}`);
      return ids.map((id) => ({ provider: id, moved: queue.redrive(id) }));
    },
    close: () => queue.close(),
  };
}
