import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { addDays, isValidDay, utcDayOf } from '../shared/seeded';
import {
  auditLog,
  compareEventsNewestFirst,
  cursorTeamData,
  DAY_MS,
  dayStart,
  eventsUntil,
  isMemberOn,
  roundCents,
  spendLimits,
  usageRow,
  type CursorAuditEvent,
  type CursorMember,
  type CursorRosterEntry,
  type CursorTeamData,
  type CursorUsageEvent,
  type CursorUsageRow,
  type GeneratedEvent,
} from './data';
import { CursorFaultQueue, FAULT_BODIES, parseCursorFault, type CursorFault } from './faults';
import { damageBody, type BodyDamage } from '../shared/damaged-body';
import { createSleeper, listen } from '../shared/server';
import { maxInWindow, RollingLimiter, type RateLimit } from '../shared/rate-limit';

export { maxInWindow, type RateLimit };

/**
 * A fake of the Cursor Admin API (provider-apis.md 3, provider-apis-2026-11.md 1) over real HTTP on
 * 127.0.0.1: `GET /teams/members`, `GET /teams/audit-logs`, `POST /teams/daily-usage-data` (unpaged: active
 * users only; paged by users: every member, idle days included), `POST /teams/filtered-usage-events`
 * (events without ids, newest first) and `POST /teams/spend` (current billing cycle), with HTTP Basic
 * auth, Cursor's `{error, message}` bodies, per-team rolling rate limits (20/min Admin, 60/min events,
 * 429 without `Retry-After`), a history window, queued faults and `/__fake/` control routes.
 */

/**
 * Accepted by default: `crsr_` + 64 characters like a real team key. Built by concatenation so that
 * secret scanners do not flag this well-known demo value; it works only with this fake.
 */
export const DEMO_CURSOR_KEY =
  'crsr_' + 'DemoOnlyLocalFakeCursorKey' + 'UseOnlyWithTheFakeServer' + '00000000000001';

export interface FakeCursorOptions {
  /** Keys of an Enterprise team; default [DEMO_CURSOR_KEY]. */
  apiKeys?: string[];
  /** Valid keys of a non-Enterprise team: 403 "Enterprise access required". */
  nonEnterpriseKeys?: string[];
  /** Default 12345. */
  teamId?: number;
  /** Members in all, removed ones included; default 10. */
  developers?: number;
  /** How many of them have left the team (isRemoved true); default 1. */
  removedDevelopers?: number;
  /** Same seed (and clock), same data; default 'demo'. */
  seed?: string;
  /** The fake's "today" (data clock); default real time. Rate limits always run on real time. */
  now?: () => Date;
  /** Days before today that have usage; older days have none at all; default 120. */
  historyDays?: number;
  /** members, audit-logs, daily-usage-data, spend; default 20 per 60 s. */
  rateLimit?: RateLimit;
  /** filtered-usage-events; default 60 per 60 s. */
  eventsRateLimit?: RateLimit;
  /** Send `Retry-After` (seconds) on the limiter's 429s; default false, as Cursor documents none. */
  sendRetryAfter?: boolean;
  /** Default 0: a free port. */
  port?: number;
}

export interface CursorRecordedRequest {
  method: string;
  /** The path without the query. */
  path: string;
  /** The query parameters (audit-logs takes its arguments there). */
  query: Record<string, string>;
  /** The parsed JSON body (the raw text if it was not JSON); undefined without a body. */
  body: unknown;
  /** The status answered; 0 while a slow fault holds the answer (or if the client went away). */
  status: number;
  /** Real time of arrival, Date.now(). */
  at: number;
  /** Whether an Authorization header was sent (never its value). */
  authorized: boolean;
}

