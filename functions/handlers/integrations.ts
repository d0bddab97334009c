import { NO_INTEGRATION, NotFoundError } from '../domain/errors';
import {
  deleteIntegration,
  getIntegration,
  listIntegrations,
  setSyncEnabled,
  type DeleteIntegrationPorts,
  type GetIntegrationPorts,
  type ListIntegrationsPorts,
  type SetSyncEnabledPorts,
} from '../domain/use-cases/manage-integrations';
import { integrationRepository, usageRepository } from '../adapters/dynamodb';
import { kmsSecretStore } from '../adapters/secrets';
import { systemClock } from '../adapters/system';
import { manifestCatalog } from '../providers/manifests';
import { integrationIdSchema, patchIntegrationSchema } from '../schemas/api';
import type {
  IntegrationDetailResponse,
  IntegrationListResponse,
  IntegrationResponse,
} from '../schemas/responses';
import { callerFromEvent } from '../shared/auth';
import { httpHandler, json, parseBody, type HttpEvent } from '../shared/http';
import { lazy } from '../shared/lazy';
import { log } from '../shared/observability';

export type IntegrationsPorts = ListIntegrationsPorts &
  GetIntegrationPorts &
  SetSyncEnabledPorts &
  DeleteIntegrationPorts;

function integrationId(event: HttpEvent): string {
  const id = event.pathParameters?.id;
  // A malformed id cannot name an integration of the caller's team.
  if (!id || !integrationIdSchema.safeParse(id).success) throw new NotFoundError(NO_INTEGRATION);
  return id;
}

/** GET /integrations, GET|PATCH|DELETE /integrations/{id}. Never returns a key or where it is kept. */
export function createIntegrationsHandler(ports: () => IntegrationsPorts) {
  return httpHandler(async (event) => {
    const caller = callerFromEvent(event);
    const method = event.requestContext.http.method;
    if (event.pathParameters?.id === undefined) {
      return json<IntegrationListResponse>(200, { integrations: await listIntegrations(caller, ports()) });
    }
    const id = integrationId(event);
    if (method === 'PATCH') {
      const body = parseBody(event, patchIntegrationSchema);
      return json<IntegrationResponse>(200, await setSyncEnabled(caller, id, body.sync_enabled, ports()));
    }
    if (method === 'DELETE') {
      await deleteIntegration(caller, id, ports());
      return { statusCode: 204, headers: { 'cache-control': 'no-store' } };
    }
    return json<IntegrationDetailResponse>(200, await getIntegration(caller, id, ports()));
  });
}

export const handler = createIntegrationsHandler(
  lazy(() => ({
    integrations: integrationRepository(),
    usage: usageRepository(),
    secrets: kmsSecretStore(),
    manifests: manifestCatalog,
    clock: systemClock,
    log,
  })),
);
