import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type ResponseConfig,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { MAX_INGEST_TOKENS } from '../domain/ingest-tokens';
import { providerDefinitions } from '../providers/registry';
import { API_BASE_PATH, httpRoutes, takesIngestToken, type HttpRoute } from '../routes';
import {
  connectBodySchema,
  dashboardQuerySchema,
  daysQuerySchema,
  developerIdSchema,
  developersQuerySchema,
  integrationIdSchema,
  patchIntegrationSchema,
  seatsQuerySchema,
  syncBodySchema,
} from './api';
import {
  ingestTokenCreatedSchema,
  ingestTokenCreateSchema,
  ingestTokenIdParamsSchema,
  ingestTokenListSchema,
} from './ingest-tokens';
import { otlpMetricsRequestSchema, otlpMetricsResponseSchema, otlpProtobufSchema } from './telemetry';
import { developersCsv, seatsCsv, seriesCsv, type CsvTable } from './exports';
import {
  importIdSchema,
  importListSchema,
  importSchema,
  importStartSchema,
  importStartedSchema,
  manualImportSchema,
} from './imports';
import {
  personChangeSchema,
  personIdParamsSchema,
  personPatchSchema,
  rosterPutSchema,
  rosterSchema,
} from './members';
import { PROBLEM_TYPES, problemSchema, problemType, type ProblemSlug } from './problems';
import {
  connectResultSchema,
  dashboardSchema,
  developersSchema,
  healthSchema,
  integrationDetailSchema,
  integrationListSchema,
  integrationViewSchema,
  personDetailSchema,
  seatsSchema,
  syncAcceptedSchema,
} from './responses';

/**
 * The OpenAPI 3.1 document of the API, generated from the zod schemas the handlers validate and answer
 * with: `GET /api/ai-usage/openapi.json` serves it and `npm run openapi` writes docs/openapi.json. Every
 * route of functions/routes.ts must have an operation here (the build fails otherwise), and every status
 * and problem type an operation lists is exercised by the contract test.
 */
export const API_VERSION = '1.0.0';

interface Success {
  status: number;
  description: string;
  schema?: z.ZodType;
  /** Default application/json. */
  mediaType?: string;
  headers?: ResponseConfig['headers'];
  /** The same answer as CSV too (`format=csv` or `Accept: text/csv`): its columns, in order. */
  csv?: CsvTable<never>;
  /** The same answer in other media types too (OTLP answers in the request's encoding). */
  alternatives?: Record<string, z.ZodType>;
}

