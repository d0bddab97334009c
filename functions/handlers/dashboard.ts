import {
  readDashboard,
  readDeveloperUsage,
  type ReadDashboardPorts,
  type ReadDeveloperUsagePorts,
} from '../domain/use-cases/read-dashboard';
import { integrationRepository, usageRepository } from '../adapters/dynamodb';
import { systemClock } from '../adapters/system';
import { manifestCatalog } from '../providers/manifests';
import { daysQuerySchema } from '../schemas/api';
import type { DashboardResponse, DevelopersResponse } from '../schemas/responses';
import { callerFromEvent } from '../shared/auth';
import { httpHandler, json, parseWith } from '../shared/http';
import { lazy } from '../shared/lazy';

export type DashboardPorts = ReadDashboardPorts & ReadDeveloperUsagePorts;

/** GET /dashboard?days=N and GET /dashboard/developers?days=N — read-only, any team member. */
export function createDashboardHandler(ports: () => DashboardPorts) {
  return httpHandler(async (event) => {
    const caller = callerFromEvent(event);
    const { days } = parseWith(event.queryStringParameters ?? {}, daysQuerySchema, 'Invalid query string.');
    if (event.rawPath.endsWith('/developers')) {
      return json<DevelopersResponse>(200, await readDeveloperUsage(caller, days, ports()));
    }
    return json<DashboardResponse>(200, await readDashboard(caller, days, ports()));
  });
}

export const handler = createDashboardHandler(
  lazy(() => ({
    usage: usageRepository(),
    integrations: integrationRepository(),
    manifests: manifestCatalog,
    clock: systemClock,
  })),
);