export interface FakeCursorServer {
  /** http://127.0.0.1:PORT, no trailing slash. */
  url: string;
  teamId: number;
  /** As GET /teams/members returns them. */
  members: readonly CursorMember[];
  /** The members with their numeric daily-usage `userId` and membership days. */
  roster: readonly CursorRosterEntry[];
  /** Every request outside /__fake/, refused ones included, in order of arrival. */
  requests: CursorRecordedRequest[];
  faults: { add(fault: CursorFault): void; clear(): void; pending(): number };
  /** Revoke a key from now on (401 Invalid API key), e.g. mid-backfill. */
  revokeKey(key: string): void;
  /**
   * Every daily-usage row of a day exactly as served in paged mode (all members with a membership that
   * day, isActive false on idle days), by userId; [] for a day outside the history window.
   */
  usageRows(day: string): CursorUsageRow[];
  /** Every usage event of a day as served (newest first, without ids), for computing expected sums. */
  usageEvents(day: string): CursorUsageEvent[];
  /**
   * The most requests (to the given paths, all if omitted) seen in any rolling window of `windowMs` real
   * milliseconds, counting every recorded request, refused or not.
   */
  maxRequestsInWindow(windowMs: number, paths?: string[]): number;
  close(): Promise<void>;
}

export const CURSOR_PATHS = {
  members: '/teams/members',
  auditLogs: '/teams/audit-logs',
  dailyUsage: '/teams/daily-usage-data',
  usageEvents: '/teams/filtered-usage-events',
  spend: '/teams/spend',
} as const;

const CONTROL_PREFIX = '/__fake/';
const MAX_BODY_BYTES = 1024 * 1024;
const MAX_RANGE_DAYS = 30;
const EVENTS_DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;
const AUDIT_DEFAULT_PAGE_SIZE = 100;
const AUDIT_MAX_PAGE_SIZE = 500;
const HOSTING_TYPES = ['CLOUD', 'SELF_HOSTED', 'SELF_HOSTED_POOL', 'SELF_HOSTED_MACHINE'];

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** A fault's damage to the JSON sent. */
  damage?: BodyDamage;
}

function error(status: keyof typeof FAULT_BODIES, message?: string): Answer {
  const base = FAULT_BODIES[status];
  return { status, body: { error: base.error, message: message ?? base.message } };
}

const badRequest = (message: string) => error(400, message);

