import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpRoutes, takesIngestToken, type HttpRoute } from '../../functions/routes';
import { DEMO_ANTHROPIC_ADMIN_KEY } from '../../local/fakes/claude-code';
import { demoPerson } from '../../local/fakes/shared/people';
import { issueToken, loadOrCreateSigningKeys } from '../../local/jwt';
import { startPipeline, type TestPipeline } from '../helpers/pipeline';
import { TEST_KEYS } from '../helpers/provider-keys';

/**
 * Tenants are walls, for every endpoint: another team's admin and member get none of team A's integrations,
 * people, imports or figures and change nothing of it; team A's member gets 403 from admin actions; forged
 * tokens (expired, signed by another key, `alg: none`, claims changed after signing) get 401. Team A's items are
 * compared before and after. Prints its counts.
 */
const NOW = '2026-06-15T12:00:00Z';
const A = 'team-walls-a';
const B = 'team-walls-b';

/** Routes a member may call (reads; their own figures): every other authenticated route is admin-only. */
const MEMBER_ROUTES = new Set([
  'GET /integrations',
  'GET /integrations/{id}',
  'GET /members',
  'GET /imports',
  'GET /imports/{id}',
  'GET /dashboard',
  'GET /dashboard/developers',
  'GET /dashboard/seats',
  'GET /dashboard/me',
]);