/** A CSV answer's schema: text whose header row is the export's columns. */
const csvSchema = (table: CsvTable<never>) =>
  z.string().meta({
    description: `CSV (RFC 4180, CRLF), a header row then a row per record. Columns: ${table.columns.map((c) => `\`${c}\``).join(', ')}.`,
    example: `${table.columns.join(',')}\r\n…`,
  });

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tag: 'Service' | 'Integrations' | 'Sync' | 'Imports' | 'People' | 'Dashboard' | 'Telemetry';
  request?: RouteConfig['request'];
  success: Success[];
  /** Problem types the operation may answer (401 for every authenticated one is added). */
  problems: ProblemSlug[];
}

const idParams = z.object({ id: integrationIdSchema });
const retryAfter = {
  'retry-after': {
    description: 'Seconds to wait before trying again.',
    schema: { type: 'integer' as const },
  },
};

/**
 * POST /connect's body, one variant per provider (and per shape of its options): the common fields of
 * connectBodySchema with the provider's own options (its connectOptionsSchema), exactly as connect checks them.
 */
export function connectBodyVariants(): z.ZodType[] {
  const { provider: _provider, ...common } = connectBodySchema.shape;
  return providerDefinitions.flatMap(({ manifest, connectOptionsSchema }) => {
    const schema = connectOptionsSchema as z.ZodType;
    const shapes =
      schema instanceof z.ZodObject
        ? [schema.shape]
        : schema instanceof z.ZodUnion
          ? (schema.options as z.ZodType[])
              .filter((o): o is z.ZodObject => o instanceof z.ZodObject)
              .map((o) => o.shape)
          : [];
    return shapes.map((options) => {
      const suffix = Object.keys(options)
        .map((key) => key[0]?.toUpperCase() + key.slice(1))
        .join('');
      const name = manifest.id.replace(/(^|_)(\w)/g, (_m, _s, c: string) => c.toUpperCase());
      return z
        .strictObject({ provider: z.literal(manifest.id), ...common, ...options })
        .meta({ id: `Connect${name}${suffix}`, description: `Connect ${manifest.displayName}.` });
    });
  });
}

export const operations: Record<string, Operation> = {
  'GET /health': {
    operationId: 'getHealth',
    summary: 'Liveness',
    tag: 'Service',
    success: [{ status: 200, description: 'The API answers.', schema: healthSchema }],
    problems: [],
  },
  'GET /openapi.json': {
    operationId: 'getOpenApiDocument',
    summary: 'This document',
    tag: 'Service',
    success: [
      {
        status: 200,
        description: 'The OpenAPI 3.1 document of this API.',
        schema: z.record(z.string(), z.unknown()),
      },
    ],
    problems: [],
  },
  'POST /connect': {
    operationId: 'connectIntegration',
    summary: 'Connect a provider (admin)',
    description:
      'Checks the key (format, then a live call to the provider), encrypts and stores it, and starts the backfill. ' +
      'Connecting the same provider account again replaces its key on the same integration.',
    tag: 'Integrations',
    request: {
      body: {
        required: true,
        content: {
          'application/json': { schema: z.union(connectBodyVariants()).meta({ id: 'ConnectRequest' }) },
        },
      },
    },
    success: [
      {
        status: 201,
        description: 'Connected; the backfill is queued.',
        schema: connectResultSchema,
        headers: { location: { description: 'The integration.', schema: { type: 'string' } } },
      },
      {
        status: 200,
        description:
          'The same provider account was connected again: its key is replaced, the backfill queued.',
        schema: connectResultSchema,
        headers: { location: { description: 'The integration.', schema: { type: 'string' } } },
      },
    ],
    problems: [
      'invalid-request',
      'forbidden',
      'credentials-rejected',
      'provider-unavailable',
      'temporarily-unavailable',
      'internal-error',
    ],
  },
  'POST /sync': {
    operationId: 'requestSync',
    summary: 'Sync an integration now (admin)',
    description:
      "Without dates: the provider's daily window. With dates: up to the provider's backfill depth, ending no later " +
      'than the newest day it serves. At most one a minute per integration.',
    tag: 'Sync',
    request: { body: { required: true, content: { 'application/json': { schema: syncBodySchema } } } },
    success: [{ status: 202, description: 'Queued.', schema: syncAcceptedSchema }],
    problems: [
      'invalid-request',
      'forbidden',
      'not-found',
      'conflict',
      'too-many-requests',
      'internal-error',
    ],
  },
  'GET /integrations': {
    operationId: 'listIntegrations',
    summary: "The team's integrations",
    tag: 'Integrations',
    success: [{ status: 200, description: 'Every integration of the team.', schema: integrationListSchema }],
    problems: ['internal-error'],
  },
  'GET /integrations/{id}': {
    operationId: 'getIntegration',
    summary: 'One integration with its last 90 days',
    tag: 'Integrations',
    request: { params: idParams },
    success: [
      {
        status: 200,
        description: 'The integration and its ledger summary.',
        schema: integrationDetailSchema,
      },
    ],
    problems: ['not-found', 'internal-error'],
  },
  'PATCH /integrations/{id}': {
    operationId: 'setSyncEnabled',
    summary: 'Pause or resume syncs (admin)',
    tag: 'Integrations',
    request: {
      params: idParams,
      body: { required: true, content: { 'application/json': { schema: patchIntegrationSchema } } },
    },
    success: [{ status: 200, description: 'The integration as changed.', schema: integrationViewSchema }],
    problems: ['invalid-request', 'forbidden', 'not-found', 'conflict', 'internal-error'],
  },
  'DELETE /integrations/{id}': {
    operationId: 'deleteIntegration',
    summary: 'Disconnect (admin)',
    description: 'Deletes the key and leaves the schedule; usage already stored stays as history.',
    tag: 'Integrations',
    request: { params: idParams },
    success: [{ status: 204, description: 'Disconnected.' }],
    problems: ['forbidden', 'not-found', 'internal-error'],
  },
  'GET /imports/template.csv': {
    operationId: 'getImportTemplate',
    summary: 'The CSV template of an import',
    description:
      'The header (date, email, login, name, tool, then every figure of the metric vocabulary) and two example rows. ' +
      'Only `date` and `email` or `login` are required; empty figures are 0; an unknown column refuses the file.',
    tag: 'Imports',
    success: [
      {
        status: 200,
        description: 'The template.',
        mediaType: 'text/csv',
        schema: z.string().meta({ example: 'date,email,login,name,tool,interactions,…' }),
      },
    ],
    problems: [],
  },
  'POST /imports': {
    operationId: 'startImport',
    summary: 'Import a CSV file (admin)',
    description:
      'Creates the import and answers a presigned URL: PUT the file there (straight to storage, any size up to ' +
      '100 MB). The file is read when it lands; follow `GET /imports/{id}`. A tool the team syncs through its ' +
      'API is refused (409): its usage would count twice.',
    tag: 'Imports',
    request: { body: { required: true, content: { 'application/json': { schema: importStartSchema } } } },
    success: [
      {
        status: 201,
        description: 'The import (pending) and where to upload its file.',
        schema: importStartedSchema,
        headers: { location: { description: 'The import.', schema: { type: 'string' } } },
      },
    ],
    problems: ['invalid-request', 'forbidden', 'conflict', 'internal-error'],
  },
  'GET /imports': {
    operationId: 'listImports',
    summary: "The team's latest 50 imports",
    tag: 'Imports',
    success: [{ status: 200, description: 'Newest first.', schema: importListSchema }],
    problems: ['internal-error'],
  },
  'POST /imports/manual': {
    operationId: 'importRows',
    summary: 'Import rows typed in (admin)',
    description:
      'The same columns, checks and writes as a file; a 400 names each bad row and field, nothing stored.',
    tag: 'Imports',
    request: { body: { required: true, content: { 'application/json': { schema: manualImportSchema } } } },
    success: [{ status: 201, description: 'Stored.', schema: importSchema }],
    problems: ['invalid-request', 'forbidden', 'conflict', 'internal-error'],
  },
  'GET /imports/{id}': {
    operationId: 'getImport',
    summary: 'One import: its state, counts and errors',
    tag: 'Imports',
    request: { params: z.object({ id: importIdSchema }) },
    success: [{ status: 200, description: 'The import.', schema: importSchema }],
    problems: ['not-found', 'internal-error'],
  },
  'GET /members': {
    operationId: 'getRoster',
    summary: "The team's roster: people and groups",
    tag: 'People',
    success: [
      {
        status: 200,
        description: 'The roster (version 0 and no people before the first).',
        schema: rosterSchema,
      },
    ],
    problems: ['internal-error'],
  },
  'PUT /members': {
    operationId: 'replaceRoster',
    summary: 'Replace the whole roster (admin)',
    description:
      'Idempotent: the same body twice changes nothing the second time (same version). People left out are removed; ' +
      'their usage stays, shown as their identities again. Per-person views follow at once, group figures within minutes.',
    tag: 'People',
    request: { body: { required: true, content: { 'application/json': { schema: rosterPutSchema } } } },
    success: [{ status: 200, description: 'The roster as stored.', schema: rosterSchema }],
    problems: ['invalid-request', 'forbidden', 'internal-error'],
  },
  'PATCH /members/{id}': {
    operationId: 'changePerson',
    summary: 'Change one person (admin)',
    description: 'Replaces the fields given. Accepting a suggestion of the developers view is this call.',
    tag: 'People',
    request: {
      params: personIdParamsSchema,
      body: { required: true, content: { 'application/json': { schema: personPatchSchema } } },
    },
    success: [{ status: 200, description: 'The person as changed.', schema: personChangeSchema }],
    problems: ['invalid-request', 'forbidden', 'not-found', 'internal-error'],
  },
  'DELETE /members/{id}': {
    operationId: 'removePerson',
    summary: 'Remove one person (admin)',
    tag: 'People',
    request: { params: personIdParamsSchema },
    success: [{ status: 204, description: 'Removed; their usage stays, under their identities.' }],
    problems: ['forbidden', 'not-found', 'internal-error'],
  },
  'GET /dashboard': {
    operationId: 'getDashboard',
    summary: 'The team page, or a group’s',
    description:
      'Totals, active days, top tool, per-tool figures (distinct people active, match rate), an N-day heatmap whose ' +
      'states tell a quiet day from a gap, the acceptance trend and editor / language / model breakdowns. With ' +
      '`group`: the same for the group’s people (members: groups of at least the minimum group size).',
    tag: 'Dashboard',
    request: { query: dashboardQuerySchema },
    success: [
      {
        status: 200,
        description:
          'The dashboard of the last `days` UTC days (as CSV: its series, a row per point and tool).',
        schema: dashboardSchema,
        csv: seriesCsv,
      },
    ],
    problems: ['invalid-request', 'group-too-small', 'not-found', 'internal-error'],
  },
  'GET /dashboard/developers': {
    operationId: 'getDeveloperUsage',
    summary: 'One row per person across tools, identities that match nobody, and seats',
    description:
      'Admins see everyone (with suggestions for identities that match nobody and the match rate per tool); ' +
      'members see their own row. Acceptance is per tool (`tools[].acceptance_rate`), never across tools. ' +
      'Sortable and paginated.',
    tag: 'Dashboard',
    request: { query: developersQuerySchema },
    success: [
      {
        status: 200,
        description: 'A page of developers (as CSV: every row, in the order asked).',
        schema: developersSchema,
        csv: developersCsv,
      },
    ],
    problems: ['invalid-request', 'group-too-small', 'not-found', 'internal-error'],
  },
  'GET /dashboard/seats': {
    operationId: 'getSeats',
    summary: 'Licences of the seat-based tools: whose, how long idle, what they cost',
    description:
      'Per tool: seats held (the organisation’s count where the provider reports one, as on the dashboard), ' +
      'active in the period, idle 14 / 30 / 60 days (never active included) and spend where the tool reports ' +
      'it; then every seat, unused first, and the providers that report seats. Admins see every seat, members ' +
      'their own.',
    tag: 'Dashboard',
    request: { query: seatsQuerySchema },
    success: [
      {
        status: 200,
        description: 'The seats (as CSV: a row per seat).',
        schema: seatsSchema,
        csv: seatsCsv,
      },
    ],
    problems: ['invalid-request', 'internal-error'],
  },
  'GET /dashboard/developers/{id}': {
    operationId: 'getDeveloper',
    summary: "One person's figures per tool and heatmap",
    description: 'Admins: anyone. Members: themselves only.',
    tag: 'Dashboard',
    request: { params: z.object({ id: developerIdSchema }), query: daysQuerySchema },
    success: [
      { status: 200, description: 'The person over the last `days` UTC days.', schema: personDetailSchema },
    ],
    problems: ['invalid-request', 'forbidden', 'not-found', 'internal-error'],
  },
  'GET /dashboard/me': {
    operationId: 'getMyUsage',
    summary: 'My usage',
    description:
      'The caller’s own figures and heatmap, found through the roster from the verified e-mail of their token.',
    tag: 'Dashboard',
    request: { query: daysQuerySchema },
    success: [
      { status: 200, description: 'The caller over the last `days` UTC days.', schema: personDetailSchema },
    ],
    problems: ['invalid-request', 'not-found', 'internal-error'],
  },
  'POST /ingest-tokens': {
    operationId: 'createIngestToken',
    summary: 'Make an ingest token (admin)',
    description:
      'A token machines send to push telemetry (Claude Code’s OpenTelemetry metrics) for the team. The answer is ' +
      `the only time the token is shown: only its SHA-256 is kept. A team holds at most ${MAX_INGEST_TOKENS}.`,
    tag: 'Telemetry',
    request: {
      body: { required: true, content: { 'application/json': { schema: ingestTokenCreateSchema } } },
    },
    success: [
      {
        status: 201,
        description: 'Made; the token is in this answer only.',
        schema: ingestTokenCreatedSchema,
      },
    ],
    problems: ['invalid-request', 'forbidden', 'conflict', 'internal-error'],
  },
  'GET /ingest-tokens': {
    operationId: 'listIngestTokens',
    summary: 'The team’s ingest tokens (admin)',
    tag: 'Telemetry',
    success: [
      { status: 200, description: 'Ids, names and times, never a token.', schema: ingestTokenListSchema },
    ],
    problems: ['forbidden', 'internal-error'],
  },
  'POST /otlp/v1/metrics': {
    operationId: 'exportMetrics',
    summary: 'Claude Code’s OpenTelemetry metrics (OTLP/HTTP)',
    description:
      'Where Claude Code’s OTLP metrics exporter sends (`OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`), with an ingest token ' +
      'of the team (`Authorization: Bearer aiu_ingest_…`), never a sign-in token. Points are stored per developer ' +
      'and UTC day as a source of the Claude Code tool; a point sent twice, or a cumulative counter re-reported, ' +
      'changes nothing. A changed day is rebuilt about a minute later, with every change of that minute ' +
      '(decision 91). Unreadable points are refused one by one (`partialSuccess`); metrics other than ' +
      '`claude_code.*` are ignored and counted there. A team that sends more requests a minute than its limit ' +
      'gets 429 with `Retry-After` until the minute ends; exporters wait and send again (decision 92). Errors ' +
      'are problem+json (decision 88); the gateway answers a missing token with 401 and a token its authorizer ' +
      'does not know (or a JWT) with 403.',
    tag: 'Telemetry',
    request: {
      body: {
        required: true,
        content: {
          'application/json': { schema: otlpMetricsRequestSchema },
          'application/x-protobuf': { schema: otlpProtobufSchema },
        },
      },
    },
    success: [
      {
        status: 200,
        description: 'Taken (each point stored once); `partialSuccess` names points refused or ignored.',
        schema: otlpMetricsResponseSchema,
        alternatives: { 'application/x-protobuf': otlpProtobufSchema },
      },
    ],
    problems: [
      'unauthorized',
      'forbidden',
      'invalid-request',
      'payload-too-large',
      'unsupported-media-type',
      'too-many-requests',
      'internal-error',
    ],
  },
  'DELETE /ingest-tokens/{id}': {
    operationId: 'revokeIngestToken',
    summary: 'Revoke an ingest token (admin)',
    tag: 'Telemetry',
    request: { params: ingestTokenIdParamsSchema },
    success: [{ status: 204, description: 'Revoked: requests with it are refused (401) from now on.' }],
    problems: ['forbidden', 'not-found', 'internal-error'],
  },
};

const routeKey = (route: Pick<HttpRoute, 'method' | 'path'>) => `${route.method} ${route.path}`;

/** The statuses an operation answers, with the problem types behind each error status. */
export function documentedStatuses(route: HttpRoute): Map<number, ProblemSlug[]> {
  const operation = operations[routeKey(route)];
  if (!operation) throw new Error(`no OpenAPI operation for ${routeKey(route)}`);
  const statuses = new Map<number, ProblemSlug[]>(operation.success.map((success) => [success.status, []]));
  const problems: ProblemSlug[] = [
    ...(route.authenticated ? (['unauthorized'] as const) : []),
    ...operation.problems,
  ];
  for (const slug of problems) {
    const status = PROBLEM_TYPES[slug].status;
    statuses.set(status, [...(statuses.get(status) ?? []), slug]);
  }
  return statuses;
}

function problemResponse(slugs: ProblemSlug[], route: HttpRoute): ResponseConfig {
  // `type` is narrowed to these slugs once the document is generated (narrowProblemTypes).
  const content: ResponseConfig['content'] = { 'application/problem+json': { schema: problemSchema } };
  if (takesIngestToken(route) && slugs.includes('forbidden')) {
    // The ingest token authorizer's "no" is API Gateway's own 403.
    content['application/json'] = {
      schema: z.strictObject({ message: z.literal('Forbidden') }).meta({ id: 'GatewayForbidden' }),
    };
  }
  if (slugs.includes('unauthorized')) {
    // API Gateway's JWT authorizer answers a missing or invalid token itself, in its own shape.
    content['application/json'] = {
      schema: z.strictObject({ message: z.literal('Unauthorized') }).meta({ id: 'GatewayUnauthorized' }),
    };
  }
  return {
    description: slugs.map((slug) => `\`${slug}\`: ${PROBLEM_TYPES[slug].when}.`).join(' '),
    content,
    ...(slugs.some((slug) => 'retryAfter' in PROBLEM_TYPES[slug]) ? { headers: retryAfter } : {}),
  };
}

