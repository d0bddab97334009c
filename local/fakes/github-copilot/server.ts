import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { addDays, isValidDay, utcDayOf } from '../shared/seeded';
import { createSleeper } from '../shared/server';
import {
  fakeDevelopers,
  lastActivity,
  usersReport,
  userTeamsReport,
  type CopilotUserRecord,
  type CopilotUserTeamRecord,
  type FakeDeveloper,
  type GeneratorOptions,
} from './data';
import { checkFault, GitHubFaultQueue, type GitHubFault } from './faults';

/**
 * A fake of the GitHub REST API parts the Copilot provider reads (provider-apis.md 2.1–2.4), over real
 * HTTP on 127.0.0.1: the organisation, the usage-metrics reports (signed, expiring links to NDJSON
 * files), the seats API with `Link` pagination, GitHub's error body and rate-limit headers, and
 * switchable faults and settings (policy off, missing permission, no seats). Also the one GraphQL query
 * the provider sends: the SAML identities (`externalIdentities`) of the organisation or enterprise.
 */

/**
 * Accepted by default. Built by concatenation so that secret scanners looking for GitHub tokens do not
 * flag this well-known demo value; it works only with this fake.
 */
export const DEMO_GITHUB_TOKEN = 'ghp_' + 'DemoOnlyLocalFakeGitHubToken' + '00000001';

export interface FakeGitHubOptions {
  /** Tokens with access to the Copilot reports; default [DEMO_GITHUB_TOKEN]. */
  tokens?: string[];
  /** Valid tokens that lack the Copilot metrics permission (reports and seats answer 403). */
  tokensWithoutPermission?: string[];
  organization?: { id: number; login: string; name: string };
  enterprise?: { id: number; slug: string };
  developers?: number;
  seed?: string;
  now?: () => Date;
  /** Days before today that have reports; default 120. */
  historyDays?: number;
  /** A day's reports appear this many days after it (GitHub: within two full UTC days); default 2. */
  publishLagDays?: number;
  /** Days for which GitHub publishes no report (too few users): the report call answers 204. */
  withheldDays?: string[];
  /** Lines per NDJSON file: a bigger report is split over several links; default 50. */
  linesPerFile?: number;
  /** How long a signed link works, in real milliseconds; default 5 minutes. */
  linkTtlMs?: number;
  /**
   * Serve the API under this path, as GitHub Enterprise Server does ("/api/v3"); default none. GraphQL is at
   * `<apiPrefix>/graphql`, or at "/api/graphql" when the prefix is "/api/v3" (as on GitHub Enterprise Server).
   */
  apiPrefix?: string;
  /** The initial `saml` setting; default 'off'. */
  saml?: FakeSamlMode;
  port?: number;
}

export interface GitHubRecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  /** Whether an Authorization header was sent (never its value). */
  authorized: boolean;
}

/**
 * SAML single sign-on as the GraphQL `externalIdentities` query sees it: 'off' → `samlIdentityProvider: null`;
 * 'on' → an identity for every developer (seated or not), their e-mail as NameID and primary e-mail;
 * 'forbidden' → 200 with a FORBIDDEN error and null data (the token may not read identities).
 */
export type FakeSamlMode = 'off' | 'on' | 'forbidden';
const SAML_MODES: readonly FakeSamlMode[] = ['off', 'on', 'forbidden'];

export interface FakeGitHubSettings {
  /** The "Copilot usage metrics" policy; off → report calls answer 404. */
  policyEnabled: boolean;
  /** Seats assigned; 0 → total_seats 0 and no report has content. Default: every developer. */
  seats: number;
  /** SAML single sign-on, for the GraphQL identities query; default 'off'. */
  saml: FakeSamlMode;
}

