import { randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { maxInWindow, RollingLimiter, type RateLimit } from '../shared/rate-limit';
import { createSleeper, listen } from '../shared/server';
import { addDays, isValidDay, toUtcDay, utcDayOf } from '../shared/seeded';
import { decodeCursor, encodeCursor } from './cursor';
import {
  EnterpriseFaultQueue,
  parseEnterpriseFault,
  type EnterpriseFault,
  type EnterpriseFaultStatus,
} from './faults';
import {
  consumedTokens,
  FIRST_DAY,
  rbacGroups,
  seatUsers,
  usedClaudeCode,
  userDay,
  type ModelUse,
  type OrganisationOptions,
  type RbacGroupInfo,
  type SeatUser,
  type UserDay,
} from './data';
import { damageBody, type BodyDamage } from '../shared/damaged-body';

/**
 * A fake of the Claude Enterprise Analytics API (provider-apis-2026-11.md §3.1, Anthropic's analytics API
 * reference) over real HTTP on 127.0.0.1: `GET /v1/organizations/analytics/users` (one day, or rolled up over a
 * range; grouped by or filtered to RBAC groups), `/summaries`, `/user_usage_report` and `/user_cost_report`
 * (day buckets, products, grouped by model, product or RBAC group, decimal-string cents), with `x-api-key` +
 * `anthropic-version`, Anthropic's error envelope, cursor pages bound to their query, the publication lag
 * (a day appears at 17:00 UTC the next day; an earlier ask is a 400 naming the newest day), the 2026-01-01
 * floor, 60 requests a minute per organisation (429 with retry-after), queued faults and `/__fake/` routes.
 */

/**
 * Accepted by default: shaped like a claude.ai key (`sk-ant-api01-…`). Built by concatenation so secret
 * scanners do not flag this well-known demo value; it works only with this fake.
 */
export const DEMO_ENTERPRISE_ANALYTICS_KEY =
  'sk-ant-api01-' + 'EntAnalytics_DemoKey-for-the-local-fake_' + 'z8Y3x6W1v4U7';

export interface FakeClaudeEnterpriseOptions {
  /** Analytics API keys of the Enterprise organisation; default [DEMO_ENTERPRISE_ANALYTICS_KEY]. */
  apiKeys?: string[];
  /** Valid keys of an organisation not on an Enterprise plan: 403 permission_error. */
  nonEnterpriseKeys?: string[];
  /** Default `org_01` + a fixed id. */
  organizationId?: string;
  /** Same seed (and clock), same data; default 'demo'. */
  seed?: string;
  /** The first seat user is this demo person (local/fakes/shared/people.ts); default 9. */
  firstPerson?: number;
  /** Seat users (the last never uses its seat, the one before only chats); default 10. */
  seatUsers?: number;
  /**
   * Seats assigned to people `users` never lists: counted in the summaries' assigned seats only, as an organisation
   * whose activity roll-up does not name every holder; default 0.
   */
  unlistedSeats?: number;
  /** Days of the Enterprise plan before the fake's first "today"; earlier days have no seats; default 400. */
  planDays?: number;
  /** The fake's "today" (data clock); default real time. The rate limit always runs on real time. */
  now?: () => Date;
  /** Hour (UTC) at which yesterday is published; default 17. */
  publishHourUtc?: number;
  /** Per-product active-user counts in the summaries (off: omitted, as for an organisation without them). */
  productBreakdown?: boolean;
  /** Every endpoint together, per organisation; default 60 per 60 s. */
  rateLimit?: RateLimit;
  /** Default 0: a free port. */
  port?: number;
}

export interface EnterpriseRecordedRequest {
  method: string;
  path: string;
  /** Every query parameter in order, repeated ones (`group_by[]`) included. */
  params: [string, string][];
  /** The status answered; 0 while a slow fault holds the answer. */
  status: number;
  /** Real time of arrival, Date.now(). */
  at: number;
}

export interface FakeClaudeEnterpriseServer {
  /** http://127.0.0.1:PORT, no trailing slash. */
  url: string;
  organizationId: string;
  users: readonly SeatUser[];
  groups: readonly RbacGroupInfo[];
  /** Every request outside /__fake/, refused ones included, in order of arrival. */
  requests: EnterpriseRecordedRequest[];
  faults: { add(fault: EnterpriseFault): void; clear(): void; pending(): number };
  /** Later requests with this key get 401. */
  revokeKey(key: string): void;
  /** The newest day the API serves engagement data for, by the fake's clock. */
  newestPublishedDay(): string;
  /** Every seat user's day (the generator's facts), for computing expected figures. */
  userDays(day: string): UserDay[];
  /** The most requests seen in any rolling window of `windowMs` real milliseconds. */
  maxRequestsInWindow(windowMs: number): number;
  close(): Promise<void>;
}

export const ENTERPRISE_PATHS = {
  users: '/v1/organizations/analytics/users',
  summaries: '/v1/organizations/analytics/summaries',
  userUsage: '/v1/organizations/analytics/user_usage_report',
  userCost: '/v1/organizations/analytics/user_cost_report',
} as const;

const CONTROL_PREFIX = '/__fake/';
const MAX_CONTROL_BODY_BYTES = 64 * 1024;
const DAY_MS = 86_400_000;
const PRODUCTS = [
  'chat',
  'claude-tag',
  'claude_code',
  'claude_design',
  'claude_in_chrome',
  'cowork',
  'office_agent',
];
const REPORT_DIMENSIONS = [
  'claude_tag_category',
  'claude_tag_user_id',
  'context_window',
  'inference_geo',
  'model',
  'product',
  'rbac_group_id',
  'slack_channel_id',
  'speed',
];

type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** A fault's damage to the JSON sent. */
  damage?: BodyDamage;
}

