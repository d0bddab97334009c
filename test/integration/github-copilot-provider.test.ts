import { CredentialsRejectedError, ProviderUnavailableError } from '../../functions/domain/errors';
import { ProviderHttpError } from '../../functions/providers/http-client';
import { githubCopilotProvider as provider } from '../../functions/providers/github-copilot';
import {
  classifyGitHubError,
  GitHubCopilotClient,
  githubRateLimitWait,
  graphqlUrl,
  identityEmail,
  nextLink,
} from '../../functions/providers/github-copilot/client';
import type { CopilotOptions } from '../../functions/providers/github-copilot/schemas';
import type { ProviderContext } from '../../functions/providers/types';
import type { SeatAssignment } from '../../functions/domain/model';
import { DEMO_GITHUB_TOKEN, startFakeGitHub, type FakeGitHubServer } from '../../local/fakes/github-copilot';
import { demoPerson } from '../../local/fakes/shared/people';
import { TEST_KEYS } from '../helpers/provider-keys';

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
  const noPermission = TEST_KEYS.githubNoPermission;

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
    fake.settings.saml = 'off';
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
        provider.verifyCredentials(enterprise(TEST_KEYS.githubFineGrainedForEnterprise), ctx),
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
      await expect(provider.verifyCredentials(org(TEST_KEYS.githubUnknown), ctx)).rejects.toThrow(
        /GitHub rejected this token \(Bad credentials\)/,
      );
    });

    it('the fake answers 401 and 529 faults as GitHub and a gateway would, and late with a slow fault', async () => {
      const get = () =>
        fetch(`${fake.url}/orgs/demo-org`, { headers: { authorization: `Bearer ${DEMO_GITHUB_TOKEN}` } });
      fake.faults.add({ kind: 'status', status: 401 });
      fake.faults.add({ kind: 'status', status: 529 });
      const refused = await get();
      expect(refused.status).toBe(401);
      await expect(refused.json()).resolves.toMatchObject({ message: 'Bad credentials' });
      expect((await get()).status).toBe(529);
      fake.faults.add({ kind: 'slow', delayMs: 150, path: '/orgs/' });
      const started = performance.now();
      expect((await get()).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(100);
      expect(fake.faults.pending()).toBe(0);
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
      // Three seat pages, then one GraphQL call that finds no SAML single sign-on.
      expect(result).toMatchObject({ kind: 'ok', requests: 4 });
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
      const seatCalls = fake.requests.slice(before).filter((r) => r.path.endsWith('/copilot/billing/seats'));
      expect(seatCalls.map((r) => r.query.page ?? '1')).toEqual(['1', '2', '3']);
    });

    describe('SAML-linked e-mails', () => {
      const seatsOf = (result: unknown) => (result as { seats: SeatAssignment[] }).seats;
      const graphqlCalls = (server: FakeGitHubServer, from: number) =>
        server.requests.slice(from).filter((r) => r.path.endsWith('/graphql'));

      it('each seat carries its SAML e-mail, read over every page of identities (230 > 100)', async () => {
        fake.settings.saml = 'on';
        const before = fake.requests.length;
        const result = await provider.fetchSeats?.(org(), ctx);
        // Three seat pages and three GraphQL pages of identities.
        expect(result).toMatchObject({ kind: 'ok', requests: 6 });
        const seats = seatsOf(result);
        expect(seats).toHaveLength(230);
        expect(seats.every((seat) => seat.developer.email !== undefined)).toBe(true);
        for (const index of [0, 1, 99, 100, 150, 229]) {
          const developer = fake.developers[index];
          expect(seats[index]?.developer).toEqual({
            key: `github:${developer?.id}`,
            kind: 'user',
            login: demoPerson(index).githubLogin,
            email: demoPerson(index).email,
          });
        }
        expect(new Set(seats.map((seat) => seat.developer.email)).size).toBe(230);
        const calls = graphqlCalls(fake, before);
        expect(calls.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(
          Array(3).fill('POST /graphql 200'),
        );
      });

      it("each seat takes its own assignee's e-mail (5 seats among 230 identities)", async () => {
        fake.settings.saml = 'on';
        fake.settings.seats = 5;
        const result = await provider.fetchSeats?.(org(), ctx);
        expect(result).toMatchObject({ kind: 'ok', requests: 4 });
        expect(seatsOf(result).map((seat) => seat.developer.email)).toEqual(
          [0, 1, 2, 3, 4].map((index) => demoPerson(index).email),
        );
      });

      it('an enterprise: the identities of its SAML connection', async () => {
        fake.settings.saml = 'on';
        fake.settings.seats = 12;
        const result = await provider.fetchSeats?.(enterprise(), ctx);
        expect(result).toMatchObject({ kind: 'ok', requests: 4 });
        expect(seatsOf(result)[11]?.developer).toMatchObject({
          key: `github:${fake.developers[11]?.id}`,
          email: demoPerson(11).email,
        });
      });

      it('without SAML single sign-on the seats come back as before, without e-mail', async () => {
        const result = await provider.fetchSeats?.(org(), ctx);
        expect(result).toMatchObject({ kind: 'ok', requests: 4 });
        expect(seatsOf(result)).toHaveLength(230);
        expect(seatsOf(result).some((seat) => 'email' in seat.developer)).toBe(false);
      });

      it('a token that may not read identities (GraphQL FORBIDDEN) does not fail the seats', async () => {
        fake.settings.saml = 'forbidden';
        const result = await provider.fetchSeats?.(org(), ctx);
        expect(result).toMatchObject({ kind: 'ok', requests: 4 });
        expect(seatsOf(result)).toHaveLength(230);
        expect(seatsOf(result).some((seat) => 'email' in seat.developer)).toBe(false);
        await expect(
          new GitHubCopilotClient(DEMO_GITHUB_TOKEN, { org: 'demo-org' }, ctx).samlEmails(),
        ).resolves.toEqual({
          kind: 'none',
          reason: expect.stringMatching(/Resource not accessible by integration/),
          requests: 1,
        });
      });

      it('a 403 from GraphQL is "none", not an error; a 403 rate limit is waited out', async () => {
        fake.settings.saml = 'on';
        fake.faults.add({ kind: 'status', status: 403, path: '/graphql' });
        const refused = await provider.fetchSeats?.(org(), ctx);
        expect(refused).toMatchObject({ kind: 'ok', requests: 4 });
        expect(seatsOf(refused).some((seat) => 'email' in seat.developer)).toBe(false);
        expect(sleeps).toEqual([]);

        fake.faults.add({ kind: 'status', status: 403, path: '/graphql', rateLimit: 'secondary' });
        const limited = await provider.fetchSeats?.(org(), ctx);
        expect(sleeps).toHaveLength(1);
        expect(limited).toMatchObject({ kind: 'ok', requests: 6 });
        expect(seatsOf(limited).every((seat) => seat.developer.email !== undefined)).toBe(true);
      });

      it('GitHub down while reading identities fails the seats (retryable), so known e-mails are not dropped', async () => {
        fake.settings.saml = 'on';
        fake.faults.add({ kind: 'status', status: 503, path: '/graphql', times: Infinity });
        const error = await provider.fetchSeats?.(org(), ctx).catch((e: unknown) => e);
        expect(error).toMatchObject({ kind: 'unavailable', status: 503, retryable: true });
      });

      it('GraphQL answers of an unknown shape are "none"; a GraphQL RATE_LIMITED error is a rate limit', async () => {
        const answering = (body: unknown, headers: Record<string, string> = {}): ProviderContext => ({
          ...ctx,
          fetch: async (input, init) =>
            String(input).endsWith('/graphql')
              ? new Response(JSON.stringify(body), { status: 200, headers })
              : globalThis.fetch(input, init),
        });
        const odd = await provider.fetchSeats?.(org(), answering({ data: { organization: 'odd' } }));
        expect(odd).toMatchObject({ kind: 'ok', requests: 4 });
        expect(seatsOf(odd).some((seat) => 'email' in seat.developer)).toBe(false);

        const reset = String(NOW.getTime() / 1000 + 120);
        const limited = answering(
          {
            data: null,
            errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded for user ID 1.' }],
          },
          { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
        );
        const error = await provider.fetchSeats?.(org(), limited).catch((e: unknown) => e);
        expect(error).toMatchObject({ kind: 'rate_limited', retryable: true, retryAfterSeconds: 120 });
      });

      it('a bad token is still a rejected token', async () => {
        const client = new GitHubCopilotClient(TEST_KEYS.githubUnknown, { org: 'demo-org' }, ctx);
        await expect(client.samlEmails()).rejects.toMatchObject({ kind: 'auth', status: 401 });
      });

      it('sends the token only to the fake, and never returns it', async () => {
        fake.settings.saml = 'on';
        const origin = new URL(fake.url).origin;
        const sent: { url: string; authorization: string | null; body: string }[] = [];
        const recording: ProviderContext = {
          ...ctx,
          fetch: async (input, init) => {
            const headers = new Headers(init?.headers);
            sent.push({
              url: String(input),
              authorization: headers.get('authorization'),
              body: typeof init?.body === 'string' ? init.body : '',
            });
            return globalThis.fetch(input, init);
          },
        };
        const result = await provider.fetchSeats?.(org(), recording);
        expect(sent.length).toBe(6);
        for (const request of sent) {
          expect(new URL(request.url).origin).toBe(origin);
          expect(request.authorization).toBe(`Bearer ${DEMO_GITHUB_TOKEN}`);
          expect(request.body).not.toContain(DEMO_GITHUB_TOKEN);
        }
        expect(sent.filter((request) => request.url === `${origin}/graphql`)).toHaveLength(3);
        expect(JSON.stringify(result)).not.toContain(DEMO_GITHUB_TOKEN);
      });

      it('GitHub Enterprise Server style: GraphQL at /api/graphql beside /api/v3', async () => {
        const server = await startFakeGitHub({
          now: () => NOW,
          apiPrefix: '/api/v3',
          developers: 6,
          saml: 'on',
        });
        try {
          const before = server.requests.length;
          const result = await provider.fetchSeats?.(org(), contextFor(server));
          expect(seatsOf(result).map((seat) => seat.developer.email)).toEqual(
            server.developers.map((developer) => developer.email),
          );
          expect(graphqlCalls(server, before).map((r) => r.path)).toEqual(['/api/graphql']);
        } finally {
          await server.close();
        }
      });
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

describe('the fake GitHub GraphQL route and its saml setting', () => {
  let fake: FakeGitHubServer;
  const origin = () => new URL(fake.url).origin;
  const graphql = (body: unknown, token: string | null = DEMO_GITHUB_TOKEN) =>
    fetch(`${origin()}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const identities = (after: string | null, first = 2) => ({
    query:
      'query($login: String!, $first: Int!, $after: String) { organization(login: $login) { ' +
      'samlIdentityProvider { externalIdentities(first: $first, after: $after) { pageInfo { hasNextPage endCursor } nodes { user { login databaseId } } } } } }',
    variables: { login: 'demo-org', first, after },
  });
  const patch = (body: unknown) =>
    fetch(`${origin()}/__fake/settings`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    fake = await startFakeGitHub({ now: () => NOW, developers: 5 });
  });
  afterAll(async () => fake?.close());

  it('PATCH /__fake/settings takes saml off | on | forbidden and refuses anything else', async () => {
    expect(fake.settings.saml).toBe('off');
    const on = await patch({ saml: 'on' });
    expect(on.status).toBe(200);
    await expect(on.json()).resolves.toMatchObject({ saml: 'on', policyEnabled: true, seats: 5 });
    for (const bad of ['yes', true, null, 1]) {
      const refused = await patch({ saml: bad });
      expect(refused.status).toBe(400);
      await expect(refused.json()).resolves.toEqual({ message: 'saml must be one of off, on, forbidden' });
    }
    expect(fake.settings.saml).toBe('on');
    expect((await patch({ saml: 'forbidden' })).status).toBe(200);
    expect(fake.settings.saml).toBe('forbidden');
    expect((await patch({ saml: 'off' })).status).toBe(200);
    await expect(startFakeGitHub({ saml: 'maybe' as never })).rejects.toThrow(/saml must be one of/);
  });

  it('answers each mode as GitHub does, checks the token and pages with opaque cursors', async () => {
    fake.settings.saml = 'off';
    await expect((await graphql(identities(null))).json()).resolves.toEqual({
      data: { organization: { samlIdentityProvider: null } },
    });
    fake.settings.saml = 'forbidden';
    await expect((await graphql(identities(null))).json()).resolves.toMatchObject({
      data: { organization: null },
      errors: [{ type: 'FORBIDDEN', message: 'Resource not accessible by integration' }],
    });
    const noToken = await graphql(identities(null), null);
    expect(noToken.status).toBe(401);
    await expect(noToken.json()).resolves.toMatchObject({ message: 'Bad credentials' });

    fake.settings.saml = 'on';
    const pages: { hasNextPage: boolean; endCursor: string | null; ids: number[] }[] = [];
    let after: string | null = null;
    do {
      const body = (await (await graphql(identities(after))).json()) as {
        data: {
          organization: {
            samlIdentityProvider: {
              externalIdentities: {
                pageInfo: { hasNextPage: boolean; endCursor: string | null };
                nodes: { user: { databaseId: number } }[];
              };
            };
          };
        };
      };
      const { pageInfo, nodes } = body.data.organization.samlIdentityProvider.externalIdentities;
      pages.push({ ...pageInfo, ids: nodes.map((node) => node.user.databaseId) });
      after = pageInfo.hasNextPage ? pageInfo.endCursor : null;
    } while (after !== null && pages.length < 10);
    expect(pages.map((page) => page.ids.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((page) => page.ids)).toEqual(fake.developers.map((developer) => developer.id));
    expect(pages[0]?.endCursor).not.toMatch(/^\d+$/);

    await expect((await graphql(identities('bm90IGEgY3Vyc29y'))).json()).resolves.toMatchObject({
      errors: [{ type: 'INVALID_CURSOR_ARGUMENTS' }],
    });
    await expect((await graphql(identities(null, 101))).json()).resolves.toMatchObject({
      errors: [{ type: 'EXCESSIVE_PAGINATION' }],
    });
    expect((await graphql('{not json')).status).toBe(400);
    const unknown = { ...identities(null), variables: { login: 'other-org', first: 2 } };
    await expect((await graphql(unknown)).json()).resolves.toMatchObject({
      data: { organization: null },
      errors: [{ type: 'NOT_FOUND' }],
    });
    // Other non-GET requests still answer 404.
    expect((await fetch(`${origin()}/orgs/demo-org`, { method: 'POST' })).status).toBe(404);
    expect(fake.requests.filter((r) => r.path === '/graphql').every((r) => r.method === 'POST')).toBe(true);
  });
});

describe('GitHub response rules', () => {
  it('finds the GraphQL endpoint beside the REST base (GitHub Enterprise Server: /api/graphql)', () => {
    expect(graphqlUrl('https://api.github.com')).toBe('https://api.github.com/graphql');
    expect(graphqlUrl('https://ghe.example.com/api/v3/')).toBe('https://ghe.example.com/api/graphql');
    expect(graphqlUrl('http://127.0.0.1:8080/prefix')).toBe('http://127.0.0.1:8080/prefix/graphql');
  });

  it('takes the primary SAML e-mail, else the first, else an e-mail NameID, else SCIM; lower-cased', () => {
    expect(
      identityEmail({
        samlIdentity: {
          nameId: 'ana@x.example',
          emails: [{ value: 'Other@X.example' }, { value: 'Ana.Silva@X.example', primary: true }],
        },
      }),
    ).toBe('ana.silva@x.example');
    expect(
      identityEmail({ samlIdentity: { emails: [{ value: 'First@x.example' }, { value: 'b@x.example' }] } }),
    ).toBe('first@x.example');
    expect(identityEmail({ samlIdentity: { nameId: 'Ana@X.example', emails: [] } })).toBe('ana@x.example');
    expect(
      identityEmail({
        samlIdentity: { nameId: 'employee-4711', emails: null },
        scimIdentity: { emails: [{ value: 'x@y.example' }, { value: 'Scim@Y.example', primary: true }] },
      }),
    ).toBe('scim@y.example');
    expect(identityEmail({ samlIdentity: { nameId: 'employee-4711' }, scimIdentity: null })).toBeUndefined();
    expect(identityEmail({})).toBeUndefined();
  });

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
