import { CredentialsRejectedError, ProviderUnavailableError } from '../../functions/domain/errors';
import { ProviderHttpError } from '../../functions/providers/http-client';
import { githubCopilotProvider as provider } from '../../functions/providers/github-copilot';
import {
  classifyGitHubError,
  githubRateLimitWait,
  nextLink,
} from '../../functions/providers/github-copilot/client';
import type { CopilotOptions } from '../../functions/providers/github-copilot/schemas';
import type { ProviderContext } from '../../functions/providers/types';
import { DEMO_GITHUB_TOKEN, startFakeGitHub, type FakeGitHubServer } from '../../local/fakes/github-copilot';

/** The Copilot provider against the fake GitHub over real HTTP, one behaviour at a time. */
const NOW = new Date('2026-07-10T12:00:00Z');
const org = (token = DEMO_GITHUB_TOKEN) => ({
  apiKey: token,
  teamId: 't',
  options: { org: 'demo-org' } as CopilotOptions,
});
const enterprise = (token = DEMO_GITHUB_TOKEN) => ({
  apiKey: token,
  teamId: 't',
  options: { enterprise: 'demo-enterprise' } as CopilotOptions,
});

function contextFor(fake: FakeGitHubServer, sleeps: number[] = []): ProviderContext {
  return {
    baseUrl: fake.url,
    fetch: globalThis.fetch.bind(globalThis),
    sleep: async (ms) => void sleeps.push(ms),
    now: () => NOW,
    userAgent: 'test',
  };
}

