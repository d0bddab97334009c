import type { Dependencies } from '../domain/use-cases/dependencies';
import { readDashboard, readDeveloperUsage } from '../domain/use-cases/read-dashboard';
import { lazy, readOnlyDependencies } from '../adapters/core-dependencies';
import { daysQuerySchema } from '../schemas/api';
import { callerFromEvent } from '../shared/auth';
import { httpHandler, json, parseWith } from '../shared/http';

/** GET /dashboard?days=N and GET /dashboard/developers?days=N — read-only, any team member. */
export function createDashboardHandler(deps: () => Dependencies) {
  return httpHandler(async (event) => {
    const caller = callerFromEvent(event);
    const { days } = parseWith(event.queryStringParameters ?? {}, daysQuerySchema, 'Invalid query string.');
    if (event.rawPath.endsWith('/developers')) {
      return json(200, await readDeveloperUsage(caller, days, deps()));
    }
    return json(200, await readDashboard(caller, days, deps()));
  });
}

export const handler = createDashboardHandler(lazy(() => readOnlyDependencies()));
