import { buildOpenApiDocument } from '../schemas/openapi';
import { httpHandler } from '../shared/http';
import { lazy } from '../shared/lazy';

/** The document is built once per process, from the same schemas the other handlers validate with. */
const document = lazy(() => JSON.stringify(buildOpenApiDocument()));

/** GET /openapi.json — the API's OpenAPI 3.1 document; no token (it describes, it reveals no data). */
export const handler = httpHandler(async () => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' },
  body: document(),
}));
