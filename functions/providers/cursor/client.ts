import { createHash } from 'node:crypto';
import type { RequestBudget } from '../types';
import { readAnswer } from '../answers';
import { requestAnswer } from '../http-client';
import type { ProviderContext } from '../types';
import { cursorManifest } from './manifest';
import {
  cursorAuditLogsSchema,
  cursorErrorSchema,
  cursorEventsPageSchema,
  cursorMembersSchema,
  cursorSpendPageSchema,
  cursorUsageEventSchema,
  cursorUsagePageSchema,
  cursorUsageRowSchema,
  type CursorMember,
  type CursorUsageEvent,
  type CursorUsageRow,
} from './schemas';

/**
 * Cursor counts requests per team per minute: 20 for the Admin endpoints, 60 for usage events. The pacer
 * holds every request of the team's syncs, retries and connects under these budgets, across functions;
 * two requests a minute stay spare for a person using the Admin API by hand.
 */
export const ADMIN_BUDGET: RequestBudget = { requests: 18, windowMs: 60_000 };
export const EVENTS_BUDGET: RequestBudget = { requests: 55, windowMs: 60_000 };

/** Users per page of daily usage, and events per page (the API's maximum). */
const USAGE_PAGE_SIZE = 500;
const EVENTS_PAGE_SIZE = 1000;
const MAX_PAGES = 1000;

export function describeCursorError(body: unknown): string | undefined {
  const parsed = cursorErrorSchema.safeParse(body);
  if (!parsed.success) return typeof body === 'string' && body ? body.slice(0, 200) : undefined;
  const { error, message, code, outcome } = parsed.data;
  const label = error ?? code ?? outcome;
  if (label && message) return `${label}: ${message}`;
  return message ?? label;
}

/** A day as Cursor's Admin API wants it: epoch milliseconds of its first and last millisecond (UTC). */
export function dayBounds(first: string, last: string = first): { startDate: number; endDate: number } {
  return { startDate: Date.parse(`${first}T00:00:00.000Z`), endDate: Date.parse(`${last}T23:59:59.999Z`) };
}

/**
 * Events carry no id, and pages of a moving list can repeat one: an event is identified by a hash of its
 * fields (two real events differ at least in timestamp or conversation).
 */
export function eventId(event: CursorUsageEvent): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        event.timestamp,
        event.userEmail ?? null,
        event.serviceAccountId ?? null,
        event.cloudAgentId ?? null,
        event.conversationId ?? null,
        event.model ?? null,
        event.kind ?? null,
        event.requestsCosts ?? null,
        event.chargedCents,
        event.tokenUsage ?? null,
      ]),
    )
    .digest('base64url');
}

/** A page of daily usage with its rows checked (a row of another shape is found while the page can be asked again). */
function readUsagePage(body: unknown) {
  const page = readAnswer(cursorUsagePageSchema, body);
  const rows = page.data.map((row, index) =>
    readAnswer(cursorUsageRowSchema, row, { prefix: ['data', index] }),
  );
  return { rows, pagination: page.pagination };
}

/** A page of usage events with each event checked. */
function readEventsPage(body: unknown) {
  const page = readAnswer(cursorEventsPageSchema, body);
  const events = page.usageEvents.map((event, index) =>
    readAnswer(cursorUsageEventSchema, event, { prefix: ['usageEvents', index] }),
  );
  return { events, pagination: page.pagination };
}

/** Client of the Cursor Admin API endpoints this project reads. HTTP Basic: the key as user name. */
export class CursorAdminClient {
  private readonly authorization: string;

  constructor(
    apiKey: string,
    private readonly teamId: string,
    private readonly ctx: ProviderContext,
  ) {
    this.authorization = `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`;
  }

  /** Requests made so far (each attempt counts: Cursor counts them). */
  requests = 0;

