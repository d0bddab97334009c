import type { Dependencies } from '../domain/use-cases/dependencies';
import {
  deleteIntegration,
  getIntegration,
  listIntegrations,
  setSyncEnabled,
} from '../domain/use-cases/manage-integrations';
import { NotFoundError } from '../domain/errors';
import { awsDependencies, lazy } from '../adapters/aws-dependencies';
import { integrationIdSchema, patchIntegrationSchema } from '../schemas/api';
import { callerFromEvent } from '../shared/auth';
import { httpHandler, json, parseBody, parseWith, type HttpEvent } from '../shared/http';

function integrationId(event: HttpEvent): string {
  const id = event.pathParameters?.id;
  // A malformed id cannot name an integration of the caller's team.
  if (!id || !integrationIdSchema.safeParse(id).success)
    throw new NotFoundError(`No integration ${id ?? ''} in your team.`);
  return parseWith(id, integrationIdSchema, 'Invalid integration id.');
}

/** GET /integrations, GET|PATCH|DELETE /integrations/{id}. Never returns a key or where it is kept. */
export function createIntegrationsHandler(deps: () => Dependencies) {
  return httpHandler(async (event) => {
    const caller = callerFromEvent(event);
    const method = event.requestContext.http.method;
    if (event.pathParameters?.id === undefined) {
      return json(200, { integrations: await listIntegrations(caller, deps()) });
    }
    const id = integrationId(event);
    if (method === 'PATCH') {
      const body = parseBody(event, patchIntegrationSchema);
      return json(200, await setSyncEnabled(caller, id, body.sync_enabled, deps()));
    }
    if (method === 'DELETE') {
      await deleteIntegration(caller, id, deps());
      return { statusCode: 204, headers: { 'cache-control': 'no-store' } };
    }
    return json(200, await getIntegration(caller, id, deps()));
  });
}

export const handler = createIntegrationsHandler(lazy(() => awsDependencies()));
