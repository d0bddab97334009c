import { toIsoDay } from '../domain/dates';
import { NO_IMPORT, NotFoundError } from '../domain/errors';
import { importTemplate } from '../domain/imports';
import {
  getImport,
  importManual,
  listImports,
  startImport,
  type ManualImportPorts,
  type ReadImportsPorts,
  type StartImportPorts,
} from '../domain/use-cases/import-usage';
import { importRepository, integrationRepository } from '../adapters/dynamodb';
import { s3ImportFiles } from '../adapters/imports';
import { randomIds, systemClock } from '../adapters/system';
import {
  importIdSchema,
  importStartSchema,
  manualImportSchema,
  type ImportListResponse,
  type ImportResponse,
  type ImportStartedResponse,
} from '../schemas/imports';
import { callerFromEvent } from '../shared/auth';
import { httpHandler, json, parseBody } from '../shared/http';
import { lazy } from '../shared/lazy';
import { storeDayPorts } from './store-day-ports';

export type ImportsPorts = StartImportPorts & ManualImportPorts & ReadImportsPorts;

/**
 * POST /imports (admin: an import and its upload URL), POST /imports/manual (admin: rows typed in),
 * GET /imports, GET /imports/{id}, and GET /imports/template.csv (public: the same file for everyone).
 */
export function createImportsHandler(ports: () => ImportsPorts) {
  return httpHandler(async (event) => {
    const method = event.requestContext.http.method;
    if (event.rawPath.endsWith('/imports/template.csv')) {
      return {
        statusCode: 200,
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': 'attachment; filename="ai-usage-import-template.csv"',
          'cache-control': 'public, max-age=3600',
        },
        body: importTemplate(toIsoDay(ports().clock.now())),
      };
    }
    const caller = callerFromEvent(event);
    if (event.rawPath.endsWith('/imports/manual')) {
      const body = parseBody(event, manualImportSchema);
      return json<ImportResponse>(201, await importManual(caller, body, ports()));
    }
    const id = event.pathParameters?.id;
    if (id !== undefined) {
      if (!importIdSchema.safeParse(id).success) throw new NotFoundError(NO_IMPORT);
      return json<ImportResponse>(200, await getImport(caller, id, ports()));
    }
    if (method === 'POST') {
      const body = parseBody(event, importStartSchema);
      const started = await startImport(caller, body, ports());
      return json<ImportStartedResponse>(201, started, {
        location: `/api/ai-usage/imports/${started.import.import_id}`,
      });
    }
    return json<ImportListResponse>(200, { imports: await listImports(caller, ports()) });
  });
}

export const handler = createImportsHandler(
  lazy(() => ({
    ...storeDayPorts(),
    imports: importRepository(),
    files: s3ImportFiles(),
    integrations: integrationRepository(),
    clock: systemClock,
    ids: randomIds,
  })),
);