const FAULT_ERRORS: Record<EnterpriseFaultStatus, { type: ErrorType; message: string }> = {
  400: { type: 'invalid_request_error', message: 'invalid request' },
  401: { type: 'authentication_error', message: 'invalid x-api-key' },
  403: { type: 'permission_error', message: 'Your API key does not have permission to use this resource.' },
  429: { type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit.' },
  500: { type: 'api_error', message: 'Internal server error' },
  529: { type: 'overloaded_error', message: 'Overloaded' },
};

function newRequestId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let id = 'req_011C';
  for (let i = 0; i < 20; i++) id += alphabet[randomInt(alphabet.length)];
  return id;
}

function refusal(status: number, type: ErrorType, message: string, headers?: Record<string, string>): Answer {
  return { status, body: { type: 'error', error: { type, message } }, ...(headers ? { headers } : {}) };
}

const badRequest = (message: string) => refusal(400, 'invalid_request_error', message);
const isAnswer = (value: unknown): value is Answer =>
  typeof value === 'object' && value !== null && 'status' in value && 'body' in value;

interface State {
  organizationId: string;
  org: OrganisationOptions;
  users: SeatUser[];
  unlistedSeats: number;
  groups: RbacGroupInfo[];
  now: () => Date;
  publishHourUtc: number;
  productBreakdown: boolean;
  analyticsKeys: ReadonlySet<string>;
  nonEnterpriseKeys: ReadonlySet<string>;
  revoked: Set<string>;
  faults: EnterpriseFaultQueue;
  limiter: RollingLimiter;
  requests: EnterpriseRecordedRequest[];
  dayCache: Map<string, UserDay[]>;
  sleep(ms: number): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Clock: what is published
// ---------------------------------------------------------------------------------------------

const today = (state: State) => utcDayOf(state.now());

/** Yesterday from the publication hour on, else the day before. */
function newestPublished(state: State): string {
  const now = state.now();
  return addDays(today(state), now.getUTCHours() >= state.publishHourUtc ? -1 : -2);
}

function notPublished(state: State, name: string, day: string): Answer {
  return badRequest(
    `${name}: data for ${day} is not available yet; the most recent available day is ${newestPublished(state)}`,
  );
}

function daysOf(state: State, day: string): UserDay[] {
  let days = state.dayCache.get(day);
  if (!days) {
    days = state.users.map((user) => userDay(state.org, user, day));
    state.dayCache.set(day, days);
  }
  return days;
}

function daysFrom(first: string, endExclusive: string): string[] {
  const days: string[] = [];
  for (let day = first; day < endExclusive; day = addDays(day, 1)) days.push(day);
  return days;
}

/** Seat users of the organisation on a day: none before its plan began. */
const seatedOn = (state: State, day: string) => (day >= state.org.since ? state.users : []);

// ---------------------------------------------------------------------------------------------
// Query reading
// ---------------------------------------------------------------------------------------------

function parseLimit(url: URL, fallback: number): number | Answer {
  const value = url.searchParams.get('limit');
  if (value === null) return fallback;
  if (!/^\d{1,4}$/.test(value) || Number(value) < 1 || Number(value) > 1000) {
    return badRequest('limit: must be an integer from 1 to 1000');
  }
  return Number(value);
}

function parseGroupFilter(state: State, url: URL): Set<string> | undefined | Answer {
  const filters = url.searchParams.getAll('filter[]');
  if (filters.length === 0) return undefined;
  if (filters.length > 100) return badRequest('filter[]: at most 100 entries');
  const ids = new Set<string>();
  for (const filter of filters) {
    const match = /^rbac_group_id:(.+)$/.exec(filter);
    if (!match) return badRequest(`filter[]: unsupported dimension in "${filter.split(':')[0]}"`);
    const id = match[1] as string;
    ids.add(id.startsWith('rbac_group_') ? id : `rbac_group_${id}`);
  }
  return ids;
}

/** A page of rows: the cursor is bound to the rest of the query. */
function paged(url: URL, rows: unknown[], limit: number): { data: unknown[]; next: string | null } | Answer {
  const page = url.searchParams.get('page');
  let offset = 0;
  if (page !== null) {
    const decoded = decodeCursor(page, url, rows.length);
    if (decoded === undefined) {
      return badRequest(
        'page: invalid page cursor (a cursor belongs to the query that issued it; to change parameters, start again without page)',
      );
    }
    offset = decoded;
  }
  const next = offset + limit < rows.length ? encodeCursor(url, offset + limit) : null;
  return { data: rows.slice(offset, offset + limit), next };
}

// ---------------------------------------------------------------------------------------------
// /analytics/users
// ---------------------------------------------------------------------------------------------

const zeros = (names: readonly string[]) => Object.fromEntries(names.map((name) => [name, 0]));
const OFFICE_ZERO = zeros([
  'connectors_used_count',
  'distinct_connectors_used_count',
  'distinct_session_count',
  'distinct_skills_used_count',
  'message_count',
  'skills_used_count',
]);

/** A user-activity row of metrics summed over some user-days (all per-product blocks present, zeros at least). */
function activityRow(days: readonly UserDay[]): Record<string, unknown> {
  const tools: Record<string, { accepted_count: number; rejected_count: number }> = {};
  for (const name of ['edit_tool', 'multi_edit_tool', 'notebook_edit_tool', 'write_tool']) {
    tools[name] = { accepted_count: 0, rejected_count: 0 };
  }
  const core = { commit_count: 0, distinct_session_count: 0, added: 0, removed: 0, pull_request_count: 0 };
  let messages = 0;
  let conversations = 0;
  for (const day of days) {
    if (day.claudeCode) {
      core.commit_count += day.claudeCode.commits;
      core.distinct_session_count += day.claudeCode.sessions;
      core.added += day.claudeCode.added;
      core.removed += day.claudeCode.removed;
      core.pull_request_count += day.claudeCode.pullRequests;
      for (const [name, actions] of Object.entries(day.claudeCode.tools)) {
        const entry = (tools[name] ??= { accepted_count: 0, rejected_count: 0 });
        entry.accepted_count += actions.accepted;
        entry.rejected_count += actions.rejected;
      }
    }
    if (day.chat) {
      messages += day.chat.messages;
      conversations += day.chat.conversations;
    }
  }
  return {
    chat_metrics: {
      ...zeros([
        'connectors_used_count',
        'distinct_artifacts_created_count',
        'distinct_connectors_used_count',
        'distinct_files_uploaded_count',
        'distinct_projects_created_count',
        'distinct_projects_used_count',
        'distinct_shared_artifacts_viewed_count',
        'distinct_skills_used_count',
        'shared_conversations_viewed_count',
        'thinking_message_count',
      ]),
      distinct_conversation_count: conversations,
      message_count: messages,
    },
    claude_code_metrics: {
      core_metrics: {
        commit_count: core.commit_count,
        distinct_session_count: core.distinct_session_count,
        lines_of_code: { added_count: core.added, removed_count: core.removed },
        pull_request_count: core.pull_request_count,
      },
      tool_actions: tools,
    },
    cowork_metrics: zeros([
      'action_count',
      'connectors_used_count',
      'dispatch_turn_count',
      'distinct_connectors_used_count',
      'distinct_session_count',
      'distinct_skills_used_count',
      'message_count',
      'skills_used_count',
    ]),
    design_metrics: zeros([
      'distinct_projects_created_count',
      'distinct_projects_used_count',
      'distinct_session_count',
      'message_count',
    ]),
    office_metrics: { excel: OFFICE_ZERO, outlook: OFFICE_ZERO, powerpoint: OFFICE_ZERO, word: OFFICE_ZERO },
    science_metrics: zeros([
      'delegation_count',
      'distinct_session_count',
      'message_count',
      'remote_compute_job_count',
      'skills_used_count',
    ]),
    web_search_count: 0,
  };
}

const activeDay = (day: UserDay) => day.claudeCode !== null || day.chat !== null;

/** The days a users request covers: one day, or a range rolled up (`ending_date` exclusive, default today). */
function usersWindow(state: State, url: URL): string[] | Answer {
  const date = url.searchParams.get('date');
  const start = url.searchParams.get('starting_date');
  const end = url.searchParams.get('ending_date');
  if (date !== null && start !== null) return badRequest('date: use either date or starting_date, not both');
  if (end !== null && start === null) return badRequest('ending_date: only valid with starting_date');
  const newest = newestPublished(state);
  if (start === null) {
    const day = date ?? newest;
    if (!isValidDay(day)) return badRequest('date: must be a UTC date in YYYY-MM-DD format');
    if (day < FIRST_DAY) return badRequest(`date: must be no earlier than ${FIRST_DAY}`);
    if (day > newest) return notPublished(state, 'date', day);
    return [day];
  }
  if (!isValidDay(start)) return badRequest('starting_date: must be a UTC date in YYYY-MM-DD format');
  if (start < FIRST_DAY) return badRequest(`starting_date: must be no earlier than ${FIRST_DAY}`);
  if (start > newest) return notPublished(state, 'starting_date', start);
  const endDay = end ?? today(state);
  if (!isValidDay(endDay)) return badRequest('ending_date: must be a UTC date in YYYY-MM-DD format');
  if (endDay <= start) return badRequest('ending_date: must be after starting_date');
  if (endDay > today(state)) return badRequest('ending_date: can be at most today');
  if (daysFrom(start, endDay).length > 366)
    return badRequest('ending_date: at most 366 days after starting_date');
  // A rolled-up range counts the days published so far.
  return daysFrom(start, endDay).filter((day) => day <= newest);
}

function users(state: State, url: URL): Answer {
  const groupBy = url.searchParams.getAll('group_by[]');
  const unsupported = groupBy.find((dimension) => dimension !== 'rbac_group_id');
  if (unsupported !== undefined) return badRequest(`group_by[]: unsupported dimension "${unsupported}"`);
  const filter = parseGroupFilter(state, url);
  if (isAnswer(filter)) return filter;
  const limit = parseLimit(url, 100);
  if (isAnswer(limit)) return limit;
  const window = usersWindow(state, url);
  if (isAnswer(window)) return window;
  const inFilter = (user: SeatUser) => !filter || user.groups.some((id) => filter.has(id));
  const members = window.length ? seatedOn(state, window.at(-1) as string).filter(inFilter) : [];
  const daysOfUser = (user: SeatUser) =>
    window.flatMap((day) => daysOf(state, day).filter((entry) => entry.user === user));

  let rows: Record<string, unknown>[];
  if (groupBy.length > 0) {
    rows = state.groups
      .filter((group) => !filter || filter.has(group.id))
      .map((group) => {
        const held = members.filter((user) => user.groups.includes(group.id));
        const days = held.flatMap(daysOfUser);
        return {
          ...activityRow(days),
          distinct_user_count: new Set(days.filter(activeDay).map((day) => day.user.id)).size,
          last_activity_date: null,
          rbac_group_id: group.id,
          rbac_group_name: group.name,
        };
      });
  } else {
    rows = [...members]
      .sort((a, b) => (a.email < b.email ? -1 : 1))
      .map((user) => {
        const days = daysOfUser(user);
        const last = days.filter(activeDay).at(-1)?.day ?? null;
        return {
          ...activityRow(days),
          distinct_user_count: null,
          last_activity_date: last,
          user: { id: user.id, email_address: user.email },
        };
      });
  }
  const page = paged(url, rows, limit);
  if (isAnswer(page)) return page;
  return { status: 200, body: { data: page.data, next_page: page.next } };
}

// ---------------------------------------------------------------------------------------------
// /analytics/summaries
// ---------------------------------------------------------------------------------------------

function summaryOf(state: State, day: string, filter: Set<string> | undefined): Record<string, unknown> {
  const inFilter = (user: SeatUser) => !filter || user.groups.some((id) => filter.has(id));
  const distinct = (back: number, used: (entry: UserDay) => boolean) => {
    const ids = new Set<string>();
    for (let i = 0; i < back; i++) {
      for (const entry of daysOf(state, addDays(day, -i))) {
        if (inFilter(entry.user) && used(entry)) ids.add(entry.user.id);
      }
    }
    return ids.size;
  };
  const seated = seatedOn(state, day).length;
  const seats = seated + (seated > 0 ? state.unlistedSeats : 0);
  const dau = distinct(1, consumedTokens);
  const wau = distinct(7, consumedTokens);
  const mau = distinct(30, consumedTokens);
  const rate = (count: number) => (filter ? null : seats ? Math.round((count / seats) * 10_000) / 100 : 0);
  const perProduct = state.productBreakdown
    ? {
        chat_daily_active_user_count: distinct(1, (entry) => entry.chat !== null),
        chat_weekly_active_user_count: distinct(7, (entry) => entry.chat !== null),
        chat_monthly_active_user_count: distinct(30, (entry) => entry.chat !== null),
        claude_code_daily_active_user_count: distinct(1, usedClaudeCode),
        claude_code_weekly_active_user_count: distinct(7, usedClaudeCode),
        claude_code_monthly_active_user_count: distinct(30, usedClaudeCode),
        ...zeros([
          'claude_design_daily_active_user_count',
          'claude_design_weekly_active_user_count',
          'claude_design_monthly_active_user_count',
          'office_agent_daily_active_user_count',
          'office_agent_weekly_active_user_count',
          'office_agent_monthly_active_user_count',
          'science_daily_active_user_count',
          'science_weekly_active_user_count',
          'science_monthly_active_user_count',
        ]),
        science_entitled_user_count: filter ? null : 0,
      }
    : {};
  return {
    starting_at: `${day}T00:00:00Z`,
    ending_at: `${addDays(day, 1)}T00:00:00Z`,
    assigned_seat_count: filter ? null : seats,
    pending_invite_count: filter ? null : day >= state.org.since ? 1 : 0,
    daily_active_user_count: dau,
    weekly_active_user_count: wau,
    monthly_active_user_count: mau,
    daily_adoption_rate: rate(dau),
    weekly_adoption_rate: rate(wau),
    monthly_adoption_rate: rate(mau),
    ...zeros([
      'cowork_daily_active_user_count',
      'cowork_weekly_active_user_count',
      'cowork_monthly_active_user_count',
    ]),
    ...perProduct,
  };
}

function summaries(state: State, url: URL): Answer {
  const start = url.searchParams.get('starting_date');
  const end = url.searchParams.get('ending_date');
  const filter = parseGroupFilter(state, url);
  if (isAnswer(filter)) return filter;
  if (start === null) return badRequest('starting_date: is required');
  if (!isValidDay(start)) return badRequest('starting_date: must be a UTC date in YYYY-MM-DD format');
  if (start < FIRST_DAY) return badRequest(`starting_date: must be no earlier than ${FIRST_DAY}`);
  const newest = newestPublished(state);
  if (start > newest) return notPublished(state, 'starting_date', start);
  const endDay = end ?? addDays(newest, 1);
  if (!isValidDay(endDay)) return badRequest('ending_date: must be a UTC date in YYYY-MM-DD format');
  if (endDay <= start) return badRequest('ending_date: must be after starting_date');
  if (endDay > today(state)) return badRequest('ending_date: can be at most today');
  if (endDay > addDays(newest, 1)) return notPublished(state, 'ending_date', addDays(endDay, -1));
  const days = daysFrom(start, endDay);
  if (days.length > 366) return badRequest('ending_date: the range may span at most 366 days');
  return { status: 200, body: { summaries: days.map((day) => summaryOf(state, day, filter)) } };
}

// ---------------------------------------------------------------------------------------------
// /analytics/user_usage_report and /analytics/user_cost_report
// ---------------------------------------------------------------------------------------------

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

/** Micro-cents as the API writes amounts: a decimal string of cents with six decimals. */
export function decimalCents(micro: number): string {
  return `${Math.floor(micro / 1_000_000)}.${String(micro % 1_000_000).padStart(6, '0')}`;
}

interface ReportQuery {
  start: number;
  end: number;
  bucketed: boolean;
  products: Set<string> | undefined;
  groupBy: string[];
  limit: number;
}

function reportQuery(state: State, url: URL, kind: 'usage' | 'cost'): ReportQuery | Answer {
  const startText = url.searchParams.get('starting_at');
  if (startText === null) return badRequest('starting_at: is required');
  if (!RFC3339.test(startText))
    return badRequest('starting_at: must be an RFC 3339 timestamp with a time zone');
  const start = Date.parse(startText);
  const now = state.now().getTime();
  if (start < Date.parse(`${FIRST_DAY}T00:00:00Z`)) {
    return badRequest(`starting_at: must be no earlier than ${FIRST_DAY}T00:00:00Z`);
  }
  if (start < now - 365 * DAY_MS) return badRequest('starting_at: must be within the last 365 days');
  const bucket = url.searchParams.get('bucket_width');
  if (bucket !== null && !['1d', '1h', '1m'].includes(bucket)) {
    return badRequest('bucket_width: must be one of 1d, 1h, 1m');
  }
  if (bucket === '1h' || bucket === '1m') return badRequest('bucket_width: this fake serves 1d buckets only');
  const endText = url.searchParams.get('ending_at');
  if (bucket !== null && endText === null)
    return badRequest('ending_at: is required when bucket_width is set');
  if (endText !== null && !RFC3339.test(endText)) {
    return badRequest('ending_at: must be an RFC 3339 timestamp with a time zone');
  }
  const end = endText === null ? Math.min(now, start + 31 * DAY_MS) : Date.parse(endText);
  if (end <= start) return badRequest('ending_at: must be after starting_at');
  if (end - start > 31 * DAY_MS) return badRequest('ending_at: the range may span at most 31 days');
  const products = url.searchParams.getAll('products[]');
  const unknownProduct = products.find((product) => !PRODUCTS.includes(product));
  if (unknownProduct !== undefined) return badRequest(`products[]: unknown product "${unknownProduct}"`);
  const groupBy = url.searchParams.getAll('group_by[]');
  const allowed = kind === 'cost' ? [...REPORT_DIMENSIONS, 'cost_type', 'token_type'] : REPORT_DIMENSIONS;
  const unsupported = groupBy.find((dimension) => !allowed.includes(dimension));
  if (unsupported !== undefined) return badRequest(`group_by[]: unsupported dimension "${unsupported}"`);
  if (groupBy.includes('cost_type') || groupBy.includes('token_type')) {
    return badRequest('group_by[]: this fake does not break costs out by cost_type or token_type');
  }
  const limit = parseLimit(url, 20);
  if (isAnswer(limit)) return limit;
  return {
    start,
    end,
    bucketed: bucket !== null,
    products: products.length ? new Set(products) : undefined,
    groupBy,
    limit,
  };
}

interface ReportEntry {
  user: SeatUser;
  bucket: string;
  model: string | null;
  product: string | null;
  group: string | null;
  uses: ModelUse[];
}

/** The entries of a report: per user (and day bucket), split by the dimensions asked for. */
function reportEntries(state: State, query: ReportQuery): ReportEntry[] {
  // Cost and usage of a day are complete once the day is over (the API lags about four hours).
  const lastDay = addDays(today(state), -1);
  const first = utcDayOf(new Date(query.start));
  const days: string[] = [];
  for (let day = first; Date.parse(`${day}T00:00:00Z`) < query.end && day <= lastDay; day = addDays(day, 1)) {
    days.push(day);
  }
  const entries = new Map<string, ReportEntry>();
  for (const day of days) {
    for (const entry of daysOf(state, day)) {
      for (const use of entry.models) {
        if (query.products && !query.products.has(use.product)) continue;
        const groups = query.groupBy.includes('rbac_group_id')
          ? entry.user.groups.length
            ? entry.user.groups
            : [null]
          : [null];
        for (const group of groups) {
          const model = query.groupBy.includes('model') ? use.model : null;
          const product = query.groupBy.includes('product') ? use.product : null;
          const bucket = query.bucketed ? day : first;
          const key = [entry.user.id, bucket, model, product, group].join('|');
          const found = entries.get(key) ?? { user: entry.user, bucket, model, product, group, uses: [] };
          found.uses.push(use);
          entries.set(key, found);
        }
      }
    }
  }
  return [...entries.values()];
}

function reportRows(state: State, query: ReportQuery, kind: 'usage' | 'cost'): Record<string, unknown>[] {
  const sum = (entry: ReportEntry, pick: (use: ModelUse) => number) =>
    entry.uses.reduce((total, use) => total + pick(use), 0);
  const rows = reportEntries(state, query).map((entry) => {
    const bounds = query.bucketed
      ? { starting_at: `${entry.bucket}T00:00:00Z`, ending_at: `${addDays(entry.bucket, 1)}T00:00:00Z` }
      : { starting_at: new Date(query.start).toISOString(), ending_at: new Date(query.end).toISOString() };
    const common = {
      actor: {
        type: 'user_actor',
        user_id: entry.user.id,
        email: entry.user.email,
        name: entry.user.name,
        deleted: false,
      },
      ...bounds,
      model: entry.model,
      product: entry.product,
      rbac_group_id: entry.group,
      context_window: null,
      inference_geo: null,
      speed: null,
      claude_tag_category: null,
      claude_tag_user_id: null,
      slack_channel_id: null,
      requests: sum(entry, (use) => use.requests),
    };
    if (kind === 'cost') {
      const amount = sum(entry, (use) => use.amountMicro);
      return {
        rank: amount,
        bucket: entry.bucket,
        row: {
          ...common,
          amount: decimalCents(amount),
          list_amount: decimalCents(sum(entry, (use) => use.listMicro)),
          currency: 'USD',
          cost_type: null,
          token_type: null,
        },
      };
    }
    const uncached = sum(entry, (use) => use.uncached);
    const cache1h = sum(entry, (use) => use.cache1h);
    const cache5m = sum(entry, (use) => use.cache5m);
    const cacheRead = sum(entry, (use) => use.cacheRead);
    const output = sum(entry, (use) => use.output);
    const total = uncached + cache1h + cache5m + cacheRead + output;
    return {
      rank: total,
      bucket: entry.bucket,
      row: {
        ...common,
        uncached_input_tokens: uncached,
        cache_creation: { ephemeral_1h_input_tokens: cache1h, ephemeral_5m_input_tokens: cache5m },
        cache_read_input_tokens: cacheRead,
        output_tokens: output,
        total_tokens: total,
        server_tool_use: { web_search_requests: 0 },
      },
    };
  });
  // Day buckets in order, then ranked by spend (or tokens), ties by e-mail and dimensions: a stable order.
  return rows
    .sort(
      (a, b) =>
        a.bucket.localeCompare(b.bucket) ||
        b.rank - a.rank ||
        JSON.stringify(a.row).localeCompare(JSON.stringify(b.row)),
    )
    .map(({ row }) => row);
}

function report(kind: 'usage' | 'cost') {
  return (state: State, url: URL): Answer => {
    const query = reportQuery(state, url, kind);
    if (isAnswer(query)) return query;
    const page = paged(url, reportRows(state, query, kind), query.limit);
    if (isAnswer(page)) return page;
    const refreshed = new Date(state.now().getTime() - 4 * 3_600_000).toISOString();
    return {
      status: 200,
      body: {
        data: page.data,
        has_more: page.next !== null,
        next_page: page.next,
        data_refreshed_at: refreshed,
        organization_id: state.organizationId,
      },
    };
  };
}

const ROUTES = new Map<string, (state: State, url: URL) => Answer>([
  [ENTERPRISE_PATHS.users, users],
  [ENTERPRISE_PATHS.summaries, summaries],
  [ENTERPRISE_PATHS.userUsage, report('usage')],
  [ENTERPRISE_PATHS.userCost, report('cost')],
]);

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

/** A 2023- version, then a known, unrevoked key of an Enterprise organisation. */
function authenticate(state: State, request: IncomingMessage): Answer | undefined {
  const version = request.headers['anthropic-version'];
  if (typeof version !== 'string' || !version.startsWith('2023-')) {
    return badRequest(
      version ? `anthropic-version: invalid version "${version}"` : 'anthropic-version: header is required',
    );
  }
  const header = request.headers['x-api-key'];
  const key = typeof header === 'string' && header !== '' ? header : undefined;
  if (key === undefined || state.revoked.has(key)) {
    return refusal(401, 'authentication_error', 'invalid x-api-key');
  }
  if (state.nonEnterpriseKeys.has(key)) {
    return refusal(
      403,
      'permission_error',
      'The Claude Enterprise Analytics API is available to organizations on a Claude Enterprise plan.',
    );
  }
  if (!state.analyticsKeys.has(key)) return refusal(401, 'authentication_error', 'invalid x-api-key');
  return undefined;
}

function faultDay(url: URL): string | undefined {
  for (const name of ['date', 'starting_date', 'starting_at']) {
    const value = url.searchParams.get(name);
    if (value !== null) return toUtcDay(value);
  }
  return undefined;
}

async function answerApi(state: State, request: IncomingMessage, url: URL, at: number): Promise<Answer> {
  const fault = state.faults.take(url.pathname, faultDay(url));
  if (fault?.delayMs) await state.sleep(fault.delayMs);
  if (fault?.status !== undefined) {
    const { type, message: usual } = FAULT_ERRORS[fault.status];
    const message = fault.message ?? usual;
    const retryAfter = fault.retryAfterSeconds === undefined ? 1 : fault.retryAfterSeconds;
    const headers =
      fault.status === 429 && retryAfter !== null
        ? { 'retry-after': String(Math.ceil(retryAfter)) }
        : undefined;
    return refusal(fault.status, type, message, headers);
  }
  const refused = authenticate(state, request);
  if (refused) return refused;
  const route = ROUTES.get(url.pathname);
  if (!route) return refusal(404, 'not_found_error', `Not found: ${url.pathname}`);
  if (request.method !== 'GET') {
    const message = `Method ${request.method ?? '?'} is not allowed on ${url.pathname}`;
    return refusal(405, 'invalid_request_error', message, { allow: 'GET' });
  }
  const wait = state.limiter.admit(at);
  if (wait !== undefined) {
    return refusal(429, 'rate_limit_error', 'Number of requests has exceeded your rate limit.', {
      'retry-after': String(Math.max(1, Math.ceil(wait / 1000))),
    });
  }
  const answer = await route(state, url);
  return fault?.damage ? { ...answer, damage: fault.damage } : answer;
}

function send(response: ServerResponse, answer: Answer): void {
  // A slow answer may outlive its client (or the server); there is nobody left to answer.
  if (response.destroyed || response.headersSent) return;
  const requestId = newRequestId();
  const body =
    answer.status >= 400 && typeof answer.body === 'object' && answer.body !== null
      ? { ...(answer.body as Record<string, unknown>), request_id: requestId }
      : answer.body;
  const json = JSON.stringify(body);
  const text = answer.damage ? damageBody(json, answer.damage) : json;
  response.writeHead(answer.status, {
    ...answer.headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    'request-id': requestId,
  });
  response.end(text);
}

async function serveApi(state: State, request: IncomingMessage, response: ServerResponse, url: URL) {
  const recorded: EnterpriseRecordedRequest = {
    method: request.method ?? 'GET',
    path: url.pathname,
    // The query only: the key travels in headers, which are never kept.
    params: [...url.searchParams.entries()],
    status: 0,
    at: Date.now(),
  };
  state.requests.push(recorded);
  let answer: Answer;
  try {
    answer = await answerApi(state, request, url, recorded.at);
  } catch (failure) {
    // A bug in the fake must show up as a clear 500, not as a hung test.
    const message = failure instanceof Error ? failure.message : String(failure);
    answer = refusal(500, 'api_error', `fake Claude Enterprise Analytics server failed: ${message}`);
  }
  if (response.destroyed || response.headersSent) return;
  send(response, answer);
  recorded.status = answer.status;
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

async function serveControl(state: State, request: IncomingMessage, response: ServerResponse, url: URL) {
  const route = `${request.method ?? ''} ${url.pathname}`;
  if (route === 'GET /__fake/health') return send(response, { status: 200, body: { status: 'ok' } });
  if (route === 'DELETE /__fake/faults') {
    state.faults.clear();
    return send(response, { status: 200, body: { pending: 0 } });
  }
  if (route === 'POST /__fake/faults') {
    const text = await readBody(request);
    let input: unknown;
    try {
      input = text === undefined ? undefined : JSON.parse(text);
    } catch {
      input = undefined;
    }
    const parsed = parseEnterpriseFault(input);
    if ('error' in parsed) return send(response, badRequest(parsed.error));
    state.faults.add(parsed.fault);
    const pending = state.faults.pending();
    return send(response, {
      status: 201,
      body: { added: parsed.fault, pending: Number.isFinite(pending) ? pending : 'Infinity' },
    });
  }
  send(
    response,
    refusal(
      404,
      'not_found_error',
      'control routes: GET /__fake/health, POST /__fake/faults, DELETE /__fake/faults',
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------

export async function startFakeClaudeEnterprise(
  options: FakeClaudeEnterpriseOptions = {},
): Promise<FakeClaudeEnterpriseServer> {
  const now = options.now ?? (() => new Date());
  const planDays = options.planDays ?? 400;
  if (!Number.isInteger(planDays) || planDays < 0)
    throw new RangeError('planDays must be a non-negative integer');
  const seed = options.seed ?? 'demo';
  // Counted from the fake's first "today", so the data does not shift while it runs across midnight.
  const org: OrganisationOptions = {
    seed,
    firstPerson: options.firstPerson ?? 9,
    seatUsers: options.seatUsers ?? 10,
    since: addDays(utcDayOf(now()), -planDays),
  };
  const sleeper = createSleeper();
  const rateLimit = options.rateLimit ?? { perWindow: 60, windowMs: 60_000 };
  const state: State = {
    organizationId: options.organizationId ?? 'org_01DemoEnterpriseOrganisation',
    org,
    users: seatUsers(org),
    unlistedSeats: options.unlistedSeats ?? 0,
    groups: rbacGroups(seed),
    now,
    publishHourUtc: options.publishHourUtc ?? 17,
    productBreakdown: options.productBreakdown ?? true,
    analyticsKeys: new Set(options.apiKeys ?? [DEMO_ENTERPRISE_ANALYTICS_KEY]),
    nonEnterpriseKeys: new Set(options.nonEnterpriseKeys ?? []),
    revoked: new Set(),
    faults: new EnterpriseFaultQueue(),
    limiter: new RollingLimiter(rateLimit),
    requests: [],
    dayCache: new Map(),
    sleep: sleeper.sleep,
  };
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const serving = url.pathname.startsWith(CONTROL_PREFIX)
      ? serveControl(state, request, response, url)
      : serveApi(state, request, response, url);
    void serving.catch(() => send(response, refusal(500, 'api_error', 'Internal server error')));
  });
  const port = await listen(server, options.port ?? 0);
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    organizationId: state.organizationId,
    users: state.users,
    groups: state.groups,
    requests: state.requests,
    faults: {
      add: (fault) => state.faults.add(fault),
      clear: () => state.faults.clear(),
      pending: () => state.faults.pending(),
    },
    revokeKey: (key) => void state.revoked.add(key),
    newestPublishedDay: () => newestPublished(state),
    userDays: (day) => daysOf(state, day),
    maxRequestsInWindow: (windowMs) =>
      maxInWindow(
        state.requests.map((recorded) => recorded.at),
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