/** Builds the document for the given routes (the API's own by default). */
export function buildOpenApiDocument(routes: readonly HttpRoute[] = httpRoutes) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'A Cognito ID token (locally: `npm run token`). The team and role come from its `custom:team_id` and ' +
      '`custom:role` claims, never from the request.',
  });
  registry.registerComponent('securitySchemes', 'ingestToken', {
    type: 'http',
    scheme: 'bearer',
    description:
      'An ingest token of the team (`aiu_ingest_…`, POST /ingest-tokens): what machines send with telemetry. ' +
      'Only its SHA-256 is kept; it names the team.',
  });
  for (const route of routes) {
    const operation = operations[routeKey(route)];
    if (!operation) throw new Error(`no OpenAPI operation for ${routeKey(route)}`);
    const responses: Record<number, ResponseConfig> = {};
    for (const success of operation.success) {
      responses[success.status] = {
        description: success.description,
        ...(success.schema
          ? {
              content: {
                [success.mediaType ?? 'application/json']: { schema: success.schema },
                ...(success.csv ? { 'text/csv': { schema: csvSchema(success.csv) } } : {}),
                ...Object.fromEntries(
                  Object.entries(success.alternatives ?? {}).map(([media, schema]) => [media, { schema }]),
                ),
              },
            }
          : {}),
        ...(success.headers ? { headers: success.headers } : {}),
      };
    }
    for (const [status, slugs] of documentedStatuses(route)) {
      if (slugs.length) responses[status] = problemResponse(slugs, route);
    }
    registry.registerPath({
      method: route.method.toLowerCase() as RouteConfig['method'],
      path: `${API_BASE_PATH}${route.path}`,
      operationId: operation.operationId,
      summary: operation.summary,
      ...(operation.description ? { description: operation.description } : {}),
      tags: [operation.tag],
      security: route.authenticated
        ? [{ bearerAuth: [] }]
        : takesIngestToken(route)
          ? [{ ingestToken: [] }]
          : [],
      ...(operation.request ? { request: operation.request } : {}),
      responses,
    });
  }
  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'AI usage analytics API',
      version: API_VERSION,
      description:
        'How an engineering team uses AI coding tools (Claude Code, GitHub Copilot, …): connect providers, sync ' +
        'their usage, read the dashboard. Errors are RFC 9457 problem+json. See docs/api.md.',
    },
    tags: [
      {
        name: 'Integrations',
        description: 'Provider connections and their keys (admins change, members read).',
      },
      { name: 'Sync', description: 'Fetching usage on demand.' },
      { name: 'Imports', description: 'Usage of tools without an API: CSV files and rows typed in.' },
      { name: 'People', description: 'The roster: people, their identities in each tool, and groups.' },
      { name: 'Dashboard', description: 'What a team page shows.' },
      { name: 'Telemetry', description: 'Ingest tokens, and the OpenTelemetry metrics they authenticate.' },
      { name: 'Service', description: 'Liveness and this document.' },
    ],
  });
  narrowProblemTypes(document, routes);
  return document;
}

/** Each error response's Problem gets `type` narrowed to the problem types that response can be. */
function narrowProblemTypes(
  document: ReturnType<OpenApiGeneratorV31['generateDocument']>,
  routes: readonly HttpRoute[],
) {
  for (const route of routes) {
    const operation =
      document.paths?.[`${API_BASE_PATH}${route.path}`]?.[route.method.toLowerCase() as 'get'];
    for (const [status, slugs] of documentedStatuses(route)) {
      const response = operation?.responses?.[String(status)] as {
        content?: Record<string, { schema?: unknown }>;
      };
      const media = response?.content?.['application/problem+json'];
      if (!media || !slugs.length) continue;
      media.schema = {
        allOf: [
          media.schema,
          { type: 'object', properties: { type: { type: 'string', enum: slugs.map(problemType) } } },
        ],
      };
    }
  }
}