interface State {
  teamId: number;
  seed: string;
  historyDays: number;
  now: () => Date;
  data: CursorTeamData;
  audit: CursorAuditEvent[];
  enterpriseKeys: ReadonlySet<string>;
  nonEnterpriseKeys: ReadonlySet<string>;
  revoked: Set<string>;
  faults: CursorFaultQueue;
  requests: CursorRecordedRequest[];
  limiters: { admin: RollingLimiter; events: RollingLimiter };
  sendRetryAfter: boolean;
  sleep(ms: number): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// The data window: history days up to today; today up to the last full hour (hourly aggregation)
// ---------------------------------------------------------------------------------------------

function today(state: State): string {
  return utcDayOf(state.now());
}

function inHistory(state: State, day: string): boolean {
  const current = today(state);
  return day <= current && day >= addDays(current, -state.historyDays);
}

function cutoffOf(state: State, day: string): number {
  if (day !== today(state)) return Infinity;
  const now = state.now().getTime();
  return now - (now % 3_600_000);
}

function rowsOfDay(state: State, day: string): CursorUsageRow[] {
  if (!isValidDay(day) || !inHistory(state, day)) return [];
  const memberDays = state.data.day(day);
  const cutoff = cutoffOf(state, day);
  return state.data.roster.flatMap((entry, index) =>
    isMemberOn(entry, day) ? [usageRow(entry, day, memberDays[index], cutoff)] : [],
  );
}

/** The day's events with their generator facts, newest first. */
function eventsOfDay(state: State, day: string): GeneratedEvent[] {
  if (!isValidDay(day) || !inHistory(state, day)) return [];
  const cutoff = cutoffOf(state, day);
  return state.data
    .day(day)
    .flatMap((memberDay) => (memberDay ? eventsUntil(memberDay, cutoff) : []))
    .sort(compareEventsNewestFirst);
}

function copyEvent(event: CursorUsageEvent): CursorUsageEvent {
  return event.tokenUsage ? { ...event, tokenUsage: { ...event.tokenUsage } } : { ...event };
}

/** The UTC days from the one of `from` to the one of `to`, both epoch ms, clipped to the history window. */
function historyDaysBetween(state: State, from: number, to: number): string[] {
  const current = today(state);
  let day = utcDayOf(new Date(Math.max(from, dayStart(addDays(current, -state.historyDays)))));
  const last = utcDayOf(new Date(Math.min(to, dayStart(current))));
  const days: string[] = [];
  for (; day <= last; day = addDays(day, 1)) days.push(day);
  return days;
}

// ---------------------------------------------------------------------------------------------
// Body checks
// ---------------------------------------------------------------------------------------------

type Body = Record<string, unknown>;

function isEpochMs(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function dateRange(body: Body): { startDate: number; endDate: number } | Answer {
  const { startDate, endDate } = body;
  if (startDate === undefined || endDate === undefined) {
    return badRequest('startDate and endDate are required (epoch milliseconds)');
  }
  if (!isEpochMs(startDate) || !isEpochMs(endDate)) {
    return badRequest('startDate and endDate must be numbers (epoch milliseconds)');
  }
  if (startDate > endDate) return badRequest('startDate must not be after endDate');
  return { startDate, endDate };
}

/** A positive integer, its default when absent, or an Answer naming the rule. */
function positiveInteger(
  body: Body,
  name: string,
  fallback: number | undefined,
  max = Infinity,
): number | undefined | Answer {
  const value = body[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    return badRequest(
      max === Infinity ? `${name} must be a positive integer` : `${name} must be between 1 and ${max}`,
    );
  }
  return value;
}

function isAnswer(value: unknown): value is Answer {
  return typeof value === 'object' && value !== null && 'status' in value && 'body' in value;
}

// ---------------------------------------------------------------------------------------------
// Endpoints
// ---------------------------------------------------------------------------------------------

function members(state: State): Answer {
  return { status: 200, body: { teamMembers: state.data.roster.map((entry) => ({ ...entry.member })) } };
}

/** The days whose start lies in [startDate, endDate]. */
function daysStartingIn(startDate: number, endDate: number): string[] {
  const days: string[] = [];
  let day = utcDayOf(new Date(startDate));
  if (dayStart(day) < startDate) day = addDays(day, 1);
  for (; dayStart(day) <= endDate; day = addDays(day, 1)) days.push(day);
  return days;
}

function dailyUsage(state: State, body: Body): Answer {
  const range = dateRange(body);
  if (isAnswer(range)) return range;
  if (range.endDate - range.startDate > MAX_RANGE_DAYS * DAY_MS) {
    return badRequest(`Date range cannot exceed ${MAX_RANGE_DAYS} days`);
  }
  const page = positiveInteger(body, 'page', undefined);
  if (isAnswer(page)) return page;
  const pageSize = positiveInteger(body, 'pageSize', undefined, MAX_PAGE_SIZE);
  if (isAnswer(pageSize)) return pageSize;
  const period = { startDate: range.startDate, endDate: range.endDate };
  const rows = daysStartingIn(range.startDate, range.endDate).flatMap((day) => rowsOfDay(state, day));
  // Paging needs both; with one or none the API answers active users only, unpaged.
  if (page === undefined || pageSize === undefined) {
    return { status: 200, body: { data: rows.filter((row) => row.isActive), period } };
  }
  const users = [...new Set(rows.map((row) => row.userId))].sort((a, b) => a - b);
  const onPage = new Set(users.slice((page - 1) * pageSize, page * pageSize));
  const totalPages = Math.ceil(users.length / pageSize);
  return {
    status: 200,
    body: {
      data: rows.filter((row) => onPage.has(row.userId)),
      period,
      pagination: {
        page,
        pageSize,
        totalUsers: users.length,
        totalPages,
        hasNextPage: page < totalPages,
        hasPreviousPage: page > 1,
      },
    },
  };
}

function usageEvents(state: State, body: Body): Answer {
  const range = dateRange(body);
  if (isAnswer(range)) return range;
  const page = positiveInteger(body, 'page', 1);
  if (isAnswer(page)) return page;
  const pageSize = positiveInteger(body, 'pageSize', EVENTS_DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  if (isAnswer(pageSize)) return pageSize;
  const { email, userId, hostingType } = body;
  if (email !== undefined && typeof email !== 'string') return badRequest('email must be a string');
  if (userId !== undefined && typeof userId !== 'number') return badRequest('userId must be a number');
  if (hostingType !== undefined && !HOSTING_TYPES.includes(hostingType as string)) {
    return badRequest(`hostingType must be one of ${HOSTING_TYPES.join(', ')}`);
  }
  const userEmail =
    userId === undefined
      ? undefined
      : (state.data.roster.find((entry) => entry.userId === userId)?.member.email ?? '\u0000none');
  const wanted = [email?.toLowerCase(), userEmail].filter((value) => value !== undefined);
  // The fake's events all come from editors: none ran on cloud or self-hosted agents.
  const events =
    hostingType !== undefined
      ? []
      : historyDaysBetween(state, range.startDate, range.endDate)
          .flatMap((day) => eventsOfDay(state, day))
          .filter(
            ({ at, event }) =>
              at >= range.startDate &&
              at <= range.endDate &&
              wanted.every((value) => event.userEmail.toLowerCase() === value),
          )
          .sort(compareEventsNewestFirst);
  const pageNumber = page as number;
  const size = pageSize as number;
  const numPages = Math.ceil(events.length / size);
  return {
    status: 200,
    body: {
      totalUsageEventsCount: events.length,
      pagination: {
        numPages,
        currentPage: pageNumber,
        pageSize: size,
        hasNextPage: pageNumber < numPages,
        hasPreviousPage: pageNumber > 1,
      },
      usageEvents: events
        .slice((pageNumber - 1) * size, pageNumber * size)
        .map(({ event }) => copyEvent(event)),
      period: { startDate: range.startDate, endDate: range.endDate },
    },
  };
}

/** The current billing cycle starts on the 1st of the fake's current month (UTC). */
function cycleStart(state: State): number {
  const now = state.now();
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
}

function spend(state: State, body: Body): Answer {
  const { searchTerm, sortBy = 'date', sortDirection = 'desc' } = body;
  if (searchTerm !== undefined && typeof searchTerm !== 'string') {
    return badRequest('searchTerm must be a string');
  }
  if (sortBy !== 'amount' && sortBy !== 'date' && sortBy !== 'user') {
    return badRequest('sortBy must be one of amount, date, user');
  }
  if (sortDirection !== 'asc' && sortDirection !== 'desc') {
    return badRequest('sortDirection must be asc or desc');
  }
  const page = positiveInteger(body, 'page', 1);
  if (isAnswer(page)) return page;
  const pageSize = positiveInteger(body, 'pageSize', 100, MAX_PAGE_SIZE);
  if (isAnswer(pageSize)) return pageSize;

  const start = cycleStart(state);
  const days = historyDaysBetween(state, start, state.now().getTime());
  const spent = new Map<string, { spend: number; overall: number; premium: number }>();
  for (const day of days) {
    const cutoff = cutoffOf(state, day);
    for (const memberDay of state.data.day(day)) {
      if (!memberDay) continue;
      const email = memberDay.entry.member.email;
      const totals = spent.get(email) ?? { spend: 0, overall: 0, premium: 0 };
      for (const { event } of eventsUntil(memberDay, cutoff)) {
        totals.overall += event.chargedCents;
        if (event.kind === 'Usage-based' && event.isChargeable) totals.spend += event.chargedCents;
        if (event.kind === 'Included in Business') totals.premium += 1;
      }
      spent.set(email, totals);
    }
  }
  const term = (searchTerm ?? '').toLowerCase();
  const rows = state.data.roster
    .filter((entry) => !entry.member.isRemoved)
    .filter(
      (entry) =>
        entry.member.email.toLowerCase().includes(term) || entry.member.name.toLowerCase().includes(term),
    )
    .map((entry) => {
      const totals = spent.get(entry.member.email) ?? { spend: 0, overall: 0, premium: 0 };
      return {
        joinedDay: entry.joinedDay,
        row: {
          userId: entry.member.id,
          name: entry.member.name,
          email: entry.member.email,
          role: entry.member.role,
          spendCents: roundCents(totals.spend),
          overallSpendCents: roundCents(totals.overall),
          fastPremiumRequests: totals.premium,
          ...spendLimits(state.seed, entry),
        },
      };
    });
  const direction = sortDirection === 'asc' ? 1 : -1;
  rows.sort((a, b) => {
    const order =
      sortBy === 'amount'
        ? a.row.spendCents - b.row.spendCents
        : sortBy === 'user'
          ? a.row.name.localeCompare(b.row.name, 'en')
          : a.joinedDay.localeCompare(b.joinedDay, 'en');
    return direction * order || a.row.email.localeCompare(b.row.email, 'en');
  });
  const pageNumber = page as number;
  const size = pageSize as number;
  return {
    status: 200,
    body: {
      teamMemberSpend: rows.slice((pageNumber - 1) * size, pageNumber * size).map(({ row }) => row),
      subscriptionCycleStart: start,
      totalMembers: rows.length,
      totalPages: Math.ceil(rows.length / size),
    },
  };
}

/** `now`, `today`, `yesterday`, `<n>d|h|m|s`, YYYY-MM-DD, ISO 8601, Unix seconds or milliseconds. */
function parseAuditTime(value: string, now: number): number | undefined {
  const startOfToday = now - (now % DAY_MS);
  if (value === 'now') return now;
  if (value === 'today') return startOfToday;
  if (value === 'yesterday') return startOfToday - DAY_MS;
  const relative = /^(\d+)([dhms])$/.exec(value);
  if (relative) {
    const unit = { d: DAY_MS, h: 3_600_000, m: 60_000, s: 1000 }[relative[2] as 'd' | 'h' | 'm' | 's'];
    return now - Number(relative[1]) * unit;
  }
  if (/^\d+$/.test(value)) return value.length <= 10 ? Number(value) * 1000 : Number(value);
  if (isValidDay(value)) return dayStart(value);
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}

function auditLogs(state: State, url: URL): Answer {
  const now = state.now().getTime();
  const start = parseAuditTime(url.searchParams.get('startTime') ?? '7d', now);
  const end = parseAuditTime(url.searchParams.get('endTime') ?? 'now', now);
  if (start === undefined || end === undefined) {
    return badRequest(
      'startTime and endTime must be dates (YYYY-MM-DD, ISO 8601, epoch) or now, today, 7d, 5h',
    );
  }
  if (start > end) return badRequest('startTime must not be after endTime');
  if (end - start > MAX_RANGE_DAYS * DAY_MS) {
    return badRequest(`Date range cannot exceed ${MAX_RANGE_DAYS} days`);
  }
  const query: Body = {};
  for (const name of ['page', 'pageSize']) {
    const value = url.searchParams.get(name);
    if (value !== null) query[name] = /^\d+$/.test(value) ? Number(value) : value;
  }
  const page = positiveInteger(query, 'page', 1);
  if (isAnswer(page)) return page;
  const pageSize = positiveInteger(query, 'pageSize', AUDIT_DEFAULT_PAGE_SIZE, AUDIT_MAX_PAGE_SIZE);
  if (isAnswer(pageSize)) return pageSize;
  // Nothing after the fake's "now", whatever endTime says.
  const events = state.audit.filter((event) => {
    const at = Date.parse(event.timestamp);
    return at >= start && at <= Math.min(end, now);
  });
  const pageNumber = page as number;
  const size = pageSize as number;
  const totalPages = Math.ceil(events.length / size);
  return {
    status: 200,
    body: {
      events: events.slice((pageNumber - 1) * size, pageNumber * size),
      pagination: {
        page: pageNumber,
        pageSize: size,
        totalCount: events.length,
        totalPages,
        hasNextPage: pageNumber < totalPages,
        hasPreviousPage: pageNumber > 1,
      },
      params: { teamId: state.teamId, startDate: start, endDate: end },
    },
  };
}

interface Route {
  method: 'GET' | 'POST';
  limiter: 'admin' | 'events';
  handle(state: State, body: Body, url: URL): Answer;
}

const ROUTES = new Map<string, Route>([
  [CURSOR_PATHS.members, { method: 'GET', limiter: 'admin', handle: (state) => members(state) }],
  [
    CURSOR_PATHS.auditLogs,
    { method: 'GET', limiter: 'admin', handle: (state, _, url) => auditLogs(state, url) },
  ],
  [CURSOR_PATHS.dailyUsage, { method: 'POST', limiter: 'admin', handle: dailyUsage }],
  [CURSOR_PATHS.usageEvents, { method: 'POST', limiter: 'events', handle: usageEvents }],
  [CURSOR_PATHS.spend, { method: 'POST', limiter: 'admin', handle: spend }],
]);

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

/** The key of `Authorization: Basic base64("KEY:")`; undefined for anything else (a password too). */
function basicKey(header: string | undefined): string | undefined {
  const encoded = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? '')?.[1];
  if (encoded === undefined) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon !== decoded.length - 1) return undefined;
  return decoded.slice(0, colon);
}

function authenticate(state: State, request: IncomingMessage): Answer | undefined {
  const key = basicKey(request.headers.authorization);
  if (key === undefined || state.revoked.has(key)) return error(401);
  if (state.enterpriseKeys.has(key)) return undefined;
  if (state.nonEnterpriseKeys.has(key)) return error(403);
  return error(401);
}

function send(response: ServerResponse, answer: Answer): void {
  // A slow answer may outlive its client (or the server); there is nobody left to answer.
  if (response.destroyed || response.headersSent) return;
  const json = answer.body === undefined ? '' : JSON.stringify(answer.body);
  const text = answer.damage ? damageBody(json, answer.damage) : json;
  response.writeHead(answer.status, {
    ...answer.headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
  });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

function faultAnswer(fault: CursorFault & { status: NonNullable<CursorFault['status']> }): Answer {
  const answer = fault.body ? { status: fault.status, body: fault.body } : error(fault.status);
  return fault.retryAfterSeconds === undefined
    ? answer
    : { ...answer, headers: { 'retry-after': String(Math.ceil(fault.retryAfterSeconds)) } };
}

/** Faults first (as an outage would), then the normal answer (which a fault may damage). */
async function answerApi(
  state: State,
  request: IncomingMessage,
  url: URL,
  recorded: CursorRecordedRequest,
): Promise<Answer> {
  const text = await readBody(request);
  if (text === undefined) return error(400, 'Request body is too large');
  const parsed = text === '' ? undefined : parseJson(text);
  recorded.body = text === '' ? undefined : parsed ? parsed.value : text;

  const fault = state.faults.take(url.pathname);
  if (fault?.delayMs) await state.sleep(fault.delayMs);
  const answer =
    fault?.status !== undefined
      ? faultAnswer({ ...fault, status: fault.status })
      : answerNormally(state, request, url, recorded, parsed);
  return fault?.damage ? { ...answer, damage: fault.damage } : answer;
}

/** Auth, the route, the rate limit, the body, the endpoint. */
function answerNormally(
  state: State,
  request: IncomingMessage,
  url: URL,
  recorded: CursorRecordedRequest,
  parsed: { value: unknown } | undefined,
): Answer {
  const refusal = authenticate(state, request);
  if (refusal) return refusal;
  const route = ROUTES.get(url.pathname);
  if (!route || route.method !== request.method) return error(404);

  const wait = state.limiters[route.limiter].admit(recorded.at);
  if (wait !== undefined) {
    const limited = error(429);
    return state.sendRetryAfter
      ? { ...limited, headers: { 'retry-after': String(Math.max(1, Math.ceil(wait / 1000))) } }
      : limited;
  }

  if (route.method === 'POST') {
    if (recorded.body !== undefined && !parsed) return badRequest('Invalid JSON body');
    const body = parsed?.value ?? {};
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return badRequest('The body must be a JSON object');
    }
    return route.handle(state, body as Body, url);
  }
  return route.handle(state, {}, url);
}

async function serveApi(
  state: State,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  const recorded: CursorRecordedRequest = {
    method: request.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    body: undefined,
    status: 0,
    at: Date.now(),
    authorized: request.headers.authorization !== undefined,
  };
  state.requests.push(recorded);
  let answer: Answer;
  try {
    answer = await answerApi(state, request, url, recorded);
  } catch (failure) {
    // A bug in the fake must show up as a clear 500, not as a hung test.
    const message = `fake Cursor server failed: ${failure instanceof Error ? failure.message : String(failure)}`;
    answer = error(500, message);
  }
  if (response.destroyed || response.headersSent) return;
  send(response, answer);
  recorded.status = answer.status;
}

// ---------------------------------------------------------------------------------------------
// /__fake/ control routes (for trying faults by hand during a local run)
// ---------------------------------------------------------------------------------------------

/** JSON has no Infinity: an unlimited fault is reported as the string "Infinity". */
function pendingForJson(faults: CursorFaultQueue): number | string {
  const pending = faults.pending();
  return Number.isFinite(pending) ? pending : 'Infinity';
}

async function serveControl(
  state: State,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  const route = `${request.method ?? ''} ${url.pathname}`;
  if (route === 'GET /__fake/health') return send(response, { status: 200, body: { status: 'ok' } });
  if (route === 'DELETE /__fake/faults') {
    state.faults.clear();
    return send(response, { status: 200, body: { pending: 0 } });
  }
  if (route === 'POST /__fake/faults') {
    const text = await readBody(request);
    const parsed = parseCursorFault(text === undefined ? undefined : parseJson(text)?.value);
    if ('error' in parsed) return send(response, badRequest(parsed.error));
    state.faults.add(parsed.fault);
    return send(response, {
      status: 201,
      body: { added: parsed.fault, pending: pendingForJson(state.faults) },
    });
  }
  send(response, {
    status: 404,
    body: {
      error: 'Not Found',
      message: 'control routes: GET /__fake/health, POST /__fake/faults, DELETE /__fake/faults',
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------

export async function startFakeCursor(options: FakeCursorOptions = {}): Promise<FakeCursorServer> {
  const now = options.now ?? (() => new Date());
  const historyDays = options.historyDays ?? 120;
  if (!Number.isInteger(historyDays) || historyDays < 0) {
    throw new RangeError('historyDays must be a non-negative integer');
  }
  const seed = options.seed ?? 'demo';
  const anchorDay = utcDayOf(now());
  const data = cursorTeamData({
    seed,
    developers: options.developers ?? 10,
    removedDevelopers: options.removedDevelopers ?? 1,
    anchorDay,
  });
  const sleeper = createSleeper();
  const teamId = options.teamId ?? 12345;
  const state: State = {
    teamId,
    seed,
    historyDays,
    now,
    data,
    audit: auditLog(seed, data.roster, anchorDay),
    enterpriseKeys: new Set(options.apiKeys ?? [DEMO_CURSOR_KEY]),
    nonEnterpriseKeys: new Set(options.nonEnterpriseKeys ?? []),
    revoked: new Set(),
    faults: new CursorFaultQueue(),
    requests: [],
    limiters: {
      admin: new RollingLimiter(options.rateLimit ?? { perWindow: 20, windowMs: 60_000 }),
      events: new RollingLimiter(options.eventsRateLimit ?? { perWindow: 60, windowMs: 60_000 }),
    },
    sendRetryAfter: options.sendRetryAfter ?? false,
    sleep: sleeper.sleep,
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const serving = url.pathname.startsWith(CONTROL_PREFIX)
      ? serveControl(state, request, response, url)
      : serveApi(state, request, response, url);
    void serving.catch(() => send(response, error(500)));
  });
  const port = await listen(server, options.port ?? 0);
  let closing: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${port}`,
    teamId,
    members: data.roster.map((entry) => ({ ...entry.member })),
    roster: data.roster.map((entry) => ({ ...entry, member: { ...entry.member } })),
    requests: state.requests,
    faults: {
      add: (fault) => state.faults.add(fault),
      clear: () => state.faults.clear(),
      pending: () => state.faults.pending(),
    },
    revokeKey: (key) => void state.revoked.add(key),
    usageRows: (day) => rowsOfDay(state, day),
    usageEvents: (day) => eventsOfDay(state, day).map(({ event }) => copyEvent(event)),
    maxRequestsInWindow: (windowMs, paths) =>
      maxInWindow(
        state.requests
          .filter((recorded) => paths === undefined || paths.includes(recorded.path))
          .map((recorded) => recorded.at),
        windowMs,
      ),
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        sleeper.cancelAll();
        // close() stops accepting; closeAllConnections() drops keep-alive sockets fetch would hold open.
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
