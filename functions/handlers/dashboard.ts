import { NotFoundError } from '../domain/errors';
import { seatReportingProviders } from '../domain/provider';
import { readDashboard, type ReadDashboardPorts } from '../domain/use-cases/read-dashboard';
import {
  readDevelopers,
  readMe,
  readPerson,
  readSeats,
  type ReadPeoplePorts,
} from '../domain/use-cases/read-people';
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
  seatsQuerySchema,
} from '../schemas/api';
import { developersCsv, seatRows, seatsCsv, seriesCsv, seriesRows } from '../schemas/exports';
import type {
  DashboardResponse,
  DevelopersResponse,
  PersonDetailResponse,
  SeatsResponse,
} from '../schemas/responses';
import { callerFromEvent } from '../shared/auth';
import { csv, wantsCsv } from '../shared/csv';
import { httpHandler, json, parseWith } from '../shared/http';
import { lazy } from '../shared/lazy';

export type DashboardPorts = ReadDashboardPorts & ReadPeoplePorts;

/**
 * GET /dashboard, /dashboard/developers, /dashboard/seats, /dashboard/developers/{id} and /dashboard/me —
 * read-only; the first three also as CSV. What a member may see of people and groups is the use cases' rule
 * (functions/domain/privacy.ts).
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
        throw new NotFoundError('No developer with that id in the team.');
      const { days } = parseWith(query, daysQuerySchema, invalid);
      return json<PersonDetailResponse>(200, await readPerson(caller, id, days, ports()));
    }
    if (path.endsWith('/developers')) {
      const { format, ...parsed } = parseWith(query, developersQuerySchema, invalid);
      if (wantsCsv(event, format)) {
        // Every row, in the order asked: a download is the whole list, not a page of it.
        const all = await readDevelopers(caller, { ...parsed, limit: Infinity, cursor: undefined }, ports());
        return csv(developersCsv, all.developers, `ai-usage-developers-${periodName(all.period)}.csv`);
      }
      return json<DevelopersResponse>(200, await readDevelopers(caller, parsed, ports()));
    }
    if (path.endsWith('/seats')) {
      const { format, days } = parseWith(query, seatsQuerySchema, invalid);
      const seats: SeatsResponse = await readSeats(caller, days, ports());
      if (wantsCsv(event, format)) {
        return csv(seatsCsv, seatRows(seats), `ai-usage-seats-${periodName(seats.period)}.csv`);
      }
      return json<SeatsResponse>(200, seats);
    }
    const { format, ...parsed } = parseWith(query, dashboardQuerySchema, invalid);
    const dashboard: DashboardResponse = await readDashboard(caller, parsed, ports());
    if (wantsCsv(event, format)) {
      const name = `ai-usage-${dashboard.group ? `${dashboard.group.name}-` : ''}${periodName(dashboard.period)}-${dashboard.series.grain}.csv`;
      return csv(seriesCsv, seriesRows(dashboard), name.replace(/[^\w.-]/g, '_'));
    }
    return json<DashboardResponse>(200, dashboard);
  });
}

const periodName = (period: { start_date: string; end_date: string }) =>
  `${period.start_date}-to-${period.end_date}`;

export const handler = createDashboardHandler(
  lazy(() => ({
    usage: usageRepository(),
    integrations: integrationRepository(),
    attribution: attributionStore(),
    roster: rosterRepository(),
    manifests: manifestCatalog,
    seatProviders: seatReportingProviders(manifestCatalog),
    clock: systemClock,
  })),
);
