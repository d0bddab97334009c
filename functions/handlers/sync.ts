import { requestSync, type RequestSyncPorts } from '../domain/use-cases/request-sync';
import { integrationRepository } from '../adapters/dynamodb';
import { syncPlanAdapters } from '../adapters/sync-planning';
import { manifestCatalog } from '../providers/manifests';
import { syncBodySchema } from '../schemas/api';
import type { SyncAcceptedResponse } from '../schemas/responses';
import { callerFromEvent } from '../shared/auth';
import { httpHandler, json, parseBody } from '../shared/http';
import { lazy } from '../shared/lazy';

/** POST /sync — queues a manual sync of one integration (at most one a minute). */
export function createSyncHandler(ports: () => RequestSyncPorts) {
  return httpHandler(async (event) => {
    const caller = callerFromEvent(event);
    const body = parseBody(event, syncBodySchema);
    const accepted = await requestSync(
      caller,
      { integrationId: body.integration_id, startDate: body.start_date, endDate: body.end_date },
      ports(),
    );
    return json<SyncAcceptedResponse>(202, accepted);
  });
}

export const handler = createSyncHandler(
  lazy(() => ({
    ...syncPlanAdapters(),
    manifests: manifestCatalog,
    integrations: integrationRepository(),
  })),
);
