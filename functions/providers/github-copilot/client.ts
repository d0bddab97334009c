import { ProviderResponseError } from '../../domain/errors';
import { readAnswer } from '../answers';
import {
  defaultRetryPolicy,
  ProviderHttpError,
  requestAnswer,
  requestJson,
  requestText,
  type ProviderErrorKind,
  type RequestOptions,
} from '../http-client';
import type { ProviderContext } from '../types';
import { githubCopilotManifest } from './manifest';
import { parseReportFile } from './ndjson';
import {
  copilotSeatsPageSchema,
  githubErrorSchema,
  githubOrganizationSchema,
  reportLinksSchema,
  samlIdentitiesAnswerSchema,
  type CopilotOptions,
  type CopilotSeat,
  type ExternalIdentityNode,
} from './schemas';
import type { z } from 'zod';

/** Client of the GitHub REST endpoints this provider reads (provider-apis.md, 2.3 and 2.4). */
export const GITHUB_API_VERSION = '2026-03-10';
const SEATS_PER_PAGE = 100;
/** 100,000 seats: far beyond any organisation; stops a Link loop from running forever. */
const MAX_SEAT_PAGES = 1000;
/** Report calls per report and day: the first, then fresh links after an expired link or a damaged file. */
const MAX_REPORT_CALLS = 3;
/** Report calls while a file holds a record of another shape: one more, since a schema does not fix itself. */
const MAX_MISSHAPEN_REPORT_CALLS = defaultRetryPolicy.maxMisshapenBodyAttempts;
/** Statuses a signed link answers once it has expired (blob stores use 403; CDNs 404 or 410). */
const EXPIRED_LINK_STATUSES = [403, 404, 410] as const;

/** GitHub's largest GraphQL page. */
const IDENTITIES_PER_PAGE = 100;
/** 100,000 SAML identities: far beyond any organisation; stops a cursor loop from running forever. */
const MAX_IDENTITY_PAGES = 1000;

const IDENTITY_PAGE = `pageInfo { hasNextPage endCursor }
        nodes {
          user { login databaseId }
          samlIdentity { nameId emails { value primary } }
          scimIdentity { emails { value primary } }
        }`;
/** The SAML identities linked to an organisation's members (GitHub changelog 2023-03-30). */
export const ORG_SAML_IDENTITIES_QUERY = `query($login: String!, $first: Int!, $after: String) {
  organization(login: $login) {
    samlIdentityProvider {
      externalIdentities(first: $first, after: $after) {
        ${IDENTITY_PAGE}
      }
    }
  }
}`;
/** The same for an enterprise's SAML connection (only its owners may read `ownerInfo`). */
export const ENTERPRISE_SAML_IDENTITIES_QUERY = `query($slug: String!, $first: Int!, $after: String) {
  enterprise(slug: $slug) {
    ownerInfo {
      samlIdentityProvider {
        externalIdentities(first: $first, after: $after) {
          ${IDENTITY_PAGE}
        }
      }
    }
  }
}`;

/**
 * The SAML-linked e-mail of each GitHub user (by numeric id), or why there are none: no SAML single
 * sign-on, or a token that may not read the identities. `requests` counts the GraphQL calls made.
 */
export type SamlEmailsAnswer =
  | { kind: 'links'; emails: Map<number, string>; requests: number }
  | { kind: 'none'; reason: string; requests: number };

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

/**
 * GitHub's GraphQL endpoint for a REST base URL: `<base>/graphql`, except GitHub Enterprise Server, which
 * serves REST under `/api/v3` and GraphQL at `/api/graphql`.
 */
export function graphqlUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = /\/api\/v3$/.test(path) ? `${path.slice(0, -'/v3'.length)}/graphql` : `${path}/graphql`;
  url.search = '';
  url.hash = '';
  return url.toString();
}

/**
 * The e-mail an external identity stands for, lower-cased: the primary (else first) SAML e-mail, else a
 * SAML NameID that is an e-mail, else the primary (else first) SCIM e-mail. Undefined when there is none.
 */