export interface FakeGitHubServer {
  /** e.g. http://127.0.0.1:54321 (plus apiPrefix), no trailing slash. */
  url: string;
  organization: { id: number; login: string; name: string };
  enterprise: { id: number; slug: string };
  developers: readonly FakeDeveloper[];
  faults: { add(fault: GitHubFault): void; clear(): void; pending(): number };
  settings: FakeGitHubSettings;
  requests: GitHubRecordedRequest[];
  /** The users-1-day records of a day exactly as served ([] when the day has no report). */
  usersFor(day: string, scope?: 'organization' | 'enterprise'): CopilotUserRecord[];
  teamsFor(day: string, scope?: 'organization' | 'enterprise'): CopilotUserTeamRecord[];
  /** Whether a report exists for the day (published, in range, not withheld, seats assigned). */
  published(day: string): boolean;
  revokeToken(token: string): void;
  /** Accepts a token (again), e.g. after revokeToken. */
  allowToken(token: string): void;
  close(): Promise<void>;
}

const DEFAULT_ORGANIZATION = { id: 90_210_001, login: 'demo-org', name: 'Demo Org' };
const DEFAULT_ENTERPRISE = { id: 7_700, slug: 'demo-enterprise' };
const DOCS = 'https://docs.github.com/rest/copilot/copilot-usage-metrics';
const FILES_PREFIX = '/__files/';
const CONTROL_PREFIX = '/__fake/';
const RATE_LIMIT = 5000;

interface Context {
  options: Required<Pick<FakeGitHubOptions, 'historyDays' | 'linesPerFile' | 'linkTtlMs'>> &
    FakeGitHubOptions;
  now: () => Date;
  tokens: Set<string>;
  noPermission: Set<string>;
  faults: GitHubFaultQueue;
  settings: FakeGitHubSettings;
  developers: FakeDeveloper[];
  files: Map<string, string>;
  secret: Buffer;
  baseUrl: string;
  used: number;
  generator(scope: 'organization' | 'enterprise'): GeneratorOptions;
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (response.destroyed || response.headersSent) return;
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, {
    'content-type': typeof body === 'string' ? 'application/x-ndjson' : 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'x-github-request-id': randomUUID().slice(0, 18).toUpperCase(),
    ...headers,
  });
  response.end(text);
}

function rateHeaders(context: Context): Record<string, string> {
  context.used++;
  return {
    'x-ratelimit-limit': String(RATE_LIMIT),
    'x-ratelimit-remaining': String(Math.max(0, RATE_LIMIT - context.used)),
    'x-ratelimit-used': String(context.used),
    'x-ratelimit-reset': String(Math.floor(context.now().getTime() / 1000) + 3600),
    'x-ratelimit-resource': 'core',
  };
}

function sign(context: Context, id: string, expires: number): string {
  return createHmac('sha256', context.secret).update(`${id}:${expires}`).digest('hex');
}

function published(context: Context, day: string): boolean {
  if (!isValidDay(day) || context.settings.seats === 0) return false;
  const today = utcDayOf(context.now());
  const lag = context.options.publishLagDays ?? 2;
  if (day > addDays(today, -lag) || day < addDays(today, -context.options.historyDays)) return false;
  return !(context.options.withheldDays ?? []).includes(day);
}

function seated(context: Context): FakeDeveloper[] {
  return context.developers.slice(0, context.settings.seats);
}

/** Stores the lines as one or more files and answers signed links to them. */
function links(context: Context, lines: string[]): string[] {
  const expired = context.faults.take('expired_link') !== undefined;
  const files: string[] = [];
  for (let start = 0; start < Math.max(lines.length, 1); start += context.options.linesPerFile) {
    const part = lines.slice(start, start + context.options.linesPerFile);
    const id = randomUUID();
    context.files.set(id, part.length > 0 ? `${part.join('\n')}\n` : '');
    const expires = expired ? Date.now() - 1000 : Date.now() + context.options.linkTtlMs;
    const origin = new URL(context.baseUrl).origin;
    files.push(`${origin}${FILES_PREFIX}${id}.ndjson?se=${expires}&sig=${sign(context, id, expires)}`);
  }
  return files;
}