describe('GitHub Copilot provider against the fake GitHub', () => {
  let fake: FakeGitHubServer;
  let ctx: ProviderContext;
  const sleeps: number[] = [];
  const noPermission = 'ghp_' + 'NoPermission'.repeat(3);

  beforeAll(async () => {
    fake = await startFakeGitHub({
      now: () => NOW,
      developers: 230,
      seed: 'provider',
      historyDays: 300,
      withheldDays: ['2026-06-01'],
      tokensWithoutPermission: [noPermission],
    });
    ctx = contextFor(fake, sleeps);
  });
  afterAll(async () => fake?.close());
  afterEach(() => {
    fake.faults.clear();
    fake.settings.policyEnabled = true;
    fake.settings.seats = fake.developers.length;
    sleeps.length = 0;
  });

  describe('verifyCredentials', () => {
    it('an organisation: its numeric id is the account, proven by a report call', async () => {
      await expect(provider.verifyCredentials(org(), ctx)).resolves.toEqual({
        id: 'org:90210001',
        name: 'Demo Org',
      });
      expect(fake.requests.slice(-2).map((r) => r.path)).toEqual([
        '/orgs/demo-org',
        '/orgs/demo-org/copilot/metrics/reports/organization-28-day/latest',
      ]);
    });

    it('an enterprise, through its enterprise report', async () => {
      await expect(provider.verifyCredentials(enterprise(), ctx)).resolves.toEqual({
        id: 'enterprise:demo-enterprise',
        name: 'demo-enterprise',
      });
      expect(fake.requests.at(-1)?.path).toBe(
        '/enterprises/demo-enterprise/copilot/metrics/reports/enterprise-28-day/latest',
      );
    });

    it('refuses a fine-grained token for an enterprise before any call', async () => {
      const before = fake.requests.length;
      await expect(
        provider.verifyCredentials(enterprise('github_pat_' + 'a'.repeat(60)), ctx),
      ).rejects.toThrow(/fine-grained tokens.*manage_billing:copilot or read:enterprise/);
      expect(fake.requests.length).toBe(before);
    });

    it('names the missing permission when the token may not read Copilot metrics', async () => {
      const error = await provider.verifyCredentials(org(noPermission), ctx).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CredentialsRejectedError);
      expect((error as Error).message).toMatch(/read:org/);
      expect((error as Error).message).toMatch(/"Organization Copilot metrics" read permission/);
      expect((error as Error).message).toMatch(/Resource not accessible by personal access token/);
    });

    it('names the policy when GitHub serves no reports', async () => {
      fake.settings.policyEnabled = false;
      await expect(provider.verifyCredentials(org(), ctx)).rejects.toThrow(
        /"Copilot usage metrics" policy is disabled.*Organization settings → Copilot → Policies/,
      );
    });

    it('an unknown organisation or a bad token is refused with what to check', async () => {
      await expect(
        provider.verifyCredentials({ apiKey: DEMO_GITHUB_TOKEN, options: { org: 'nope' }, teamId: 't' }, ctx),
      ).rejects.toThrow(/no organisation "nope" that this token can see/);
      await expect(
        provider.verifyCredentials(
          { apiKey: DEMO_GITHUB_TOKEN, options: { enterprise: 'nope' }, teamId: 't' },
          ctx,
        ),
      ).rejects.toThrow(/enterprise slug is wrong.*"Enabled everywhere"/);
      await expect(provider.verifyCredentials(org('ghp_' + 'z'.repeat(36)), ctx)).rejects.toThrow(
        /GitHub rejected this token \(Bad credentials\)/,
      );
    });

    it('GitHub down is "try again", not a refused token', async () => {
      fake.faults.add({ kind: 'status', status: 503, times: Infinity });
      await expect(provider.verifyCredentials(org(), ctx)).rejects.toBeInstanceOf(ProviderUnavailableError);
    });
  });

  describe('fetchDay', () => {
    it('downloads every link of a report split over several files, without the GitHub token', async () => {
      const day = '2026-06-20';
      const result = await provider.fetchDay(org(), day, ctx);
      expect(result.kind).toBe('ok');
      const raw = (result as { raw: { users: unknown[]; user_teams: unknown[] } }).raw;
      expect(raw.users).toEqual(fake.usersFor(day).map((record) => JSON.parse(JSON.stringify(record))));
      expect(raw.users.length).toBeGreaterThan(50); // more than one file of 50 lines
      expect(raw.user_teams).toHaveLength(fake.teamsFor(day).length);
      const files = fake.requests.filter((r) => r.path.startsWith('/__files/'));
      expect(files.length).toBeGreaterThan(2);
      expect(files.every((r) => !r.authorized)).toBe(true);
      expect(JSON.stringify(raw)).not.toMatch(/__files|sig=/);
    });

    it('a day GitHub has not published yet is not_ready; an old day with no report is not_available', async () => {
      await expect(provider.fetchDay(org(), '2026-07-09', ctx)).resolves.toMatchObject({ kind: 'not_ready' });
      await expect(provider.fetchDay(org(), '2026-06-01', ctx)).resolves.toMatchObject({
        kind: 'not_available',
        scope: 'day',
        message: expect.stringMatching(/too few Copilot users/),
      });
    });

    it('a day before GitHub serves reports is not_available without a call', async () => {
      const before = fake.requests.length;
      await expect(provider.fetchDay(org(), '2025-12-11', ctx)).resolves.toMatchObject({
        kind: 'not_available',
        scope: 'day',
        message: expect.stringMatching(/from 2025-12-12 only/),
      });
      expect(fake.requests.length).toBe(before);
      expect(provider.earliestDay?.({ enterprise: 'e' }, NOW)).toBe('2025-10-10');
      expect(provider.earliestDay?.({ org: 'o' }, new Date('2027-03-01T00:00:00Z'))).toBe('2026-03-02');
    });

    it('the policy switched off makes the whole integration not_available', async () => {
      fake.settings.policyEnabled = false;
      await expect(provider.fetchDay(org(), '2026-06-20', ctx)).resolves.toMatchObject({
        kind: 'not_available',
        scope: 'integration',
      });
    });

    it('waits out secondary (retry-after) and primary (x-ratelimit-reset) limits', async () => {
      fake.faults.add({ kind: 'status', status: 403, rateLimit: 'secondary', retryAfterSeconds: 2 });
      fake.faults.add({ kind: 'status', status: 429, rateLimit: 'primary', retryAfterSeconds: 30 });
      await expect(provider.fetchDay(org(), '2026-06-20', ctx)).resolves.toMatchObject({ kind: 'ok' });
      expect(sleeps).toHaveLength(2);
      expect(sleeps[0]).toBeGreaterThanOrEqual(2000);
      expect(sleeps[0]).toBeLessThan(2300);
      // The reset is an epoch time: wait until then (30 s), not the default minute.
      expect(sleeps[1]).toBeGreaterThanOrEqual(25_000);
      expect(sleeps[1]).toBeLessThanOrEqual(31_300);
    });

    it('backs off briefly on a 5xx instead of waiting as for a rate limit', async () => {
      fake.faults.add({ kind: 'status', status: 502 });
      await expect(provider.fetchDay(org(), '2026-06-20', ctx)).resolves.toMatchObject({ kind: 'ok' });
      expect(sleeps).toHaveLength(1);
      expect(sleeps[0]).toBeLessThanOrEqual(500); // first backoff step, not GitHub's one-minute advice
    });

    it('hands a long rate-limit wait back to the queue instead of sleeping', async () => {
      fake.faults.add({ kind: 'status', status: 403, rateLimit: 'secondary', retryAfterSeconds: 600 });
      const error = await provider.fetchDay(org(), '2026-06-20', ctx).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderHttpError);
      expect(error).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 600, retryable: true });
      expect(sleeps).toEqual([]);
    });

    it('a plain 403 (permission removed) is a refusal, not a rate limit', async () => {
      const error = await provider.fetchDay(org(noPermission), '2026-06-20', ctx).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'forbidden', status: 403, retryable: false });
    });

    it('links that keep expiring end in a retryable error after three report calls', async () => {
      fake.faults.add({ kind: 'expired_link', times: Infinity });
      const before = fake.requests.length;
      const error = await provider.fetchDay(org(), '2026-06-20', ctx).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'unavailable', retryable: true });
      expect((error as Error).message).toMatch(/download link expired/);
      const reportCalls = fake.requests.slice(before).filter((r) => r.path.endsWith('/users-1-day'));
      expect(reportCalls).toHaveLength(3);
    });

    it('works against a GitHub Enterprise Server style base URL (/api/v3)', async () => {
      const server = await startFakeGitHub({ now: () => NOW, apiPrefix: '/api/v3', developers: 6 });
      try {
        expect(server.url).toMatch(/\/api\/v3$/);
        const serverCtx = contextFor(server);
        await expect(provider.verifyCredentials(org(), serverCtx)).resolves.toMatchObject({
          id: 'org:90210001',
        });
        await expect(provider.fetchDay(org(), '2026-06-20', serverCtx)).resolves.toMatchObject({
          kind: 'ok',
        });
        expect(
          server.requests
            .filter((r) => !r.path.startsWith('/__files/'))
            .every((r) => r.path.startsWith('/api/v3/')),
        ).toBe(true);
      } finally {
        await server.close();
      }
    });
  });

  describe('fetchSeats', () => {
    it('follows Link pages to every seat', async () => {
      const before = fake.requests.length;
      const result = await provider.fetchSeats?.(org(), ctx);
      expect(result).toMatchObject({ kind: 'ok', requests: 3 });
      const seats = (result as { seats: { developer: { key: string }; assigning_team: string | null }[] })
        .seats;
      expect(seats).toHaveLength(230);
      expect(new Set(seats.map((seat) => seat.developer.key)).size).toBe(230);
      expect(seats[0]).toMatchObject({
        developer: { key: `github:${fake.developers[0]?.id}`, login: fake.developers[0]?.login },
        plan_type: 'business',
        assigning_team: 'platform',
        last_activity_editor: expect.stringMatching(/copilot-chat/),
      });
      const pages = fake.requests.slice(before).map((r) => r.query.page ?? '1');
      expect(pages).toEqual(['1', '2', '3']);
    });

    it('an organisation without seats is not_available for the integration', async () => {
      fake.settings.seats = 0;
      await expect(provider.fetchSeats?.(org(), ctx)).resolves.toMatchObject({
        kind: 'not_available',
        scope: 'integration',
        message: expect.stringMatching(/no Copilot seats assigned/),
      });
    });
  });
});