export function identityEmail(node: ExternalIdentityNode): string | undefined {
  const pick = (
    emails: readonly ({ value?: string | null; primary?: boolean | null } | null)[] | null | undefined,
  ) => {
    const usable = (emails ?? []).filter((email) => email?.value?.includes('@'));
    return (usable.find((email) => email?.primary === true) ?? usable[0])?.value ?? undefined;
  };
  const nameId = node.samlIdentity?.nameId;
  const email =
    pick(node.samlIdentity?.emails) ??
    (nameId?.includes('@') ? nameId : undefined) ??
    pick(node.scimIdentity?.emails);
  const normalised = email?.trim().toLowerCase();
  return normalised ? normalised : undefined;
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

  /** A REST GET whose answer `read` checks (a damaged or misshapen body is asked again: requestAnswer). */
  private get<T>(
    url: string,
    read: (body: unknown, status: number) => T,
    acceptStatuses: readonly number[] = [],
  ) {
    const options: RequestOptions = {
      headers: { authorization: `Bearer ${this.token}`, 'x-github-api-version': GITHUB_API_VERSION },
      accept: 'application/vnd.github+json',
      describeError: describeGitHubError,
      classify: classifyGitHubError,
      rateLimitWaitSeconds: githubRateLimitWait,
      acceptStatuses,
      policy: this.policy(),
    };
    return requestAnswer(this.ctx, url, options, read);
  }

  /** A GraphQL call, with the token, rules and error reading of `get` (GraphQL is not versioned by header). */
  private graphql(json: { query: string; variables: Record<string, unknown> }) {
    return requestJson(this.ctx, graphqlUrl(this.ctx.baseUrl), {
      method: 'POST',
      json,
      headers: { authorization: `Bearer ${this.token}` },
      accept: 'application/json',
      describeError: describeGitHubError,
      classify: classifyGitHubError,
      rateLimitWaitSeconds: githubRateLimitWait,
      policy: this.policy(),
    });
  }

  /**
   * The SAML-linked e-mail of every member GitHub links to an identity (GraphQL `externalIdentities`, 100 a
   * page). No SAML single sign-on, or a refusal (a 403, a 404, or a 200 carrying GraphQL errors and no
   * identities) or an answer of an unknown shape, is `none` with the reason. A bad token (401), rate limits and
   * outages still throw, so a passing problem never replaces known e-mails with none. Past MAX_IDENTITY_PAGES
   * the e-mails read so far are kept.
   */
  async samlEmails(): Promise<SamlEmailsAnswer> {
    const enterprise = 'enterprise' in this.options;
    const query = enterprise ? ENTERPRISE_SAML_IDENTITIES_QUERY : ORG_SAML_IDENTITIES_QUERY;
    const scope = 'org' in this.options ? { login: this.options.org } : { slug: this.options.enterprise };
    const emails = new Map<number, string>();
    let after: string | null = null;
    let requests = 0;
    while (requests < MAX_IDENTITY_PAGES) {
      requests++;
      let response: Awaited<ReturnType<GitHubCopilotClient['graphql']>>;
      try {
        response = await this.graphql({ query, variables: { ...scope, first: IDENTITIES_PER_PAGE, after } });
      } catch (error) {
        if (
          error instanceof ProviderHttpError &&
          (error.kind === 'forbidden' || error.kind === 'not_found')
        ) {
          return { kind: 'none', reason: `GitHub refused the SAML identities (${error.message})`, requests };
        }
        throw error;
      }
      const parsed = samlIdentitiesAnswerSchema.safeParse(response.body);
      // E-mails only add to the seats: an answer of an unknown shape must not stop the seats from refreshing.
      if (!parsed.success) {
        return {
          kind: 'none',
          reason: 'GitHub answered the SAML identities query in an unknown shape',
          requests,
        };
      }
      const answer = parsed.data;
      const errors = answer.errors ?? [];
      const described = errors.map((error) => error.message ?? error.type ?? 'error').join('; ');
      if (errors.some((error) => error.type === 'RATE_LIMITED')) {
        throw new ProviderHttpError(
          described,
          'rate_limited',
          response.status,
          1,
          githubRateLimitWait(response.headers, this.ctx.now()),
        );
      }
      const owner = enterprise ? answer.data?.enterprise?.ownerInfo : answer.data?.organization;
      const identities = owner?.samlIdentityProvider?.externalIdentities;
      if (!identities) {
        if (errors.length > 0) {
          return { kind: 'none', reason: `GitHub refused the SAML identities (${described})`, requests };
        }
        return {
          kind: 'none',
          reason: !owner
            ? enterprise
              ? 'the token may not read the enterprise owner information'
              : 'the organisation is not visible to the token'
            : 'no SAML single sign-on is configured',
          requests,
        };
      }
      for (const node of identities.nodes ?? []) {
        const id = node?.user?.databaseId;
        const email = node ? identityEmail(node) : undefined;
        if (id !== undefined && id !== null && email !== undefined) emails.set(id, email);
      }
      const next = identities.pageInfo.endCursor ?? null;
      if (identities.pageInfo.hasNextPage !== true || next === null || next === after) break;
      after = next;
    }
    return { kind: 'links', emails, requests };
  }

  /** The organisation behind `org` (its numeric id is the stable account id). */
  async getOrganization(org: string): Promise<{ id: string; login: string; name: string }> {
    const { body: parsed } = await this.get(this.url(`orgs/${encodeURIComponent(org)}`), (body) =>
      readAnswer(githubOrganizationSchema, body),
    );
    return { id: parsed.id, login: parsed.login, name: parsed.name ?? parsed.login };
  }

  /** Step one of a report: its signed links (204 and 404 come back as answers, not errors). */
  async reportLinks(path: string, query: Record<string, string>) {
    const read = (body: unknown, status: number) => {
      if (status === 204) return { kind: 'no_content' as const };
      if (status === 404) {
        return { kind: 'not_found' as const, message: describeGitHubError(body) ?? 'Not Found' };
      }
      return { kind: 'links' as const, links: readAnswer(reportLinksSchema, body).download_links };
    };
    return (await this.get(this.url(path, query), read, [204, 404])).body;
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
   * A one-day report, whole: report call → every link → NDJSON checked line by line. An expired link or a
   * damaged file (a line that is not JSON, a last line cut short) asks GitHub for fresh links and downloads them
   * all again (links are not kept), up to MAX_REPORT_CALLS; a record of another shape, once more. A file still
   * unreadable then throws its ProviderResponseError.
   */
  async getDayReport(report: ReportName, day: string, schema: z.ZodType): Promise<ReportAnswer> {
    const path = `${scopePath(this.options)}/copilot/metrics/reports/${report}`;
    let requests = 0;
    let lastProblem = '';
    const unreadable = { not_json: 0, unexpected_shape: 0 };
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
          if (!(error instanceof ProviderResponseError)) throw error;
          error.reads = ++unreadable[error.problem];
          const limit = error.problem === 'not_json' ? MAX_REPORT_CALLS : MAX_MISSHAPEN_REPORT_CALLS;
          if (error.reads >= limit || call >= MAX_REPORT_CALLS) throw error;
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
      const response = await this.get(
        url,
        (body, status) =>
          status === 404 || status === 422
            ? { kind: 'not_set_up' as const, status, message: describeGitHubError(body) ?? `HTTP ${status}` }
            : { kind: 'page' as const, page: readAnswer(copilotSeatsPageSchema, body) },
        [404, 422],
      );
      if (response.body.kind === 'not_set_up') return { ...response.body, requests };
      const { page } = response.body;
      total = page.total_seats;
      seats.push(...page.seats);
      const next = nextLink(response.headers.get('link'));
      // Follow only links to the same API: the token must never travel elsewhere.
      url = next !== undefined && new URL(next).origin === base.origin ? next : undefined;
    }
    return { kind: 'seats', total, seats, requests };
  }
}