describe('tenants are walls', () => {
  let pipeline: TestPipeline;
  const ids = { integration: '', person: '', import: '', ingestToken: '' };
  const secrets: string[] = [];
  let teamAItems: () => Promise<string>;
  let before: string;
  const counts: Record<string, Record<string, number>> = {};
  const count = (who: string, status: number) => {
    counts[who] = counts[who] ?? {};
    (counts[who] as Record<string, number>)[status] =
      ((counts[who] as Record<string, number>)[status] ?? 0) + 1;
  };

  /** A request for a route, aimed at team A's things: its ids in the path, bodies that would work for A. */
  function requestFor(route: HttpRoute): { path: string; body?: unknown } {
    const id = route.path.startsWith('/integrations')
      ? ids.integration
      : route.path.startsWith('/members')
        ? ids.person
        : route.path.startsWith('/imports')
          ? ids.import
          : route.path.startsWith('/ingest-tokens')
            ? ids.ingestToken
            : ids.person;
    const path = route.path.replace('{id}', encodeURIComponent(id));
    const bodies: Record<string, unknown> = {
      'POST /connect': { provider: 'claude_code', api_key: TEST_KEYS.anthropicTooShort },
      'POST /sync': { integration_id: ids.integration },
      'PATCH /integrations/{id}': { sync_enabled: false },
      'PUT /members': { people: [] },
      'PATCH /members/{id}': { groups: ['taken'] },
      'POST /imports': { tool: 'chatgpt', display_name: 'ChatGPT' },
      'POST /imports/manual': { tool: 'chatgpt', rows: [{ date: '2026-06-14', email: 'x@example.org' }] },
      'POST /ingest-tokens': { name: 'taken' },
    };
    const body = bodies[`${route.method} ${route.path}`];
    return { path, ...(body !== undefined ? { body } : {}) };
  }

  beforeAll(async () => {
    pipeline = await startPipeline({ now: NOW, fake: { developers: 3, apiKeyActors: 0, historyDays: 10 } });
    const admin = await pipeline.token(A, 'admin');
    const connected = await pipeline.call('POST', '/connect', {
      token: admin,
      body: { provider: 'claude_code', api_key: DEMO_ANTHROPIC_ADMIN_KEY, backfill_days: 5 },
    });
    ids.integration = String(connected.body.integration_id);
    await pipeline.runtime.queue.drain();
    const roster = await pipeline.call('PUT', '/members', {
      token: admin,
      body: {
        people: [{ display_name: demoPerson(0).name, emails: [demoPerson(0).email], groups: ['core'] }],
      },
    });
    ids.person = (roster.body.people as { id: string }[])[0]?.id as string;
    const imported = await pipeline.call('POST', '/imports/manual', {
      token: admin,
      body: {
        tool: 'chatgpt',
        display_name: 'ChatGPT',
        rows: [{ date: '2026-06-14', email: 'a@x.org', interactions: 2 }],
      },
    });
    ids.import = String(imported.body.import_id);
    await pipeline.runtime.queue.drain();
    const issued = await pipeline.call('POST', '/ingest-tokens', { token: admin, body: { name: 'team A' } });
    ids.ingestToken = String((issued.body.ingest_token as { token_id: string }).token_id);
    secrets.push(
      ids.integration,
      ids.person,
      ids.import,
      ids.ingestToken,
      demoPerson(0).email,
      demoPerson(0).name,
    );
    teamAItems = async () =>
      JSON.stringify(
        (await Promise.all(Object.keys(pipeline.tableNames).map((table) => pipeline.scanTable(table))))
          .flat()
          .filter((item) => JSON.stringify(item).includes(A))
          .map((item) => JSON.stringify(item))
          .sort(),
      );
    before = await teamAItems();
  }, 60_000);
  afterAll(async () => {
    console.log(`tenancy, answers by caller:\n${JSON.stringify(counts, null, 1)}`);
    await pipeline?.close();
  });

  const authenticated = httpRoutes.filter((route) => route.authenticated);

  it.each(authenticated.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s: another team’s admin and member get nothing of team A and change nothing',
    async (_key, route) => {
      for (const role of ['admin', 'member'] as const) {
        const token = await pipeline.token(B, role, 'someone@team-b.example');
        const { path, body } = requestFor(route);
        const response = await pipeline.call(route.method, path, {
          token,
          ...(body !== undefined ? { body } : {}),
        });
        count(`team B ${role}`, response.status);
        const leaked = secrets.filter((secret) => response.text.includes(secret));
        expect(`${route.method} ${route.path} as team B ${role}: ${leaked.join(', ')}`).toBe(
          `${route.method} ${route.path} as team B ${role}: `,
        );
        expect(response.status).toBeLessThan(500);
      }
    },
  );

  it.each(
    authenticated
      .filter((route) => !MEMBER_ROUTES.has(`${route.method} ${route.path}`))
      .map((route) => [`${route.method} ${route.path}`, route] as const),
  )('%s: team A’s member is refused (403)', async (_key, route) => {
    const token = await pipeline.token(A, 'member');
    const { path, body } = requestFor(route);
    const response = await pipeline.call(route.method, path, {
      token,
      ...(body !== undefined ? { body } : {}),
    });
    count('team A member, admin action', response.status);
    expect(response.status).toBe(403);
  });

  it('"my usage" of another team’s member with the e-mail of one of team A’s people finds nobody', async () => {
    const token = await pipeline.token(B, 'member', demoPerson(0).email);
    const response = await pipeline.call('GET', '/dashboard/me', { token });
    expect(response.status).toBe(404);
    expect(response.text).not.toContain(ids.person);
    expect(response.text).not.toContain(demoPerson(0).name);
  });

  it('forged tokens get 401 from every authenticated route', async () => {
    const keys = await loadOrCreateSigningKeys(join(pipeline.dataDir, 'jwt.json'));
    const otherDir = mkdtempSync(join(tmpdir(), 'other-keys-'));
    const otherKeys = await loadOrCreateSigningKeys(join(otherDir, 'jwt.json'));
    rmSync(otherDir, { recursive: true, force: true });
    const valid = await issueToken(keys, { teamId: B, role: 'admin' });
    const [header, payload] = valid.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const forged: Record<string, string> = {
      expired: await issueToken(keys, { teamId: A, role: 'admin', ttlSeconds: -60 }),
      'another key': await issueToken(
        { ...otherKeys, privateJwk: { ...otherKeys.privateJwk, kid: keys.privateJwk.kid as string } },
        { teamId: A, role: 'admin' },
      ),
      'alg none': `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ ...claims, 'custom:team_id': A })}.`,
      'claims changed after signing': `${header}.${encode({ ...claims, 'custom:team_id': A })}.${valid.split('.')[2]}`,
      'no signature': `${header}.${payload}.`,
      garbage: 'not.a.token',
    };
    for (const route of authenticated) {
      for (const [kind, token] of Object.entries(forged)) {
        const { path, body } = requestFor(route);
        const response = await pipeline.call(route.method, path, {
          token,
          ...(body !== undefined ? { body } : {}),
        });
        count(`forged: ${kind}`, response.status);
        expect(`${kind} ${route.method} ${route.path} → ${response.status}`).toBe(
          `${kind} ${route.method} ${route.path} → 401`,
        );
      }
    }
  });

  const ingestRoutes = httpRoutes.filter(takesIngestToken);

  it.each(ingestRoutes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s: another team’s ingest token stores under that team only, even naming team A’s people',
    async (_key, route) => {
      const adminB = await pipeline.token(B, 'admin');
      const made = await pipeline.call('POST', '/ingest-tokens', {
        token: adminB,
        body: { name: 'B fleet' },
      });
      const tokenB = String(made.body.token);
      const nanos = `${pipeline.clock.now().getTime()}000000`;
      const response = await pipeline.call(route.method, route.path, {
        headers: { authorization: `Bearer ${tokenB}`, 'content-type': 'application/json' },
        rawBody: JSON.stringify({
          resourceMetrics: [
            {
              resource: { attributes: [{ key: 'user.email', value: { stringValue: demoPerson(0).email } }] },
              scopeMetrics: [
                {
                  metrics: [
                    {
                      name: 'claude_code.session.count',
                      sum: {
                        aggregationTemporality: 2,
                        dataPoints: [{ startTimeUnixNano: nanos, timeUnixNano: nanos, asInt: '1' }],
                      },
                    },
                  ],
                },
              ],
            },
          ],
        }),
      });
      count('team B ingest token', response.status);
      expect(response.status).toBe(200);
      expect(secrets.filter((secret) => response.text.includes(secret))).toEqual([]);
      // The day is rebuilt from the merged series when the rebuild queue delivers.
      await pipeline.runtime.queue.drain();
      const stored = (await pipeline.scanTable('USAGE_TABLE')).filter((item) =>
        String(item.sk).startsWith('USAGE#'),
      );
      // Team A's own rows name the person too (its Admin API source); the telemetry rows are team B's alone.
      const telemetry = stored.filter(
        (item) =>
          (item.extras as { source?: string } | undefined)?.source === 'otlp' &&
          JSON.stringify(item).includes(demoPerson(0).email.toLowerCase()),
      );
      expect(telemetry.length).toBeGreaterThan(0);
      expect(
        telemetry.filter((item) => item.team_id === B && String(item.pk).startsWith(`TEAM#${B}#`)),
      ).toEqual(telemetry);
    },
  );

  it.each(ingestRoutes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s: sign-in JWTs of team A, and forged or revoked ingest tokens, are refused by its authorizer (403)',
    async (_key, route) => {
      const adminA = await pipeline.token(A, 'admin');
      const made = await pipeline.call('POST', '/ingest-tokens', { token: adminA, body: { name: 'gone' } });
      const revoked = String(made.body.token);
      const revokedId = (made.body.ingest_token as { token_id: string }).token_id;
      expect((await pipeline.call('DELETE', `/ingest-tokens/${revokedId}`, { token: adminA })).status).toBe(
        204,
      );
      const tokens: Record<string, string> = {
        'team A admin JWT': adminA,
        'team A member JWT': await pipeline.token(A, 'member'),
        'revoked ingest token': revoked,
        'ingest token with one character changed': `${revoked.slice(0, -1)}${revoked.endsWith('A') ? 'B' : 'A'}`,
        'an ingest token no team holds': TEST_KEYS.ingestUnknown,
      };
      for (const [kind, token] of Object.entries(tokens)) {
        const response = await pipeline.call(route.method, route.path, {
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          rawBody: '{}',
        });
        count(`ingest route: ${kind}`, response.status);
        expect(`${kind} → ${response.status}`).toBe(`${kind} → 403`);
        expect(response.text).not.toContain(token);
      }
    },
  );

  it('team A’s items are exactly as they were', async () => {
    expect(await teamAItems()).toBe(before);
  });
});