  /** One request whose answer `read` checks (a damaged or misshapen body is asked again: requestAnswer). */
  private async call<T>(
    path: string,
    budget: 'admin' | 'events',
    read: (body: unknown) => T,
    init: { method?: 'GET' | 'POST'; json?: unknown; query?: Record<string, string> } = {},
  ): Promise<T> {
    const base = this.ctx.baseUrl.endsWith('/') ? this.ctx.baseUrl : `${this.ctx.baseUrl}/`;
    const url = new URL(path, base);
    for (const [name, value] of Object.entries(init.query ?? {})) url.searchParams.set(name, value);
    const { pacer } = this.ctx;
    const { maxAttempts, maxRetryAfterSeconds } = cursorManifest.limits;
    const options = {
      ...(init.method ? { method: init.method } : {}),
      ...(init.json !== undefined ? { json: init.json } : {}),
      headers: { authorization: this.authorization },
      describeError: describeCursorError,
      // Cursor documents exponential backoff from one second (1, 2, 4, 8, 16 s) and no Retry-After.
      policy: { maxAttempts, maxRetryAfterSeconds, baseDelayMs: 1_000 },
      beforeAttempt: async () => {
        if (pacer) {
          await pacer.take(
            { teamId: this.teamId, bucket: `cursor-${budget}` },
            budget === 'admin' ? ADMIN_BUDGET : EVENTS_BUDGET,
            maxRetryAfterSeconds * 1000,
          );
        }
        this.requests++;
      },
    };
    return (await requestAnswer(this.ctx, url.toString(), options, read)).body;
  }

  async members(): Promise<CursorMember[]> {
    const answer = await this.call('teams/members', 'admin', (body) => readAnswer(cursorMembersSchema, body));
    return answer.teamMembers;
  }

  /** The team's numeric id, from the audit log's parameters; undefined when the log does not say. */
  async teamIdentity(): Promise<string | undefined> {
    const answer = await this.call(
      'teams/audit-logs',
      'admin',
      (body) => readAnswer(cursorAuditLogsSchema, body),
      {
        query: { startTime: '1d', endTime: 'now', page: '1', pageSize: '1' },
      },
    );
    const teamId = answer.params?.teamId;
    return teamId === undefined ? undefined : String(teamId);
  }

  /**
   * Every daily-usage row of a range of at most 30 days, in paged mode: every member with a membership in
   * the range is listed, idle days with `isActive: false` — that is how a quiet day is told from a day the
   * API does not serve (no rows at all).
   */
  async dailyUsage(first: string, last: string, options: { paged: boolean }): Promise<CursorUsageRow[]> {
    const rows: CursorUsageRow[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const body = {
        ...dayBounds(first, last),
        ...(options.paged ? { page, pageSize: USAGE_PAGE_SIZE } : {}),
      };
      const answer = await this.call('teams/daily-usage-data', 'admin', readUsagePage, {
        method: 'POST',
        json: body,
      });
      rows.push(...answer.rows);
      if (!options.paged || !answer.pagination?.hasNextPage) return rows;
    }
    throw new Error(`more than ${MAX_PAGES} pages of daily usage`);
  }

  /** Every usage event of a range (both ends inclusive), without repeats. */
  async usageEvents(first: string, last: string): Promise<CursorUsageEvent[]> {
    const seen = new Map<string, CursorUsageEvent>();
    for (let page = 1; page <= MAX_PAGES; page++) {
      const body = { ...dayBounds(first, last), page, pageSize: EVENTS_PAGE_SIZE };
      const answer = await this.call('teams/filtered-usage-events', 'events', readEventsPage, {
        method: 'POST',
        json: body,
      });
      for (const event of answer.events) seen.set(eventId(event), event);
      if (!answer.pagination?.hasNextPage) return [...seen.values()];
    }
    throw new Error(`more than ${MAX_PAGES} pages of usage events`);
  }

  /** The current billing cycle's spend per member (Cursor keeps no history of it). */
  async spend(): Promise<{ members: { email: string; spendCents: number }[]; cycleStart?: number }> {
    const members: { email: string; spendCents: number }[] = [];
    let cycleStart: number | undefined;
    for (let page = 1; page <= MAX_PAGES; page++) {
      const answer = await this.call(
        'teams/spend',
        'admin',
        (body) => readAnswer(cursorSpendPageSchema, body),
        {
          method: 'POST',
          json: { page, pageSize: 100 },
        },
      );
      cycleStart ??= answer.subscriptionCycleStart;
      members.push(...answer.teamMemberSpend.map((m) => ({ email: m.email, spendCents: m.spendCents })));
      if (answer.teamMemberSpend.length === 0 || page >= (answer.totalPages ?? 1)) break;
    }
    return { members, ...(cycleStart !== undefined ? { cycleStart } : {}) };
  }
}
