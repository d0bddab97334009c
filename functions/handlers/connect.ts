import { connectIntegration, type ConnectPorts } from '../domain/use-cases/connect-integration';
import { toView } from '../domain/use-cases/manage-integrations';
import { integrationRepository, requestPacer } from '../adapters/dynamodb';
import { syncPlanAdapters } from '../adapters/sync-planning';
import { providerContextFactory } from '../adapters/provider-context';
import { kmsSecretStore } from '../adapters/secrets';
import { createProviderCatalog } from '../providers/catalog';
import { API_BASE_PATH } from '../routes';
import { connectBodySchema } from '../schemas/api';
import type { ConnectResponse } from '../schemas/responses';
import { callerFromEvent } from '../shared/auth';
import { httpHandler, json, parseBody } from '../shared/http';
import { lazy } from '../shared/lazy';
import { log } from '../shared/observability';

/** POST /connect — checks, encrypts and stores a provider key, then starts the backfill. */
export function createConnectHandler(ports: () => ConnectPorts) {
  return httpHandler(async (event) => {
    const caller = callerFromEvent(event);
    const { provider, api_key, name, backfill_days, ...options } = parseBody(event, connectBodySchema);
    const result = await connectIntegration(
      caller,
      { provider, apiKey: api_key, name, options, backfillDays: backfill_days },
      ports(),
    );
    return json<ConnectResponse>(
      result.created ? 201 : 200,
      {
        integration_id: result.integration.integration_id,
        status: result.integration.status,
        created: result.created,
        integration: toView(result.integration, ports().providers, ports().clock.now()),
        backfill: result.backfill,
      },
      { location: `${API_BASE_PATH}/integrations/${result.integration.integration_id}` },
    );
  });
}

export const handler = createConnectHandler(
  lazy(() => ({
    providers: createProviderCatalog(providerContextFactory(process.env, { pacer: requestPacer() })),
    ...syncPlanAdapters(),
    integrations: integrationRepository(),
    secrets: kmsSecretStore(),
    log,
  })),
);
