import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type { JWTPayload } from 'jose';
import {
  API_BASE_PATH,
  httpRoutes,
  takesIngestToken,
  type HttpFunctionName,
  type HttpRoute,
} from '../functions/routes';
import { problemOf } from '../functions/shared/problem';
import { exposureCaptureFromEnv, recordAnswer } from './exposure-capture';
import { lambdaContext } from './lambda-context';
import type { PageFile } from './page';

/**
 * A small stand-in for API Gateway's HTTP API: matches the same routes, verifies the bearer JWT as
 * the JWT authorizer would, builds a payload-format-2.0 event (binary bodies base64-encoded) and calls the same
 * Lambda handler.
 */
export type LambdaHttpHandler = (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
) => Promise<unknown>;
export type LocalRoute = (
  request: IncomingMessage,
  body: string,
) => Promise<{ status: number; body: unknown }>;

/** A Lambda authorizer with simple responses (the ingest token authorizer, functions/handlers/otlp-authorizer.ts). */
export type LocalAuthorizer = (
  event: APIGatewayRequestAuthorizerEventV2,
  context: Context,
) => Promise<{ isAuthorized: boolean; context?: Record<string, unknown> }>;

export interface LocalApiOptions {
  handlers: Record<HttpFunctionName, LambdaHttpHandler>;
  /** The authorizer of ingest-token routes; without it their functions alone judge the token. */
  ingestTokenAuthorizer?: LocalAuthorizer;
  verify: (token: string) => Promise<JWTPayload>;
  port: number;
  /** Extra local-only routes (e.g. POST /_local/schedule), matched by "METHOD /path". */
  localRoutes?: Record<string, LocalRoute>;
  /** The team page: GET of any path outside the API and the local routes (local/page.ts). */
  page?: (pathname: string) => PageFile;
}

interface CompiledRoute {
  route: HttpRoute;
  pattern: RegExp;
  params: string[];
}

function compile(route: HttpRoute): CompiledRoute {
  const params: string[] = [];
  const source = `${API_BASE_PATH}${route.path}`
    .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    .replace(/\\?\{(\w+)\\?\}/g, (_, name: string) => {
      params.push(name);
      return '([^/]+)';
    });
  return { route, pattern: new RegExp(`^${source}$`), params };
}

/**
 * The gateway's own refusals. A missing or bad token is the contract's `unauthorized` problem (API Gateway's
 * authorizer answers `{"message":"Unauthorized"}` there, which the contract also allows); an unknown route
 * or method is outside the contract, so it is a plain `about:blank` problem.
 */
function problem(
  response: ServerResponse,
  status: number,
  title: string,
  detail: string,
  instance: string,
): void {
  const body =
    status === 401
      ? problemOf('unauthorized', detail, { instance })
      : status === 403
        ? problemOf('forbidden', detail, { instance })
        : status === 500
          ? problemOf('internal-error', detail, { instance })
          : { type: 'about:blank', title, status, detail, instance };
  response.writeHead(status, { 'content-type': 'application/problem+json' });
  response.end(JSON.stringify(body));
}

/** API Gateway HTTP APIs refuse payloads over 10 MB with a 413, before any function runs. */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
class PayloadTooLarge extends Error {}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_PAYLOAD_BYTES) throw new PayloadTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Media types API Gateway passes to a function as text; any other body (protobuf, octet streams) arrives
 * base64-encoded with `isBase64Encoded: true`, as the gateway hands binary payloads over. A body without a
 * Content-Type is passed as text.
 */
const TEXT_MEDIA =
  /^(text\/[\w.+-]+|application\/([\w.-]+\+)?(json|xml)|application\/(javascript|x-www-form-urlencoded))$/;

export function eventBody(
  body: Buffer,
  contentType: string | undefined,
): { body: string; isBase64Encoded: boolean } {
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (media === '' || TEXT_MEDIA.test(media)) return { body: body.toString('utf8'), isBase64Encoded: false };
  return { body: body.toString('base64'), isBase64Encoded: true };
}

/** A path parameter as the function sees it: percent-decoded, or as sent when it is not valid percent-encoding. */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function toEvent(
  request: IncomingMessage,
  url: URL,
  raw: Buffer,
  compiled: CompiledRoute,
  match: RegExpExecArray,
  claims: JWTPayload | undefined,
): APIGatewayProxyEventV2WithJWTAuthorizer {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
  const pathParameters = Object.fromEntries(
    compiled.params.map((name, i) => [name, decoded(match[i + 1] ?? '')]),
  );
  const routeKey = `${compiled.route.method} ${API_BASE_PATH}${compiled.route.path}`;
  const { body, isBase64Encoded } = eventBody(raw, headers['content-type']);
  const now = new Date();
  const stringClaims = Object.fromEntries(
    Object.entries(claims ?? {}).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : JSON.stringify(value),
    ]),
  );
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(compiled.params.length ? { pathParameters } : {}),
    ...(body ? { body } : {}),
    isBase64Encoded,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: '127',
      http: {
        method: compiled.route.method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: stringClaims, scopes: [] } },
    },
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
}

/**
 * Runs the authorizer; when it fails the request ends in a 500 that says nothing (API Gateway answers its own 500
 * there) with a request id, as a function's failure does, and the error goes to the log.
 */
async function authorize(
  authorizer: LocalAuthorizer,
  response: ServerResponse,
  instance: string,
  event: APIGatewayRequestAuthorizerEventV2,
): Promise<Awaited<ReturnType<LocalAuthorizer>> | undefined> {
  try {
    return await authorizer(event, lambdaContext('otlpAuthorizer'));
  } catch (error) {
    response.writeHead(500, { 'content-type': 'application/problem+json' });
    response.end(
      JSON.stringify(
        problemOf('internal-error', 'The token could not be checked; try again.', {
          instance,
          request_id: randomUUID(),
        }),
      ),
    );
    console.error('the ingest token authorizer failed', error);
    exposureCaptureFromEnv()?.error('local API authorizer', error);
    return undefined;
  }
}

