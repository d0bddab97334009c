import type { Dependencies } from '../domain/use-cases/dependencies';
import { requestSync } from '../domain/use-cases/request-sync';
import { lazy } from '../adapters/core-dependencies';
import { queueingDependencies } from '../adapters/queue-dependencies';
import { syncBodySchema } from '../schemas/api';
import { callerFromEvent } from '../shared/auth';
import { httpHandler, json, parseBody } from '../shared/http';

/** POST /sync — queues a manual sync of one integration (at most one a minute). */
export function createSyncHandler(deps: () => Dependencies) {
  return httpHandler(async (event) => {
    const caller = callerFromEvent(event);
    const body = parseBody(event, syncBodySchema);
    const accepted = await requestSync(
      caller,
      { integrationId: body.integration_id, startDate: body.start_date, endDate: body.end_date },
      deps(),
    );
    return json(202, accepted);
  });
}

export const handler = createSyncHandler(lazy(() => queueingDependencies()));
