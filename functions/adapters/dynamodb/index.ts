import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '../../shared/env';
import { tracer } from '../../shared/observability';
import { DynamoAttributionStore } from './attribution-store';
import { DynamoImportRepository } from './import-repository';
import { DynamoIngestTokenRepository } from './ingest-token-repository';
import { DynamoIntegrationRepository } from './integration-repository';
import { DynamoRequestCounter } from './request-counter';
import { DynamoRosterRepository } from './roster-repository';
import { DynamoRequestPacer } from './request-pacer';
import { integrationsTable, usageTable } from './table-definitions';
import { DynamoTelemetrySeriesRepository } from './telemetry-series-repository';
import { DynamoUsageRepository } from './usage-repository';

let shared: DynamoDBDocumentClient | undefined;
/** One traced document client per process, shared by every repository. */
function documentClient(): DynamoDBDocumentClient {
  return (shared ??= DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  }));
}

/** The Integrations table named by the stack's environment. */
export function integrationRepository(env: NodeJS.ProcessEnv = process.env): DynamoIntegrationRepository {
  return new DynamoIntegrationRepository(documentClient(), requireEnv(integrationsTable.envVar, env));
}

/** The Usage table named by the stack's environment. */
export function usageRepository(env: NodeJS.ProcessEnv = process.env): DynamoUsageRepository {
  return new DynamoUsageRepository(documentClient(), requireEnv(usageTable.envVar, env));
}

/** Imports of usage, in the Integrations table (the control plane). */
export function importRepository(env: NodeJS.ProcessEnv = process.env): DynamoImportRepository {
  return new DynamoImportRepository(documentClient(), requireEnv(integrationsTable.envVar, env));
}

/** Ingest tokens (records and lookups by hash), in the Integrations table (the control plane). */
export function ingestTokenRepository(env: NodeJS.ProcessEnv = process.env): DynamoIngestTokenRepository {
  return new DynamoIngestTokenRepository(documentClient(), requireEnv(integrationsTable.envVar, env));
}

/** Telemetry series per team, integration and day, in the Usage table beside the rows built from them. */
export function telemetrySeriesRepository(
  env: NodeJS.ProcessEnv = process.env,
): DynamoTelemetrySeriesRepository {
  return new DynamoTelemetrySeriesRepository(documentClient(), requireEnv(usageTable.envVar, env));
}

/** Request counts per team and throttle window, in the Usage table (past windows expire). */
export function requestCounter(env: NodeJS.ProcessEnv = process.env): DynamoRequestCounter {
  return new DynamoRequestCounter(documentClient(), requireEnv(usageTable.envVar, env));
}

/** The team rosters, in the Integrations table (the control plane). */
export function rosterRepository(env: NodeJS.ProcessEnv = process.env): DynamoRosterRepository {
  return new DynamoRosterRepository(documentClient(), requireEnv(integrationsTable.envVar, env));
}

/** Per-person and per-group pre-aggregates, in the Usage table beside the data they sum. */
export function attributionStore(env: NodeJS.ProcessEnv = process.env): DynamoAttributionStore {
  return new DynamoAttributionStore(documentClient(), requireEnv(usageTable.envVar, env));
}

/**
 * The provider request pacer, kept in the Integrations table (each team's budgets beside its integrations).
 * `windowScale` < 1 only in tests, which run providers' windows faster.
 */
export function requestPacer(env: NodeJS.ProcessEnv = process.env, windowScale = 1): DynamoRequestPacer {
  return new DynamoRequestPacer(
    documentClient(),
    requireEnv(integrationsTable.envVar, env),
    undefined,
    windowScale,
  );
}
