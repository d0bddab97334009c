import { NotFoundError } from '../domain/errors';
import { readDashboard, type ReadDashboardPorts } from '../domain/use-cases/read-dashboard';
import { readDevelopers, readMe, readPerson, type ReadPeoplePorts } from '../domain/use-cases/read-people';
import {
  attributionStore,
  integrationRepository,
  rosterRepository,
  usageRepository,
} from '../adapters/dynamodb';
import { systemClock } from '../adapters/system';
import { manifestCatalog } from '../providers/manifests';
import {
  daysQuerySchema,
  dashboardQuerySchema,
  developerIdSchema,
  developersQuerySchema,
} from '../schemas/api';
import type { DashboardResponse, DevelopersResponse, PersonDetailResponse } from '../schemas/responses';
import { callerFromEvent } from '../shared/auth';
import { httpHandler, json, parseWith } from '../shared/http';
import { lazy } from '../shared/lazy';

export type DashboardPorts = ReadDashboardPorts & ReadPeoplePorts;

/**
 * GET /dashboard, /dashboard/developers, /dashboard/developers/{id} and /dashboard/me — read-only; what a
 * member may see of people and groups is the use cases' rule (functions/domain/privacy.ts).
 */
export function createDashboardHandler(ports: () => DashboardPorts) {
  return httpHandler(async (event) => {
    const caller = callerFromEvent(event);
    const query = event.queryStringParameters ?? {};
    const invalid = 'Invalid query string.';
    const path = event.rawPath;
    if (path.endsWith('/dashboard/me')) {
      const { days } = parseWith(query, daysQuerySchema, invalid);
      return json<PersonDetailResponse>(200, await readMe(caller, days, ports()));
    }
    const id = event.pathParameters?.id;
    if (id !== undefined) {
      if (!developerIdSchema.safeParse(id).success)
        throw new NotFoundError(`No developer ${id} in the team.`);
      const { days } = parseWith(query, daysQuerySchema, invalid);
      return json<PersonDetailResponse>(200, await readPerson(caller, id, days, ports()));
    }
    if (path.endsWith('/developers')) {
      const parsed = parseWith(query, developersQuerySchema, invalid);
      return json<DevelopersResponse>(200, await readDevelopers(caller, parsed, ports()));
    }
    return json<DashboardResponse>(
      200,
      await readDashboard(caller, parseWith(query, dashboardQuerySchema, invalid), ports()),
    );
  });
}

export const handler = createDashboardHandler(
  lazy(() => ({
    usage: usageRepository(),
    integrations: integrationRepository(),
    attribution: attributionStore(),
    roster: rosterRepository(),
    manifests: manifestCatalog,
    clock: systemClock,
  })),
);