function serveFile(context: Context, request: IncomingMessage, url: URL, response: ServerResponse): number {
  // Signed storage links refuse a second authentication scheme, as blob stores do.
  if (request.headers.authorization) {
    send(response, 400, '<?xml version="1.0"?><Error><Code>InvalidAuthenticationInfo</Code></Error>', {
      'content-type': 'application/xml',
    });
    return 400;
  }
  const id = url.pathname.slice(FILES_PREFIX.length).replace(/\.ndjson$/, '');
  const expires = Number(url.searchParams.get('se'));
  const given = Buffer.from(url.searchParams.get('sig') ?? '', 'hex');
  const expected = Buffer.from(sign(context, id, expires), 'hex');
  const text = context.files.get(id);
  const valid = text !== undefined && given.length === expected.length && timingSafeEqual(given, expected);
  if (!valid || Date.now() > expires) {
    send(
      response,
      403,
      '<?xml version="1.0"?><Error><Code>AuthenticationFailed</Code><Message>Signature not valid in the specified time frame</Message></Error>',
      { 'content-type': 'application/xml' },
    );
    return 403;
  }
  let body = text;
  if (context.faults.take('truncated_file') && body.length > 2) {
    const lastNewline = body.lastIndexOf('\n', body.length - 2);
    body = body.slice(0, lastNewline + 1 + Math.max(1, Math.floor((body.length - lastNewline - 2) / 2)));
  } else if (context.faults.take('bad_line')) {
    const lines = body.split('\n');
    lines.splice(Math.min(1, lines.length - 1), 0, '{"day": "2026-01-01", this is not json');
    body = lines.join('\n');
  } else if (context.faults.take('misshapen_line')) {
    const lines = body.split('\n');
    lines.splice(Math.min(1, lines.length - 1), 0, '{"day": 20260101, "user_id": "not a number"}');
    body = lines.join('\n');
  }
  send(response, 200, body);
  return 200;
}

interface Route {
  scope: 'organization' | 'enterprise';
  name: string;
  rest: string;
}

/** /orgs/{org}/… or /enterprises/{enterprise}/… of the configured account; undefined for anything else. */
function matchScope(context: Context, path: string): Route | 'unknown_account' | undefined {
  const match = /^\/(orgs|enterprises)\/([^/]+)(\/.*)?$/.exec(path);
  if (!match) return undefined;
  const [, kind, name, rest] = match as unknown as [string, string, string, string | undefined];
  const organization = context.options.organization ?? DEFAULT_ORGANIZATION;
  const enterprise = context.options.enterprise ?? DEFAULT_ENTERPRISE;
  const known =
    kind === 'orgs'
      ? name.toLowerCase() === organization.login.toLowerCase()
      : name.toLowerCase() === enterprise.slug.toLowerCase();
  if (!known) return 'unknown_account';
  return { scope: kind === 'orgs' ? 'organization' : 'enterprise', name, rest: rest ?? '' };
}

/** GitHub's error body; answers the status for the request log. */
function githubError(
  response: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string>,
): number {
  send(response, status, { message, documentation_url: DOCS, status: String(status) }, headers);
  return status;
}

function notFound(response: ServerResponse, headers: Record<string, string>): number {
  return githubError(response, 404, 'Not Found', headers);
}

/** A queued `status` fault, answered as GitHub would (rate-limit headers and messages included). */
function faultAnswer(
  context: Context,
  response: ServerResponse,
  fault: Extract<GitHubFault, { kind: 'status' }>,
  headers: Record<string, string>,
): number {
  const faultHeaders = { ...headers };
  let message =
    fault.status >= 500
      ? 'Server Error'
      : fault.status === 404
        ? 'Not Found'
        : fault.status === 401
          ? 'Bad credentials'
          : 'Forbidden';
  if (fault.rateLimit === 'primary') {
    faultHeaders['x-ratelimit-remaining'] = '0';
    // On the fake's clock, which is the clock its clients read in tests.
    faultHeaders['x-ratelimit-reset'] = String(
      Math.floor(context.now().getTime() / 1000) + (fault.retryAfterSeconds ?? 1),
    );
    message = 'API rate limit exceeded for user ID 1.';
  } else if (fault.rateLimit === 'secondary') {
    faultHeaders['retry-after'] = String(fault.retryAfterSeconds ?? 1);
    message = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';
  } else if (fault.status === 429) {
    faultHeaders['retry-after'] = String(fault.retryAfterSeconds ?? 1);
    message = 'Too many requests';
  }
  return githubError(response, fault.status, message, faultHeaders);
}

