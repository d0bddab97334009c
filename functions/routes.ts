/**
 * The HTTP API's routes, in one place: the CDK app builds API Gateway routes from this list and the
 * local server dispatches with it, so both expose exactly the same API.
 */
export const API_BASE_PATH = '/api/ai-usage';

export type HttpFunctionName =
  | 'health'
  | 'openapi'
  | 'connect'
  | 'sync'
  | 'integrations'
  | 'members'
  | 'imports'
  | 'dashboard'
  | 'ingestTokens'
  | 'otlp';

export type HttpRoute = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path under API_BASE_PATH, with API Gateway `{param}` placeholders. */
  path: string;
  function: HttpFunctionName;
} & (
  | { authenticated: true }
  /** Only routes that read no data go without a verified JWT, and each says why. */
  | { authenticated: false; publicBecause: string }
  /**
   * Routes a team's machines call with one of its ingest tokens (never the sign-in JWT, which developers'
   * machines do not hold): the handler resolves the token to its team by its SHA-256 (ingestTokenOf).
   */
  | { authenticated: false; ingestToken: true }
);

/** Whether a route takes a team's ingest token instead of the JWT. */
export const takesIngestToken = (route: HttpRoute): boolean => 'ingestToken' in route && route.ingestToken;

export const httpRoutes: readonly HttpRoute[] = [
  {
    method: 'GET',
    path: '/health',
    function: 'health',
    authenticated: false,
    publicBecause: 'it is a liveness probe that reads no data',
  },
  {
    method: 'GET',
    path: '/openapi.json',
    function: 'openapi',
    authenticated: false,
    publicBecause: 'it serves the API description, built from code, and reads no data',
  },
  { method: 'POST', path: '/connect', function: 'connect', authenticated: true },
  { method: 'POST', path: '/sync', function: 'sync', authenticated: true },
  { method: 'GET', path: '/integrations', function: 'integrations', authenticated: true },
  { method: 'GET', path: '/integrations/{id}', function: 'integrations', authenticated: true },
  { method: 'PATCH', path: '/integrations/{id}', function: 'integrations', authenticated: true },
  { method: 'DELETE', path: '/integrations/{id}', function: 'integrations', authenticated: true },
  { method: 'GET', path: '/members', function: 'members', authenticated: true },
  { method: 'PUT', path: '/members', function: 'members', authenticated: true },
  { method: 'PATCH', path: '/members/{id}', function: 'members', authenticated: true },
  { method: 'DELETE', path: '/members/{id}', function: 'members', authenticated: true },
  {
    method: 'GET',
    path: '/imports/template.csv',
    function: 'imports',
    authenticated: false,
    publicBecause: 'it serves the import template, the same file for every team, and reads no data',
  },
  { method: 'POST', path: '/imports', function: 'imports', authenticated: true },
  { method: 'GET', path: '/imports', function: 'imports', authenticated: true },
  { method: 'POST', path: '/imports/manual', function: 'imports', authenticated: true },
  { method: 'GET', path: '/imports/{id}', function: 'imports', authenticated: true },
  { method: 'GET', path: '/dashboard', function: 'dashboard', authenticated: true },
  { method: 'GET', path: '/dashboard/developers', function: 'dashboard', authenticated: true },
  { method: 'GET', path: '/dashboard/seats', function: 'dashboard', authenticated: true },
  { method: 'GET', path: '/dashboard/developers/{id}', function: 'dashboard', authenticated: true },
  { method: 'GET', path: '/dashboard/me', function: 'dashboard', authenticated: true },
  { method: 'POST', path: '/ingest-tokens', function: 'ingestTokens', authenticated: true },
  { method: 'GET', path: '/ingest-tokens', function: 'ingestTokens', authenticated: true },
  { method: 'DELETE', path: '/ingest-tokens/{id}', function: 'ingestTokens', authenticated: true },
  { method: 'POST', path: '/otlp/v1/metrics', function: 'otlp', authenticated: false, ingestToken: true },
];

/** Source file of each Lambda function (relative to the project root). */
export const functionEntries = {
  health: 'functions/handlers/health.ts',
  openapi: 'functions/handlers/openapi.ts',
  connect: 'functions/handlers/connect.ts',
  sync: 'functions/handlers/sync.ts',
  integrations: 'functions/handlers/integrations.ts',
  members: 'functions/handlers/members.ts',
  imports: 'functions/handlers/imports.ts',
  dashboard: 'functions/handlers/dashboard.ts',
  ingestTokens: 'functions/handlers/ingest-tokens.ts',
  otlp: 'functions/handlers/otlp.ts',
  otlpAuthorizer: 'functions/handlers/otlp-authorizer.ts',
  scheduler: 'functions/handlers/scheduler.ts',
  fetcher: 'functions/handlers/fetcher.ts',
  attribution: 'functions/handlers/attribution.ts',
  telemetryRebuild: 'functions/handlers/telemetry-rebuild.ts',
  importWorker: 'functions/handlers/import-worker.ts',
} as const;
