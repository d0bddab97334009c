import { randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { decodeCursor, encodeCursor } from './cursor';
import {
  addDays,
  generateClaudeCodeRecords,
  isValidDay,
  toUtcDay,
  utcDayOf,
  type ClaudeCodeRecord,
  type GeneratorOptions,
} from './data';
import { ClaudeCodeFaultQueue, parseFaultSpec, type FaultSpec, type FaultStatus } from './faults';
import { damageBody, type BodyDamage } from '../shared/damaged-body';
import { createSleeper, listen } from '../shared/server';

/**
 * A fake of the Anthropic Admin API over real HTTP on 127.0.0.1 (docs: provider-apis.md, 1.1 and 1.2):
 * `GET /v1/organizations/me` and `GET /v1/organizations/usage_report/claude_code` with the documented
 * headers, cursor pagination and error envelope, plus queued faults and a few `/__fake/` control routes.
 */

/**
 * Accepted by default. Built by concatenation, with a body shorter than real keys, so that secret
 * scanners looking for Anthropic keys do not flag this well-known demo value.
 */
export const DEMO_ANTHROPIC_ADMIN_KEY =
  'sk-ant-admin01-' +
  'DemoOnly_local-fake-Anthropic-admin-key_not-a-secret_use-only-with-the-fake-0001' +
  'AA';

export interface FakeAnthropicOptions {
  /** Keys that are accepted; default [DEMO_ANTHROPIC_ADMIN_KEY]. */
  adminKeys?: string[];
  /** Keys that authenticate but get 403 permission_error (e.g. a key of the wrong type). */
  forbiddenKeys?: string[];
  organization?: { id: string; name: string };
  /** Number of user_actor developers; default 12. */
  developers?: number;
  /** Number of api_actor actors (ci-bot, release-bot, ...); default 1. */
  apiKeyActors?: number;
  /** Data exists for this many UTC days before today; today, the future and older days are empty. */
  historyDays?: number;
  /** Same seed, same data; default 'demo'. */
  seed?: string;
  now?: () => Date;
  /** Probability that an active actor-day is reported as two records on different terminals; default 0.1. */
  splitRecordRate?: number;
  /** Default 0: a free port. */
  port?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The status answered; 0 while no answer has been sent (slow fault) or if the client went away. */
  status: number;
  at: Date;
}

export interface FakeAnthropicServer {
  /** e.g. http://127.0.0.1:54321, no trailing slash. */
  url: string;
  port: number;
  organization: { id: string; name: string };
  faults: { add(f: FaultSpec): void; clear(): void; pending(): number };
  /** Every request outside /__fake/ (never the key). */
  requests: RecordedRequest[];
  /** All records of a UTC day in the order served, exactly as the API returns them across all pages. */
  recordsFor(date: string): ClaudeCodeRecord[];
  /** Later requests with this key get 401. */
  revokeKey(key: string): void;
  close(): Promise<void>;
}

const DEFAULT_ORGANIZATION = { id: '5f0c9a7e-3b1d-4e62-8a47-2c9d0e6b1f38', name: 'Demo Org' };
const ORGANIZATION_PATH = '/v1/organizations/me';
const CLAUDE_CODE_PATH = '/v1/organizations/usage_report/claude_code';
const API_PREFIX = '/v1/';
const CONTROL_PREFIX = '/__fake/';
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;
const MAX_CONTROL_BODY_BYTES = 64 * 1024;

type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

interface Refusal {
  status: number;
  type: ErrorType;
  message: string;
  headers?: Record<string, string>;
}

const FAULT_ERRORS: Record<FaultStatus, { type: ErrorType; message: string }> = {
  400: { type: 'invalid_request_error', message: 'invalid request' },
  401: { type: 'authentication_error', message: 'invalid x-api-key' },
  403: { type: 'permission_error', message: 'Your API key does not have permission to use this resource.' },
  429: { type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit.' },
  500: { type: 'api_error', message: 'Internal server error' },
  529: { type: 'overloaded_error', message: 'Overloaded' },
};

interface Settings {
  adminKeys: ReadonlySet<string>;
  forbiddenKeys: ReadonlySet<string>;
  organization: { id: string; name: string };
  historyDays: number;
  now: () => Date;
  generator: GeneratorOptions;
}

interface FakeState {
  settings: Settings;
  faults: ClaudeCodeFaultQueue;
  requests: RecordedRequest[];
  revoked: Set<string>;
  recordsFor(day: string): ClaudeCodeRecord[];
  sleep(ms: number): Promise<void>;
}

/** Writes JSON answers; every answer carries a request-id header, errors the documented envelope. */
interface Reply {
  json(status: number, body: unknown, headers?: Record<string, string>): void;
  error(refusal: Refusal): void;
}

// ---------------------------------------------------------------------------------------------
// Settings and data window
// ---------------------------------------------------------------------------------------------

function resolveSettings(options: FakeAnthropicOptions): Settings {
  const historyDays = options.historyDays ?? 120;
  if (!Number.isInteger(historyDays) || historyDays < 0) {
    throw new RangeError('historyDays must be a non-negative integer');
  }
  const organization = { ...(options.organization ?? DEFAULT_ORGANIZATION) };
  return {
    adminKeys: new Set(options.adminKeys ?? [DEMO_ANTHROPIC_ADMIN_KEY]),
    forbiddenKeys: new Set(options.forbiddenKeys ?? []),
    organization,
    historyDays,
    now: options.now ?? (() => new Date()),
    generator: {
      developers: options.developers ?? 12,
      apiKeyActors: options.apiKeyActors ?? 1,
      seed: options.seed ?? 'demo',
      splitRecordRate: options.splitRecordRate ?? 0.1,
      organizationId: organization.id,
    },
  };
}

/** Data exists for the historyDays UTC days before today: never for today (not final yet) or later. */
function recordsInWindow(settings: Settings, day: string): ClaudeCodeRecord[] {
  if (!isValidDay(day)) throw new RangeError(`recordsFor needs a YYYY-MM-DD day, got "${day}"`);
  const today = utcDayOf(settings.now());
  if (day >= today || day < addDays(today, -settings.historyDays)) return [];
  return generateClaudeCodeRecords(day, settings.generator);
}

// ---------------------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------------------

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Shaped like Anthropic's ids (req_ + base62); random so clients cannot rely on them. */
function newRequestId(): string {
  let id = 'req_011C';
  for (let i = 0; i < 20; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

function createReply(
  response: ServerResponse,
  onStatus: (status: number) => void = () => {},
  damage?: BodyDamage,
): Reply {
  const requestId = newRequestId();
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    // A slow answer may outlive its client (or the server); there is nobody left to answer.
    if (response.destroyed || response.headersSent) return;
    const text = damage ? damageBody(JSON.stringify(body), damage) : JSON.stringify(body);
    response.writeHead(status, {
      ...headers,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
      'request-id': requestId,
    });
    response.end(text);
    onStatus(status);
  };
  return {
    json,
    error: ({ status, type, message, headers }) =>
      json(status, { type: 'error', error: { type, message }, request_id: requestId }, headers),
  };
}

function faultRefusal(fault: FaultSpec & { status: FaultStatus }): Refusal {
  const headers: Record<string, string> = {};
  if (fault.status === 429 && fault.retryAfterSeconds !== null) {
    headers['retry-after'] = String(Math.ceil(fault.retryAfterSeconds ?? 1));
  }
  return { status: fault.status, ...FAULT_ERRORS[fault.status], headers };
}

// ---------------------------------------------------------------------------------------------
// /v1/ API
// ---------------------------------------------------------------------------------------------

function apiKeyOf(request: IncomingMessage): string | undefined {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  return /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
}

/** The documented header rules: a 2023- version, then a known, unrevoked key of the right type. */
function checkHeaders(state: FakeState, request: IncomingMessage): Refusal | undefined {
  const version = request.headers['anthropic-version'];
  if (typeof version !== 'string' || !version.startsWith('2023-')) {
    const message = version
      ? `anthropic-version: invalid version "${version}"`
      : 'anthropic-version: header is required';
    return { status: 400, type: 'invalid_request_error', message };
  }
  const key = apiKeyOf(request);
  if (key === undefined || state.revoked.has(key)) {
    return { status: 401, type: 'authentication_error', message: 'invalid x-api-key' };
  }
  if (state.settings.forbiddenKeys.has(key)) {
    return {
      status: 403,
      type: 'permission_error',
      message: 'This API key cannot be used with the Admin API; use an Admin API key (sk-ant-admin01-...).',
    };
  }
  if (!state.settings.adminKeys.has(key)) {
    return { status: 401, type: 'authentication_error', message: 'invalid x-api-key' };
  }
  return undefined;
}

function badRequest(message: string): Refusal {
  return { status: 400, type: 'invalid_request_error', message };
}

function parseLimit(value: string | null): number | undefined {
  if (value === null) return DEFAULT_LIMIT;
  if (!/^\d{1,4}$/.test(value)) return undefined;
  const limit = Number(value);
  return limit >= 1 && limit <= MAX_LIMIT ? limit : undefined;
}

function handleOrganization(state: FakeState, _url: URL, reply: Reply): void {
  const { id, name } = state.settings.organization;
  reply.json(200, { id, type: 'organization', name });
}

function handleClaudeCodeReport(state: FakeState, url: URL, reply: Reply): void {
  const day = toUtcDay(url.searchParams.get('starting_at') ?? '');
  if (!day)
    return reply.error(badRequest('starting_at: must be a date (YYYY-MM-DD) or an RFC 3339 timestamp'));
  const limit = parseLimit(url.searchParams.get('limit'));
  if (limit === undefined) return reply.error(badRequest(`limit: must be an integer from 1 to ${MAX_LIMIT}`));
  const records = state.recordsFor(day);
  const page = url.searchParams.get('page');
  const offset = page === null ? 0 : decodeCursor(page, day, records.length);
  if (offset === undefined) return reply.error(badRequest('page: invalid page cursor'));
  const hasMore = offset + limit < records.length;
  reply.json(200, {
    data: records.slice(offset, offset + limit),
    has_more: hasMore,
    next_page: hasMore ? encodeCursor(day, offset + limit) : null,
  });
}

const API_ROUTES = new Map<string, (state: FakeState, url: URL, reply: Reply) => void>([
  [ORGANIZATION_PATH, handleOrganization],
  [CLAUDE_CODE_PATH, handleClaudeCodeReport],
]);

function handleApi(state: FakeState, request: IncomingMessage, url: URL, reply: Reply): void {
  const notFound: Refusal = { status: 404, type: 'not_found_error', message: `Not found: ${url.pathname}` };
  if (!url.pathname.startsWith(API_PREFIX)) return reply.error(notFound);
  const refusal = checkHeaders(state, request);
  if (refusal) return reply.error(refusal);
  const route = API_ROUTES.get(url.pathname);
  if (!route) return reply.error(notFound);
  if (request.method !== 'GET') {
    const message = `Method ${request.method ?? '?'} is not allowed on ${url.pathname}`;
    return reply.error({ status: 405, type: 'invalid_request_error', message, headers: { allow: 'GET' } });
  }
  route(state, url, reply);
}

function recordRequest(state: FakeState, request: IncomingMessage, url: URL): RecordedRequest {
  const recorded: RecordedRequest = {
    method: request.method ?? 'GET',
    path: url.pathname,
    // Only the query: the key travels in headers, which are never kept.
    query: Object.fromEntries(url.searchParams),
    status: 0,
    at: state.settings.now(),
  };
  state.requests.push(recorded);
  return recorded;
}

/** Record, then queued faults (they win over everything, as a real outage would), then normal handling. */
async function handleApiRequest(
  state: FakeState,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  const recorded = recordRequest(state, request, url);
  const day = toUtcDay(url.searchParams.get('starting_at') ?? '');
  const fault = state.faults.take({ path: url.pathname, day });
  const reply = createReply(response, (status) => (recorded.status = status), fault?.damage);
  if (fault?.delayMs) await state.sleep(fault.delayMs);
  if (fault?.status !== undefined) return reply.error(faultRefusal({ ...fault, status: fault.status }));
  handleApi(state, request, url, reply);
}

// ---------------------------------------------------------------------------------------------
// /__fake/ control routes (for trying faults by hand during a local run)
// ---------------------------------------------------------------------------------------------

async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_CONTROL_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** JSON has no Infinity: an unlimited fault is reported as the string "Infinity". */
function pendingForJson(faults: ClaudeCodeFaultQueue): number | string {
  const pending = faults.pending();
  return Number.isFinite(pending) ? pending : 'Infinity';
}

async function addFaultFromBody(state: FakeState, request: IncomingMessage, reply: Reply): Promise<void> {
  const text = await readBody(request);
  if (text === undefined) {
    return reply.error({ status: 413, type: 'request_too_large', message: 'fault body is too large' });
  }
  const parsed = parseFaultSpec(parseJson(text));
  if ('error' in parsed) return reply.error(badRequest(parsed.error));
  state.faults.add(parsed.fault);
  reply.json(201, { added: parsed.fault, pending: pendingForJson(state.faults) });
}

async function handleControl(
  state: FakeState,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  const reply = createReply(response);
  const route = `${request.method ?? ''} ${url.pathname}`;
  if (route === 'GET /__fake/health') return reply.json(200, { status: 'ok' });
  if (route === 'POST /__fake/faults') return addFaultFromBody(state, request, reply);
  if (route === 'DELETE /__fake/faults') {
    state.faults.clear();
    return reply.json(200, { pending: 0 });
  }
  const known = url.pathname === '/__fake/health' || url.pathname === '/__fake/faults';
  reply.error(
    known
      ? { status: 405, type: 'invalid_request_error', message: `Method ${request.method ?? '?'} not allowed` }
      : { status: 404, type: 'not_found_error', message: `Not found: ${url.pathname}` },
  );
}

// ---------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------

async function route(state: FakeState, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  try {
    if (url.pathname.startsWith(CONTROL_PREFIX)) await handleControl(state, request, response, url);
    else await handleApiRequest(state, request, response, url);
  } catch (error) {
    // A bug in the fake must show up as a clear 500, not as a hung test.
    const message = `fake Anthropic server failed: ${error instanceof Error ? error.message : String(error)}`;
    createReply(response).error({ status: 500, type: 'api_error', message });
  }
}

function closeServer(server: Server, cancelTimers: () => void): Promise<void> {
  return new Promise((resolve) => {
    cancelTimers();
    // close() stops accepting; closeAllConnections() drops keep-alive sockets fetch would hold open.
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropicServer> {
  const settings = resolveSettings(options);
  const sleeper = createSleeper();
  const state: FakeState = {
    settings,
    faults: new ClaudeCodeFaultQueue(),
    requests: [],
    revoked: new Set(),
    recordsFor: (day) => recordsInWindow(settings, day),
    sleep: sleeper.sleep,
  };
  const server = createServer((request, response) => void route(state, request, response));
  const port = await listen(server, options.port ?? 0);
  let closing: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    organization: { ...settings.organization },
    faults: {
      add: (fault) => state.faults.add(fault),
      clear: () => state.faults.clear(),
      pending: () => state.faults.pending(),
    },
    requests: state.requests,
    recordsFor: state.recordsFor,
    revokeKey: (key) => void state.revoked.add(key),
    close: () => (closing ??= closeServer(server, sleeper.cancelAll)),
  };
}