function bearerToken(request: IncomingMessage): string | undefined {
  return /^(?:Bearer|token)\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
}

function serveApi(context: Context, request: IncomingMessage, url: URL, response: ServerResponse): number {
  const headers = rateHeaders(context);
  const token = bearerToken(request);
  if (!token || !context.tokens.has(token)) {
    return githubError(response, 401, 'Bad credentials', headers);
  }
  const day = url.searchParams.get('day') ?? undefined;
  const fault = context.faults.take('status', { path: url.pathname, day });
  if (fault) return faultAnswer(context, response, fault, headers);

  const route = matchScope(context, url.pathname);
  if (route === undefined || route === 'unknown_account') return notFound(response, headers);
  const organization = context.options.organization ?? DEFAULT_ORGANIZATION;

  if (route.scope === 'organization' && route.rest === '') {
    send(
      response,
      200,
      { login: organization.login, id: organization.id, name: organization.name, type: 'Organization' },
      headers,
    );
    return 200;
  }
  const copilot = route.rest.startsWith('/copilot/');
  if (copilot && context.noPermission.has(token)) {
    return githubError(response, 403, 'Resource not accessible by personal access token', headers);
  }

  const report = /^\/copilot\/metrics\/reports\/([a-z0-9-]+)(\/latest)?$/.exec(route.rest);
  if (report) {
    if (!context.settings.policyEnabled) return notFound(response, headers);
    const name = `${report[1]}${report[2] ?? ''}`;
    const totals = route.scope === 'organization' ? 'organization' : 'enterprise';
    if (name === `${totals}-28-day/latest`) {
      const today = utcDayOf(context.now());
      send(
        response,
        200,
        {
          download_links: links(context, []),
          report_start_day: addDays(today, -29),
          report_end_day: addDays(today, -2),
        },
        headers,
      );
      return 200;
    }
    if (name !== 'users-1-day' && name !== 'user-teams-1-day') return notFound(response, headers);
    if (!day || !isValidDay(day)) {
      return githubError(response, 400, 'day is required and must be YYYY-MM-DD', headers);
    }
    if (!published(context, day)) {
      send(response, 204, undefined, headers);
      return 204;
    }
    const options = context.generator(route.scope);
    const records =
      name === 'users-1-day'
        ? usersReport(day, seated(context), options)
        : userTeamsReport(day, seated(context), options);
    send(
      response,
      200,
      {
        download_links: links(
          context,
          records.map((record) => JSON.stringify(record)),
        ),
        report_day: day,
      },
      headers,
    );
    return 200;
  }

  if (route.rest === '/copilot/billing/seats') return serveSeats(context, route, url, response, headers);
  return notFound(response, headers);
}

