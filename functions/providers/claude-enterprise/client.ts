import { addDays } from '../../domain/dates';
import { ANTHROPIC_VERSION } from '../claude-code/client';
import { anthropicErrorSchema } from '../claude-code/schemas';
import { readAnswer } from '../answers';
import { ProviderHttpError, requestAnswer } from '../http-client';
import type { ProviderContext, RequestBudget } from '../types';
import { claudeEnterpriseManifest } from './manifest';
import {
  reportPageSchema,
  summariesSchema,
  userActivityPageSchema,
  userActivitySchema,
  userCostRowSchema,
  userUsageRowSchema,
  type DaySummary,
} from './schemas';

/**
 * The Enterprise Analytics API allows 60 requests a minute per organisation, across all its endpoints. The pacer
 * holds every request of the team's syncs, retries and connects under 55 of them, across functions; five stay
 * spare for the organisation's other readers.
 */
export const ANALYTICS_BUDGET: RequestBudget = { requests: 55, windowMs: 60_000 };

export const ANALYTICS_PATHS = {
  users: 'v1/organizations/analytics/users',
  summaries: 'v1/organizations/analytics/summaries',
  userCost: 'v1/organizations/analytics/user_cost_report',
  userUsage: 'v1/organizations/analytics/user_usage_report',
} as const;

/** Rows per page: the API's maximum for every endpoint read here. */
const PAGE_LIMIT = '1000';
const MAX_PAGES = 1000;

type Query = readonly (readonly [string, string])[];

function describeError(body: unknown): string | undefined {
  const parsed = anthropicErrorSchema.safeParse(body);
  return parsed.success ? `${parsed.data.error.type}: ${parsed.data.error.message}` : undefined;
}

/**
 * The newest published day a refusal names: the API answers a day it has not published yet with a 400 that
 * names the most recent available day. Undefined for any other failure (one naming no earlier day).
 */
export function newestPublishedDay(error: unknown, asked: string): string | undefined {
  if (!(error instanceof ProviderHttpError) || error.status !== 400) return undefined;
  const named = [...error.message.matchAll(/\b(\d{4}-\d{2}-\d{2})\b/g)]
    .map((match) => match[1] as string)
    .filter((day) => day < asked)
    .sort();
  return named.at(-1);
}

const midnight = (day: string) => `${day}T00:00:00Z`;

/** Client of the Claude Enterprise Analytics API endpoints this project reads (`x-api-key` + version). */
export class ClaudeEnterpriseClient {
  /** Requests made so far (each attempt counts: the API counts them). */
  requests = 0;

  constructor(
    private readonly apiKey: string,
    private readonly teamId: string,
    private readonly ctx: ProviderContext,
  ) {}

  /** One request whose answer `read` checks (a damaged or misshapen body is asked again: requestAnswer). */
  private async call<T>(path: string, query: Query, read: (body: unknown) => T): Promise<T> {
    const base = this.ctx.baseUrl.endsWith('/') ? this.ctx.baseUrl : `${this.ctx.baseUrl}/`;
    const url = new URL(path, base);
    for (const [name, value] of query) url.searchParams.append(name, value);
    const { pacer } = this.ctx;
    const { maxAttempts, maxRetryAfterSeconds } = claudeEnterpriseManifest.limits;
    const options = {
      headers: { 'x-api-key': this.apiKey, 'anthropic-version': ANTHROPIC_VERSION },
      describeError,
      policy: { maxAttempts, maxRetryAfterSeconds },
      beforeAttempt: async () => {
        if (pacer) {
          await pacer.take(
            { teamId: this.teamId, bucket: 'claude-enterprise' },
            ANALYTICS_BUDGET,
            maxRetryAfterSeconds * 1000,
          );
        }
        this.requests++;
      },
    };
    return (await requestAnswer(this.ctx, url.toString(), options, read)).body;
  }

  /**
   * Every page of one query: `page` is the only parameter that changes along the walk (the API refuses a cursor
   * sent with changed parameters). A 400 on a later page is a cursor the API no longer honours: the walk starts
   * again once from the first page.
   */
  private async walk(
    path: string,
    query: Query,
    read: (body: unknown) => { rows: unknown[]; next: string | undefined; organizationId?: string },
  ): Promise<{ rows: unknown[]; organizationId?: string }> {
    for (let walk = 1; ; walk++) {
      const rows: unknown[] = [];
      let organizationId: string | undefined;
      let cursor: string | undefined;
      try {
        for (let page = 1; ; page++) {
          if (page > MAX_PAGES) throw new Error(`more than ${MAX_PAGES} pages from ${path}`);
          const answer = await this.call(
            path,
            cursor === undefined ? query : [...query, ['page', cursor]],
            read,
          );
          rows.push(...answer.rows);
          organizationId ??= answer.organizationId;
          cursor = answer.next;
          if (cursor === undefined) return { rows, ...(organizationId ? { organizationId } : {}) };
        }
      } catch (error) {
        const staleCursor =
          error instanceof ProviderHttpError && error.status === 400 && cursor !== undefined;
        if (!staleCursor || walk >= 2) throw error;
      }
    }
  }

