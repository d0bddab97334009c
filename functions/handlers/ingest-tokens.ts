import { NotFoundError } from '../domain/errors';
import { requireAdmin } from '../domain/use-cases/authorization';
import {
  createIngestToken,
  listIngestTokens,
  NO_INGEST_TOKEN,
  revokeIngestToken,
  type ManageIngestTokensPorts,
} from '../domain/use-cases/manage-ingest-tokens';
import { ingestTokenRepository } from '../adapters/dynamodb';
import { randomIds, systemClock } from '../adapters/system';
import {
  ingestTokenCreateSchema,
  ingestTokenIdSchema,
  type IngestTokenCreatedResponse,
  type IngestTokenListResponse,
} from '../schemas/ingest-tokens';
import { callerFromEvent } from '../shared/auth';
import { httpHandler, json, parseBody } from '../shared/http';
import { lazy } from '../shared/lazy';

/** POST|GET /ingest-tokens, DELETE /ingest-tokens/{id} (admins). The token is in POST's answer only. */
export function createIngestTokensHandler(ports: () => ManageIngestTokensPorts) {
  return httpHandler(async (event) => {
    const caller = callerFromEvent(event);
    // Every action here is an admin's: a member learns nothing from how a body or an id would have been judged.
    requireAdmin(caller);
    const method = event.requestContext.http.method;
    const id = event.pathParameters?.id;
    if (id !== undefined) {
      // A malformed id cannot name a token of the caller's team.
      if (!ingestTokenIdSchema.safeParse(id).success) throw new NotFoundError(NO_INGEST_TOKEN);
      await revokeIngestToken(caller, id, ports());
      return { statusCode: 204, headers: { 'cache-control': 'no-store' } };
    }
    if (method === 'POST') {
      const body = parseBody(event, ingestTokenCreateSchema);
      return json<IngestTokenCreatedResponse>(201, await createIngestToken(caller, body, ports()));
    }
    return json<IngestTokenListResponse>(200, { ingest_tokens: await listIngestTokens(caller, ports()) });
  });
}

export const handler = createIngestTokensHandler(
  lazy(() => ({ ingestTokens: ingestTokenRepository(), clock: systemClock, ids: randomIds })),
);