describe('GitHub response rules', () => {
  const headers = (values: Record<string, string>) => new Headers(values);

  it('reads the next page from a Link header', () => {
    const link =
      '<https://api.github.com/orgs/o/copilot/billing/seats?page=2&per_page=100>; rel="next", ' +
      '<https://api.github.com/orgs/o/copilot/billing/seats?page=5&per_page=100>; rel="last"';
    expect(nextLink(link)).toBe('https://api.github.com/orgs/o/copilot/billing/seats?page=2&per_page=100');
    expect(nextLink('<https://x/?page=1>; rel="prev", <https://x/?page=1>; rel="first"')).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
  });

  it('tells rate limits from refusals', () => {
    expect(classifyGitHubError(403, headers({ 'x-ratelimit-remaining': '0' }), {})).toBe('rate_limited');
    expect(classifyGitHubError(403, headers({ 'retry-after': '30' }), {})).toBe('rate_limited');
    expect(
      classifyGitHubError(403, headers({}), { message: 'You have exceeded a secondary rate limit.' }),
    ).toBe('rate_limited');
    expect(
      classifyGitHubError(403, headers({ 'x-ratelimit-remaining': '4999' }), { message: 'Forbidden' }),
    ).toBe(undefined);
    expect(classifyGitHubError(500, headers({}), {})).toBe(undefined);
  });

  it('waits until x-ratelimit-reset when the primary limit is spent, else a minute', () => {
    const now = new Date('2026-07-10T12:00:00Z');
    const reset = String(now.getTime() / 1000 + 42);
    expect(
      githubRateLimitWait(headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }), now),
    ).toBe(42);
    expect(githubRateLimitWait(headers({}), now)).toBe(60);
  });
});
