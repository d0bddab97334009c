import { ProviderHttpError, requestJson, requestText, type ProviderErrorKind } from '../http-client';
import type { ProviderContext } from '../types';
import { githubCopilotManifest } from './manifest';
import { parseReportFile, ReportFormatError } from './ndjson';
import {
  copilotSeatsPageSchema,
  githubErrorSchema,
  githubOrganizationSchema,
  reportLinksSchema,
  type CopilotOptions,
  type CopilotSeat,
} from './schemas';
import type { z } from 'zod';

/** Client of the GitHub REST endpoints this provider reads (provider-apis.md, 2.3 and 2.4). */
export const GITHUB_API_VERSION = '2026-03-10';
const SEATS_PER_PAGE = 100;
/** 100,000 seats: far beyond any organisation; stops a Link loop from running forever. */
const MAX_SEAT_PAGES = 1000;
/** Report calls per report and day: the first, then fresh links after an expired or truncated file. */
const MAX_REPORT_CALLS = 3;
/** Statuses a signed link answers once it has expired (blob stores use 403; CDNs 404 or 410). */
const EXPIRED_LINK_STATUSES = [403, 404, 410] as const;

export type ReportName = 'users-1-day' | 'user-teams-1-day';

export type ReportAnswer =
  | { kind: 'records'; records: unknown[]; requests: number; files: number }
  | { kind: 'no_content'; requests: number }
  | { kind: 'not_found'; message: string; requests: number };

function describeGitHubError(body: unknown): string | undefined {
  const parsed = githubErrorSchema.safeParse(body);
  return parsed.success ? parsed.data.message : undefined;
}

/**
 * GitHub answers a primary rate limit with 403 or 429 and `x-ratelimit-remaining: 0`, and a
 * secondary (burst) limit with 403 or 429, a "secondary rate limit" message and often `retry-after`.
 */
export function classifyGitHubError(
  status: number,
  headers: Headers,
  body: unknown,
): ProviderErrorKind | undefined {
  if (status !== 403 && status !== 429) return undefined;
  if (headers.get('x-ratelimit-remaining') === '0' || headers.get('retry-after') !== null)
    return 'rate_limited';
  const message = describeGitHubError(body) ?? '';
  return /rate limit/i.test(message) ? 'rate_limited' : undefined;
}

/** Seconds until the primary limit resets, or GitHub's advice for secondary limits: wait a minute. */
export function githubRateLimitWait(headers: Headers, now: Date): number | undefined {
  const reset = Number(headers.get('x-ratelimit-reset'));
  if (headers.get('x-ratelimit-remaining') === '0' && Number.isFinite(reset) && reset > 0) {
    return Math.max(1, Math.ceil(reset - now.getTime() / 1000));
  }
  return 60;
}