function serveSeats(
  context: Context,
  route: Route,
  url: URL,
  response: ServerResponse,
  headers: Record<string, string>,
): number {
  const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 50) || 50));
  const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
  const all = seated(context);
  const lastPage = Math.max(1, Math.ceil(all.length / perPage));
  const today = utcDayOf(context.now());
  const options = context.generator(route.scope);
  const seats = all.slice((page - 1) * perPage, page * perPage).map((developer, index) => {
    const activity = lastActivity(developer, today, options, addDays);
    return {
      created_at: `2025-11-${String(3 + (index % 20)).padStart(2, '0')}T09:12:44Z`,
      updated_at: '2025-11-03T09:12:44Z',
      pending_cancellation_date: null,
      last_activity_at: activity?.at ?? null,
      last_activity_editor: activity?.editor ?? null,
      last_authenticated_at: activity?.at ?? null,
      plan_type: 'business',
      assignee: { login: developer.login, id: developer.id, node_id: `U_${developer.id}`, type: 'User' },
      assigning_team: developer.team
        ? { id: developer.team.id, slug: developer.team.slug, name: developer.team.name }
        : null,
      organization: null,
    };
  });
  const link = (target: number) => {
    const next = new URL(url.toString().replace(url.origin, new URL(context.baseUrl).origin));
    next.searchParams.set('per_page', String(perPage));
    next.searchParams.set('page', String(target));
    return next.toString();
  };
  const rels: string[] = [];
  if (page < lastPage) rels.push(`<${link(page + 1)}>; rel="next"`, `<${link(lastPage)}>; rel="last"`);
  if (page > 1) rels.push(`<${link(1)}>; rel="first"`, `<${link(page - 1)}>; rel="prev"`);
  send(
    response,
    200,
    { total_seats: all.length, seats },
    { ...headers, ...(rels.length ? { link: rels.join(', ') } : {}) },
  );
  return 200;
}

/** Where GraphQL lives: `<prefix>/graphql`; GitHub Enterprise Server ("/api/v3") serves it at "/api/graphql". */
function graphqlPath(prefix: string): string {
  return prefix.endsWith('/api/v3') ? `${prefix.slice(0, -'/v3'.length)}/graphql` : `${prefix}/graphql`;
}

const IDENTITY_CURSOR = 'cursor:v2:';
const identityCursor = (index: number) => Buffer.from(`${IDENTITY_CURSOR}${index}`).toString('base64');

/** The index an opaque cursor stands for; undefined when it is not one of ours. */
function identityIndex(cursor: string): number | undefined {
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  if (!text.startsWith(IDENTITY_CURSOR)) return undefined;
  const index = Number(text.slice(IDENTITY_CURSOR.length));
  return Number.isInteger(index) && index >= 0 ? index : undefined;
}

/** A GraphQL answer of 200 with errors and null data, as GitHub sends refusals and bad arguments. */
function graphqlErrors(
  response: ServerResponse,
  headers: Record<string, string>,
  data: unknown,
  ...errors: { type: string; message: string; path?: string[] }[]
): number {
  send(response, 200, { data, errors }, headers);
  return 200;
}

/**
 * POST /graphql: only the SAML identities query (organisation form, or the enterprise form when the query
 * holds `enterprise(`), paged by the `first` / `after` variables (first at most 100) with opaque cursors.
 */