  /**
   * One entry per published day from `startingDate` on. Without an end the API answers up to the newest day it
   * has published, which is how that day is learnt without asking for an unpublished one.
   */
  async summaries(startingDate: string): Promise<DaySummary[]> {
    const answer = await this.call(ANALYTICS_PATHS.summaries, [['starting_date', startingDate]], (body) =>
      readAnswer(summariesSchema, body),
    );
    return answer.summaries;
  }

  /** A page of user rows, each checked (kept as sent: the normaliser reads them again). */
  private readUsers = (body: unknown) => {
    const page = readAnswer(userActivityPageSchema, body);
    page.data.forEach((row, index) => readAnswer(userActivitySchema, row, { prefix: ['data', index] }));
    return { rows: page.data, next: page.next_page ?? undefined };
  };

  /** Every user row of one UTC day. */
  async usersOfDay(day: string): Promise<unknown[]> {
    const query: Query = [
      ['date', day],
      ['limit', PAGE_LIMIT],
    ];
    return (await this.walk(ANALYTICS_PATHS.users, query, this.readUsers)).rows;
  }

  /** Rows rolled up over `[first, last]` (one per user, or per RBAC group with `byGroup`). */
  async usersOver(first: string, last: string, options: { byGroup: boolean }): Promise<unknown[]> {
    const query: [string, string][] = [
      ['starting_date', first],
      ['ending_date', addDays(last, 1)],
      ['limit', PAGE_LIMIT],
    ];
    if (options.byGroup) query.push(['group_by[]', 'rbac_group_id']);
    return (await this.walk(ANALYTICS_PATHS.users, query, this.readUsers)).rows;
  }

  /** A page of a cost or usage report, each row checked with `row` (kept as sent). */
  private readReport = (row: typeof userCostRowSchema | typeof userUsageRowSchema) => (body: unknown) => {
    const page = readAnswer(reportPageSchema, body);
    page.data.forEach((value, index) => readAnswer(row, value, { prefix: ['data', index] }));
    if (page.has_more && !page.next_page) {
      throw new ProviderHttpError('has_more without next_page', 'client', 200, 1);
    }
    return {
      rows: page.data,
      next: page.has_more ? (page.next_page ?? undefined) : undefined,
      ...(page.organization_id ? { organizationId: page.organization_id } : {}),
    };
  };

  private report(
    path: string,
    first: string,
    last: string,
    groupBy: string,
    row: typeof userCostRowSchema | typeof userUsageRowSchema,
  ) {
    const query: Query = [
      ['starting_at', midnight(first)],
      ['ending_at', midnight(addDays(last, 1))],
      ['bucket_width', '1d'],
      ['products[]', 'claude_code'],
      ['group_by[]', groupBy],
      ['limit', PAGE_LIMIT],
    ];
    return this.walk(path, query, this.readReport(row));
  }

  /** Claude Code cost per user, day and model over `[first, last]` (at most 31 days). */
  async costByModel(first: string, last: string): Promise<unknown[]> {
    return (await this.report(ANALYTICS_PATHS.userCost, first, last, 'model', userCostRowSchema)).rows;
  }

  /** Claude Code tokens per user, day and model over `[first, last]` (at most 31 days). */
  async usageByModel(first: string, last: string): Promise<unknown[]> {
    return (await this.report(ANALYTICS_PATHS.userUsage, first, last, 'model', userUsageRowSchema)).rows;
  }

  /** Claude Code usage per user, day and RBAC group: who held which group on the days they used it. */
  async usageByGroup(first: string, last: string): Promise<unknown[]> {
    return (await this.report(ANALYTICS_PATHS.userUsage, first, last, 'rbac_group_id', userUsageRowSchema))
      .rows;
  }

  /** The organisation the key belongs to, from a one-row usage report of one day (its envelope names it). */
  async organizationId(day: string): Promise<string | undefined> {
    const answer = await this.call(
      ANALYTICS_PATHS.userUsage,
      [
        ['starting_at', midnight(day)],
        ['limit', '1'],
      ],
      (body) => readAnswer(reportPageSchema, body),
    );
    return answer.organization_id;
  }
}