/** The `next` URL of a GitHub Link header (RFC 8288), if any. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const match = /<([^>]+)>\s*;(.*)/.exec(part.trim());
    if (match && /\brel="?([^";]*\s)?next(\s[^";]*)?"?/.test(match[2] as string)) return match[1];
  }
  return undefined;
}

export function scopePath(options: CopilotOptions): string {
  return 'org' in options
    ? `orgs/${encodeURIComponent(options.org)}`
    : `enterprises/${encodeURIComponent(options.enterprise)}`;
}

export class GitHubCopilotClient {
  constructor(
    private readonly token: string,
    private readonly options: CopilotOptions,
    private readonly ctx: ProviderContext,
  ) {}

  private url(path: string, query: Record<string, string> = {}): string {
    const url = new URL(path, this.ctx.baseUrl.endsWith('/') ? this.ctx.baseUrl : `${this.ctx.baseUrl}/`);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    return url.toString();
  }

  private policy() {
    return {
      maxAttempts: githubCopilotManifest.limits.maxAttempts,
      maxRetryAfterSeconds: githubCopilotManifest.limits.maxRetryAfterSeconds,
    };
  }

  private get(url: string, acceptStatuses: readonly number[] = []) {
    return requestJson(this.ctx, url, {
      headers: { authorization: `Bearer ${this.token}`, 'x-github-api-version': GITHUB_API_VERSION },
      accept: 'application/vnd.github+json',
      describeError: describeGitHubError,
      classify: classifyGitHubError,
      rateLimitWaitSeconds: githubRateLimitWait,
      acceptStatuses,
      policy: this.policy(),
    });
  }

  /** The organisation behind `org` (its numeric id is the stable account id). */
  async getOrganization(org: string): Promise<{ id: string; login: string; name: string }> {
    const response = await this.get(this.url(`orgs/${encodeURIComponent(org)}`));
    const parsed = githubOrganizationSchema.parse(response.body);
    return { id: parsed.id, login: parsed.login, name: parsed.name ?? parsed.login };
  }

  /** Step one of a report: its signed links (204 and 404 come back as answers, not errors). */
  async reportLinks(path: string, query: Record<string, string>) {
    const response = await this.get(this.url(path, query), [204, 404]);
    if (response.status === 204) return { kind: 'no_content' as const };
    if (response.status === 404) {
      return { kind: 'not_found' as const, message: describeGitHubError(response.body) ?? 'Not Found' };
    }
    return { kind: 'links' as const, links: reportLinksSchema.parse(response.body).download_links };
  }

  /** Step two: one signed file, fetched without the GitHub token. Undefined when the link has expired. */
  private async download(link: string): Promise<string | undefined> {
    const url = new URL(link);
    const base = new URL(this.ctx.baseUrl);
    // Links are https; plain http only when the API itself is plain http (a local fake).
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && base.protocol === 'http:')) {
      throw new ProviderHttpError(`report link with unexpected scheme ${url.protocol}`, 'client', 200, 1);
    }
    const response = await requestText(this.ctx, link, {
      headers: {},
      accept: 'application/x-ndjson, application/json, */*',
      acceptStatuses: EXPIRED_LINK_STATUSES,
      policy: this.policy(),
    });
    return (EXPIRED_LINK_STATUSES as readonly number[]).includes(response.status) ? undefined : response.text;
  }

  /**
   * A one-day report, whole: report call → every link → NDJSON checked line by line. An expired link
   * or a truncated file asks GitHub for fresh links and downloads them all again (links are not kept).
   */
  async getDayReport(report: ReportName, day: string, schema: z.ZodType): Promise<ReportAnswer> {
    const path = `${scopePath(this.options)}/copilot/metrics/reports/${report}`;
    let requests = 0;
    let lastProblem = '';
    for (let call = 1; call <= MAX_REPORT_CALLS; call++) {
      requests++;
      const answer = await this.reportLinks(path, { day });
      if (answer.kind !== 'links') return { ...answer, requests };
      const records: unknown[] = [];
      let complete = true;
      for (const [index, link] of answer.links.entries()) {
        requests++;
        const text = await this.download(link);
        if (text === undefined) {
          lastProblem = `${report} ${day}: a download link expired`;
          complete = false;
          break;
        }
        const label = `${report} ${day} file ${index + 1} of ${answer.links.length}`;
        try {
          records.push(...parseReportFile(text, label, schema));
        } catch (error) {
          if (!(error instanceof ReportFormatError) || !error.truncated) throw error;
          lastProblem = error.message;
          complete = false;
          break;
        }
      }
      if (complete) return { kind: 'records', records, requests, files: answer.links.length };
    }
    throw new ProviderHttpError(
      `${lastProblem}; fresh links from ${MAX_REPORT_CALLS} report calls did not help`,
      'unavailable',
      200,
      MAX_REPORT_CALLS,
    );
  }

  /** Every seat, following `Link: rel="next"`; 404 and 422 (Copilot not set up) come back as answers. */
  async listSeats(): Promise<
    | {
        kind: 'seats';
        total: number;
        seats: CopilotSeat[];
        requests: number;
      }
    | { kind: 'not_set_up'; status: number; message: string; requests: number }
  > {
    const base = new URL(this.ctx.baseUrl);
    let url: string | undefined = this.url(`${scopePath(this.options)}/copilot/billing/seats`, {
      per_page: String(SEATS_PER_PAGE),
    });
    const seats: CopilotSeat[] = [];
    let total = 0;
    let requests = 0;
    while (url !== undefined) {
      if (++requests > MAX_SEAT_PAGES) {
        throw new ProviderHttpError(`more than ${MAX_SEAT_PAGES} seat pages`, 'client', 200, 1);
      }
      const response = await this.get(url, [404, 422]);
      if (response.status === 404 || response.status === 422) {
        return {
          kind: 'not_set_up',
          status: response.status,
          message: describeGitHubError(response.body) ?? `HTTP ${response.status}`,
          requests,
        };
      }
      const page = copilotSeatsPageSchema.parse(response.body);
      total = page.total_seats;
      seats.push(...page.seats);
      const next = nextLink(response.headers.get('link'));
      // Follow only links to the same API: the token must never travel elsewhere.
      url = next !== undefined && new URL(next).origin === base.origin ? next : undefined;
    }
    return { kind: 'seats', total, seats, requests };
  }
}