function serveGraphql(
  context: Context,
  request: IncomingMessage,
  body: unknown,
  response: ServerResponse,
): number {
  const headers = { ...rateHeaders(context), 'x-ratelimit-resource': 'graphql' };
  const token = bearerToken(request);
  if (!token || !context.tokens.has(token)) {
    return githubError(response, 401, 'Bad credentials', headers);
  }
  const fault = context.faults.take('status', { path: '/graphql' });
  if (fault) return faultAnswer(context, response, fault, headers);
  if (body === undefined) {
    send(response, 400, { message: 'Problems parsing JSON', documentation_url: DOCS }, headers);
    return 400;
  }
  const { query, variables: given } = (typeof body === 'object' && body !== null ? body : {}) as {
    query?: unknown;
    variables?: unknown;
  };
  if (typeof query !== 'string' || !query.includes('externalIdentities')) {
    return graphqlErrors(response, headers, null, {
      type: 'UNSUPPORTED',
      message: 'This fake answers only the externalIdentities query of a SAML identity provider.',
    });
  }
  const variables = (typeof given === 'object' && given !== null ? given : {}) as Record<string, unknown>;
  const enterpriseForm = query.includes('enterprise(');
  const root = enterpriseForm ? 'enterprise' : 'organization';
  const organization = context.options.organization ?? DEFAULT_ORGANIZATION;
  const enterprise = context.options.enterprise ?? DEFAULT_ENTERPRISE;
  const name = String(enterpriseForm ? variables.slug : variables.login);
  const known = enterpriseForm
    ? name.toLowerCase() === enterprise.slug.toLowerCase()
    : name.toLowerCase() === organization.login.toLowerCase();
  if (!known) {
    return graphqlErrors(
      response,
      headers,
      { [root]: null },
      {
        type: 'NOT_FOUND',
        path: [root],
        message: enterpriseForm
          ? `Could not resolve to an Enterprise with the slug of '${name}'.`
          : `Could not resolve to an Organization with the login of '${name}'.`,
      },
    );
  }
  if (context.settings.saml === 'forbidden' || context.noPermission.has(token)) {
    return graphqlErrors(
      response,
      headers,
      { [root]: null },
      {
        type: 'FORBIDDEN',
        path: [root],
        message: 'Resource not accessible by integration',
      },
    );
  }
  const wrap = (provider: unknown) =>
    enterpriseForm
      ? { enterprise: { ownerInfo: { samlIdentityProvider: provider } } }
      : { organization: { samlIdentityProvider: provider } };
  if (context.settings.saml === 'off') {
    send(response, 200, { data: wrap(null) }, headers);
    return 200;
  }

  const literalFirst = /externalIdentities\s*\(\s*first\s*:\s*(\d+)/.exec(query)?.[1];
  const first = Number(variables.first ?? literalFirst);
  if (!Number.isInteger(first) || first < 1 || first > 100) {
    return graphqlErrors(response, headers, null, {
      type: 'EXCESSIVE_PAGINATION',
      message:
        'You must provide a `first` value between 1 and 100 to properly paginate the `externalIdentities` connection.',
    });
  }
  let start = 0;
  if (variables.after !== undefined && variables.after !== null) {
    const index = typeof variables.after === 'string' ? identityIndex(variables.after) : undefined;
    if (index === undefined) {
      return graphqlErrors(response, headers, null, {
        type: 'INVALID_CURSOR_ARGUMENTS',
        message: `\`${String(variables.after)}\` does not appear to be a valid cursor.`,
      });
    }
    start = index + 1;
  }
  const page = context.developers.slice(start, start + first);
  send(
    response,
    200,
    {
      data: wrap({
        externalIdentities: {
          pageInfo: {
            hasNextPage: start + page.length < context.developers.length,
            endCursor: page.length > 0 ? identityCursor(start + page.length - 1) : null,
          },
          nodes: page.map((developer) => ({
            user: { login: developer.login, databaseId: developer.id },
            samlIdentity: { nameId: developer.email, emails: [{ value: developer.email, primary: true }] },
            scimIdentity: null,
          })),
        },
      }),
    },
    headers,
  );
  return 200;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

async function serveControl(
  context: Context,
  request: IncomingMessage,
  url: URL,
  response: ServerResponse,
): Promise<void> {
  const route = `${request.method} ${url.pathname}`;
  if (route === 'GET /__fake/health') return send(response, 200, { status: 'ok' });
  if (route === 'DELETE /__fake/faults') {
    context.faults.clear();
    return send(response, 204, undefined);
  }
  let body: unknown;
  try {
    body = await readJson(request);
  } catch {
    return send(response, 400, { message: 'send a JSON body' });
  }
  if (route === 'POST /__fake/faults') {
    const fault = checkFault(body);
    if (typeof fault === 'string') return send(response, 400, { message: fault });
    context.faults.add(fault);
    return send(response, 201, { queued: fault, pending: context.faults.pending() });
  }
  if (route === 'PATCH /__fake/settings') {
    const patch = body as Partial<FakeGitHubSettings>;
    if (patch.policyEnabled !== undefined && typeof patch.policyEnabled !== 'boolean') {
      return send(response, 400, { message: 'policyEnabled must be a boolean' });
    }
    if (patch.seats !== undefined && !(Number.isInteger(patch.seats) && patch.seats >= 0)) {
      return send(response, 400, { message: 'seats must be a non-negative integer' });
    }
    if (patch.saml !== undefined && !SAML_MODES.includes(patch.saml)) {
      return send(response, 400, { message: `saml must be one of ${SAML_MODES.join(', ')}` });
    }
    Object.assign(context.settings, {
      ...(patch.policyEnabled !== undefined ? { policyEnabled: patch.policyEnabled } : {}),
      ...(patch.saml !== undefined ? { saml: patch.saml } : {}),
      ...(patch.seats !== undefined ? { seats: Math.min(patch.seats, context.developers.length) } : {}),
    });
    return send(response, 200, context.settings);
  }
  send(response, 404, {
    message: 'control routes: GET /__fake/health, POST|DELETE /__fake/faults, PATCH /__fake/settings',
  });
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHubServer> {
  const organization = options.organization ?? DEFAULT_ORGANIZATION;
  const enterprise = options.enterprise ?? DEFAULT_ENTERPRISE;
  const seed = options.seed ?? 'demo';
  const developers = fakeDevelopers({ seed, developers: options.developers ?? 15 });
  const context: Context = {
    options: { historyDays: 120, linesPerFile: 50, linkTtlMs: 300_000, ...options },
    now: options.now ?? (() => new Date()),
    tokens: new Set(options.tokens ?? [DEMO_GITHUB_TOKEN]),
    noPermission: new Set(options.tokensWithoutPermission ?? []),
    faults: new GitHubFaultQueue(),
    settings: { policyEnabled: true, seats: developers.length, saml: options.saml ?? 'off' },
    developers,
    files: new Map(),
    secret: randomBytes(32),
    baseUrl: '',
    used: 0,
    generator: (scope) => ({
      seed,
      developers: developers.length,
      organizationId: String(organization.id),
      enterpriseId: String(enterprise.id),
      scope,
    }),
  };
  for (const token of context.noPermission) context.tokens.add(token);
  if (options.saml !== undefined && !SAML_MODES.includes(options.saml)) {
    throw new TypeError(`saml must be one of ${SAML_MODES.join(', ')}`);
  }
  const prefix = options.apiPrefix ?? '';
  const graphql = graphqlPath(prefix);
  const requests: GitHubRecordedRequest[] = [];
  const sleeper = createSleeper();

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith(CONTROL_PREFIX)) {
      void serveControl(context, request, url, response);
      return;
    }
    const record = (status: number) =>
      requests.push({
        method: request.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        status,
        authorized: request.headers.authorization !== undefined,
      });
    if (request.method === 'POST' && url.pathname === graphql) {
      void readJson(request)
        .catch(() => undefined)
        .then((body) => record(serveGraphql(context, request, body, response)));
      return;
    }
    let status: number;
    if (request.method !== 'GET') {
      status = notFound(response, {});
    } else if (url.pathname.startsWith(FILES_PREFIX)) {
      status = serveFile(context, request, url, response);
    } else if (prefix && !url.pathname.startsWith(`${prefix}/`)) {
      status = notFound(response, {});
    } else {
      const apiUrl = new URL(url);
      apiUrl.pathname = url.pathname.slice(prefix.length);
      const day = apiUrl.searchParams.get('day') ?? undefined;
      const slow = context.faults.take('slow', { path: apiUrl.pathname, day });
      if (slow) {
        void sleeper.sleep(slow.delayMs).then(() => record(serveApi(context, request, apiUrl, response)));
        return;
      }
      status = serveApi(context, request, apiUrl, response);
    }
    record(status);
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  context.baseUrl = `http://127.0.0.1:${port}${prefix}`;

  return {
    url: context.baseUrl,
    organization,
    enterprise,
    developers,
    faults: context.faults,
    settings: context.settings,
    requests,
    usersFor: (day, scope = 'organization') =>
      published(context, day) ? usersReport(day, seated(context), context.generator(scope)) : [],
    teamsFor: (day, scope = 'organization') =>
      published(context, day) ? userTeamsReport(day, seated(context), context.generator(scope)) : [],
    published: (day) => published(context, day),
    revokeToken: (token) => void context.tokens.delete(token),
    allowToken: (token) => void context.tokens.add(token),
    close: () =>
      new Promise<void>((resolve, reject) => {
        sleeper.cancelAll();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
