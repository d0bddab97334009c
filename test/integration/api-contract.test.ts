import { DEMO_ANTHROPIC_ADMIN_KEY } from '../../local/fakes/claude-code';
import { startPipeline, type TestPipeline } from '../helpers/pipeline';
import { TEST_KEYS } from '../helpers/provider-keys';

/** Connect validation, roles, tenancy walls, disconnect and the schedule, through the local API. */
const NOW = '2026-06-15T12:00:00Z';
const OTHER_VALID_KEY = TEST_KEYS.anthropicOtherAdmin;

describe('API contract', () => {
  let pipeline: TestPipeline;
  let admin: string;
  let member: string;
  let intruder: string;
  let integrationId: string;

  beforeAll(async () => {
    pipeline = await startPipeline({
      now: NOW,
      fake: { developers: 3, apiKeyActors: 0, historyDays: 100, seed: 'contract' },
    });
    admin = await pipeline.token('team-a', 'admin');
    member = await pipeline.token('team-a', 'member');
    intruder = await pipeline.token('team-b', 'admin');
    const connected = await pipeline.call('POST', '/connect', {
      token: admin,
      body: { provider: 'claude_code', api_key: DEMO_ANTHROPIC_ADMIN_KEY, name: 'Platform team' },
    });
    expect(connected.status).toBe(201);
    integrationId = String(connected.body.integration_id);
    await pipeline.runtime.queue.drain();
  }, 30_000);
  afterAll(async () => pipeline?.close());

  describe('POST /connect', () => {
    it.each([
      ['a malformed key', { provider: 'claude_code', api_key: 'not-a-key' }, 400, /Admin/],
      [
        'an inference key',
        { provider: 'claude_code', api_key: TEST_KEYS.anthropicInference },
        400,
        /Admin API key/,
      ],
      [
        'an unknown provider',
        { provider: 'windsurf', api_key: 'x' },
        400,
        /provider: must be one of claude_code, github_copilot, cursor, claude_enterprise\./,
      ],
      [
        'a provider id spelt with a hyphen',
        { provider: 'claude-code', api_key: 'x' },
        400,
        /provider: must be one of claude_code, github_copilot, cursor, claude_enterprise \(ids use underscores: "claude_code"\)/,
      ],
      ['a missing key', { provider: 'claude_code' }, 400, /not valid/],
      [
        'an unknown option',
        { provider: 'claude_code', api_key: DEMO_ANTHROPIC_ADMIN_KEY, org: 'x' },
        400,
        /options/,
      ],
      [
        'a backfill of no days',
        { provider: 'claude_code', api_key: DEMO_ANTHROPIC_ADMIN_KEY, backfill_days: 0 },
        400,
        /not valid/,
      ],
      [
        'a backfill over a year',
        { provider: 'claude_code', api_key: DEMO_ANTHROPIC_ADMIN_KEY, backfill_days: 400 },
        400,
        /not valid/,
      ],
      [
        'a Copilot connect without org or enterprise',
        { provider: 'github_copilot', api_key: TEST_KEYS.githubMalformed },
        400,
        /options/,
      ],
    ])('refuses %s with a 400 problem', async (_label, body, status, detail) => {
      const response = await pipeline.call('POST', '/connect', { token: admin, body });
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(String(response.body.detail)).toMatch(detail);
    });

    it('refuses malformed JSON with a 400 problem', async () => {
      const response = await pipeline.call('POST', '/connect', { token: admin, rawBody: '{"provider":' });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ errors: [{ field: 'body', message: 'malformed JSON' }] });
    });

    it('answers 422 for a well-formed key the provider rejects, without echoing it', async () => {
      const response = await pipeline.call('POST', '/connect', {
        token: admin,
        body: { provider: 'claude_code', api_key: OTHER_VALID_KEY },
      });
      expect(response.status).toBe(422);
      expect(String(response.body.detail)).toMatch(/Admin keys/);
      expect(response.text).not.toContain(OTHER_VALID_KEY);
    });

    it('answers 503 with Retry-After when the provider cannot be asked', async () => {
      pipeline.fake.faults.add({ status: 529, times: 10, pathPrefix: '/v1/organizations/me' });
      const response = await pipeline.call('POST', '/connect', {
        token: admin,
        body: { provider: 'claude_code', api_key: DEMO_ANTHROPIC_ADMIN_KEY },
      });
      pipeline.fake.faults.clear();
      expect(response.status).toBe(503);
      expect(String(response.body.detail)).toMatch(/try again/);
    });

    it('reconnecting the same account replaces its key on the same integration (200, no duplicate)', async () => {
      const response = await pipeline.call('POST', '/connect', {
        token: admin,
        body: { provider: 'claude_code', api_key: DEMO_ANTHROPIC_ADMIN_KEY },
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ integration_id: integrationId, created: false });
      await pipeline.runtime.queue.drain();
      const list = await pipeline.call('GET', '/integrations', { token: admin });
      expect((list.body.integrations as unknown[]).length).toBe(1);
      expect(list.body.integrations).toMatchObject([{ name: 'Platform team' }]);
    });

    it('needs a valid token, and the admin role', async () => {
      expect((await pipeline.call('POST', '/connect', { body: {} })).status).toBe(401);
      expect((await pipeline.call('POST', '/connect', { token: `${admin}x`, body: {} })).status).toBe(401);
      const asMember = await pipeline.call('POST', '/connect', {
        token: member,
        body: { provider: 'claude_code', api_key: DEMO_ANTHROPIC_ADMIN_KEY },
      });
      expect(asMember.status).toBe(403);
    });
  });

  describe('roles', () => {
    it('lets members read but not sync, change or delete', async () => {
      expect((await pipeline.call('GET', '/dashboard?days=7', { token: member })).status).toBe(200);
      expect((await pipeline.call('GET', `/integrations/${integrationId}`, { token: member })).status).toBe(
        200,
      );
      expect(
        (await pipeline.call('POST', '/sync', { token: member, body: { integration_id: integrationId } }))
          .status,
      ).toBe(403);
      expect(
        (
          await pipeline.call('PATCH', `/integrations/${integrationId}`, {
            token: member,
            body: { sync_enabled: false },
          })
        ).status,
      ).toBe(403);
      expect(
        (await pipeline.call('DELETE', `/integrations/${integrationId}`, { token: member })).status,
      ).toBe(403);
    });
  });

  describe('tenancy', () => {
    it('another team sees nothing of this team and cannot touch its integration', async () => {
      const list = await pipeline.call('GET', '/integrations', { token: intruder });
      expect(list.body).toEqual({ integrations: [] });
      for (const [method, path, body] of [
        ['GET', `/integrations/${integrationId}`, undefined],
        ['PATCH', `/integrations/${integrationId}`, { sync_enabled: false }],
        ['DELETE', `/integrations/${integrationId}`, undefined],
        ['POST', '/sync', { integration_id: integrationId }],
      ] as const) {
        const response = await pipeline.call(method, path, { token: intruder, body });
        expect(response.status).toBe(404);
        expect(response.text).not.toContain('team-a');
      }
      const dashboard = await pipeline.call('GET', '/dashboard?days=30', { token: intruder });
      expect(dashboard.body).toMatchObject({
        team_id: 'team-b',
        total_interactions: 0,
        tools: [],
        top_tool: null,
      });
      const heatmap = dashboard.body.heatmap_data as { state: string }[];
      expect(heatmap.every((day) => day.state === 'not_fetched')).toBe(true);
      const developers = await pipeline.call('GET', '/dashboard/developers?days=30', { token: intruder });
      expect(developers.body.developers).toEqual([]);
      // And this team still sees its own data after the attempts.
      const own = await pipeline.call('GET', `/integrations/${integrationId}`, { token: admin });
      expect(own.body).toMatchObject({ sync_enabled: true, status: 'active' });
    });

    it('a team id in the body is ignored: the team comes from the token', async () => {
      const response = await pipeline.call('POST', '/sync', {
        token: intruder,
        body: { integration_id: integrationId, team_id: 'team-a' },
      });
      expect(response.status).toBe(400);
    });
  });

  describe('dashboard query', () => {
    it.each([['0'], ['366'], ['abc'], ['1.5']])('refuses days=%s', async (days) => {
      const response = await pipeline.call('GET', `/dashboard?days=${days}`, { token: admin });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ errors: [{ field: 'days' }] });
    });

    it('defaults to 90 days and accepts 1 and 365', async () => {
      expect(
        ((await pipeline.call('GET', '/dashboard', { token: admin })).body.heatmap_data as unknown[]).length,
      ).toBe(90);
      expect(
        ((await pipeline.call('GET', '/dashboard?days=1', { token: admin })).body.heatmap_data as unknown[])
          .length,
      ).toBe(1);
      expect(
        ((await pipeline.call('GET', '/dashboard?days=365', { token: admin })).body.heatmap_data as unknown[])
          .length,
      ).toBe(365);
    });
  });

  describe('schedule, PATCH and DELETE', () => {
    it('the daily schedule queues active integrations only, and PATCH sync_enabled takes it out', async () => {
      const [first] = await pipeline.runtime.schedule('claude_code');
      expect(first).toMatchObject({ provider: 'claude_code', integrations: 1, jobs: 1 });
      await pipeline.runtime.queue.drain();
      const patched = await pipeline.call('PATCH', `/integrations/${integrationId}`, {
        token: admin,
        body: { sync_enabled: false },
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ sync_enabled: false });
      const [second] = await pipeline.runtime.schedule('claude_code');
      expect(second).toMatchObject({ integrations: 0, jobs: 0 });
      const manual = await pipeline.call('POST', '/sync', {
        token: admin,
        body: { integration_id: integrationId },
      });
      expect(manual.status).toBe(409);
      await pipeline.call('PATCH', `/integrations/${integrationId}`, {
        token: admin,
        body: { sync_enabled: true },
      });
      const [third] = await pipeline.runtime.schedule('claude_code');
      expect(third).toMatchObject({ integrations: 1 });
      await pipeline.runtime.queue.drain();
    });

    it('PATCH refuses bodies other than {sync_enabled: boolean}', async () => {
      const response = await pipeline.call('PATCH', `/integrations/${integrationId}`, {
        token: admin,
        body: { status: 'active' },
      });
      expect(response.status).toBe(400);
    });

    it('DELETE removes the secret and the integration; no further syncs; history stays', async () => {
      const before = await pipeline.call('GET', '/dashboard?days=30', { token: admin });
      const response = await pipeline.call('DELETE', `/integrations/${integrationId}`, { token: admin });
      expect(response.status).toBe(204);
      expect((await pipeline.call('GET', `/integrations/${integrationId}`, { token: admin })).status).toBe(
        404,
      );
      expect(
        (await pipeline.call('POST', '/sync', { token: admin, body: { integration_id: integrationId } }))
          .status,
      ).toBe(404);
      const [scheduled] = await pipeline.runtime.schedule('claude_code');
      expect(scheduled?.integrations).toBe(0);
      const { readFileSync } = await import('node:fs');
      expect(JSON.parse(readFileSync(`${pipeline.dataDir}/secrets.json`, 'utf8'))).toEqual({});
      const after = await pipeline.call('GET', '/dashboard?days=30', { token: admin });
      expect(after.body.total_interactions).toBe(before.body.total_interactions);
    });
  });

  it('GET /health answers without a token', async () => {
    const response = await pipeline.call('GET', '/health');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'ok',
      providers: ['claude_code', 'github_copilot', 'cursor', 'claude_enterprise'],
    });
  });

  it('unknown routes and methods are problems too', async () => {
    expect((await pipeline.call('GET', '/nope', { token: admin })).status).toBe(404);
    expect((await pipeline.call('PUT', '/connect', { token: admin })).status).toBe(405);
  });
});