export async function startLocalApi(
  options: LocalApiOptions,
): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const compiled = httpRoutes.map(compile);
  const capture = exposureCaptureFromEnv();
  const server = createServer((request, response) => {
    if (capture) recordAnswer(capture, request, response);
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      try {
        const body = await readBody(request);
        const local = options.localRoutes?.[`${request.method} ${url.pathname}`];
        if (local) {
          const result = await local(request, body.toString('utf8'));
          response.writeHead(result.status, { 'content-type': 'application/json' });
          response.end(JSON.stringify(result.body));
          return;
        }
        if (options.page && request.method === 'GET' && !url.pathname.startsWith(`${API_BASE_PATH}/`)) {
          const file = options.page(url.pathname);
          response.writeHead(file.status, {
            'content-type': file.type,
            'cache-control': 'no-cache',
            // The headers CloudFront adds in AWS (lib/constructs/web-site.ts).
            'content-security-policy': file.csp,
            'x-content-type-options': 'nosniff',
            'x-frame-options': 'DENY',
            'referrer-policy': 'strict-origin-when-cross-origin',
          });
          response.end(file.body);
          return;
        }
        const candidates = compiled
          .map((entry) => ({ entry, match: entry.pattern.exec(url.pathname) }))
          .filter(
            (candidate): candidate is { entry: CompiledRoute; match: RegExpExecArray } =>
              candidate.match !== null,
          );
        // As API Gateway does: a route without parameters wins over one that matches with them.
        const found = candidates
          .filter((candidate) => candidate.entry.route.method === request.method)
          .sort((a, b) => a.entry.params.length - b.entry.params.length)[0];
        if (!found) {
          if (candidates.length > 0) {
            problem(
              response,
              405,
              'Method not allowed',
              `${request.method} is not supported on ${url.pathname}.`,
              url.pathname,
            );
          } else {
            problem(
              response,
              404,
              'Not found',
              `No route ${request.method} ${url.pathname}. The API lives under ${API_BASE_PATH}.`,
              url.pathname,
            );
          }
          return;
        }
        let claims: JWTPayload | undefined;
        // Ingest-token routes carry no JWT: their function resolves the team's token itself.
        if (found.entry.route.authenticated) {
          const header = request.headers.authorization ?? '';
          const token = /^Bearer (.+)$/i.exec(header)?.[1];
          if (!token) {
            problem(
              response,
              401,
              'Unauthorized',
              'Send an Authorization: Bearer <token> header (npm run token).',
              url.pathname,
            );
            return;
          }
          try {
            claims = await options.verify(token);
          } catch {
            problem(
              response,
              401,
              'Unauthorized',
              'The token is invalid or expired; get a new one (npm run token).',
              url.pathname,
            );
            return;
          }
        }
        let authorizerContext: Record<string, unknown> | undefined;
        if (takesIngestToken(found.entry.route) && options.ingestTokenAuthorizer) {
          // As API Gateway does: no identity source is a 401, an authorizer's "no" a 403.
          const authorization = request.headers.authorization;
          if (!authorization) {
            problem(
              response,
              401,
              'Unauthorized',
              'Send Authorization: Bearer aiu_ingest_… with an ingest token of your team.',
              url.pathname,
            );
            return;
          }
          const routeKey = `${found.entry.route.method} ${API_BASE_PATH}${found.entry.route.path}`;
          const verdict = await authorize(options.ingestTokenAuthorizer, response, url.pathname, {
            version: '2.0',
            type: 'REQUEST',
            routeArn: `arn:aws:execute-api:local:000000000000:local/$default/${routeKey.replace(' ', '')}`,
            identitySource: [authorization],
            routeKey,
            rawPath: url.pathname,
            rawQueryString: url.search.replace(/^\?/, ''),
            headers: { authorization },
          } as unknown as APIGatewayRequestAuthorizerEventV2);
          if (!verdict) return;
          if (!verdict.isAuthorized) {
            problem(
              response,
              403,
              'Forbidden',
              'The ingest token is unknown or revoked; an admin makes one with POST /api/ai-usage/ingest-tokens.',
              url.pathname,
            );
            return;
          }
          authorizerContext = verdict.context ?? {};
        }
        const event = toEvent(request, url, body, found.entry, found.match, claims);
        if (authorizerContext) {
          (event.requestContext as unknown as { authorizer: unknown }).authorizer = {
            lambda: authorizerContext,
          };
        }
        const handler = options.handlers[found.entry.route.function];
        const result = (await handler(
          event,
          lambdaContext(found.entry.route.function),
        )) as APIGatewayProxyStructuredResultV2;
        const headers = Object.fromEntries(
          Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]),
        );
        response.writeHead(result.statusCode ?? 200, headers);
        // A binary answer (OTLP's protobuf) comes back base64-encoded, as API Gateway expects it.
        response.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
      } catch (error) {
        if (error instanceof PayloadTooLarge) {
          problem(
            response,
            413,
            'Payload too large',
            `Requests are at most ${MAX_PAYLOAD_BYTES} bytes (API Gateway's limit); upload files with POST /imports.`,
            url.pathname,
          );
          return;
        }
        problem(response, 500, 'Internal error', 'The local API failed; see its log.', url.pathname);
        console.error('the local API failed', error);
        capture?.error('local API', error);
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
