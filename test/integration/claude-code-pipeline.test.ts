import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addDays, daysBetween } from '../../functions/domain/dates';
import { DEMO_ANTHROPIC_ADMIN_KEY, type ClaudeCodeRecord } from '../../local/fakes/claude-code';
import { startPipeline, type TestPipeline } from '../helpers/pipeline';

/**
 * Claude Code end to end on real parts: DynamoDB Local, the fake Anthropic API over HTTP, the local
 * API gateway and queue. Expected figures are computed here from the fake's records, independently
 * of the pipeline's normaliser.
 */
const NOW = '2026-06-15T12:00:00Z';
const TODAY = '2026-06-15';
const TEAM = 'team-alpha';

function expectedFromRecords(records: ClaudeCodeRecord[]) {
  let interactions = 0;
  let cost = 0;
  let accepted = 0;
  let shown = 0;
  for (const record of records) {
    const decisions = Object.values(record.tool_actions ?? {}).reduce(
      (sum, a) => sum + a.accepted + a.rejected,
      0,
    );
    interactions += record.core_metrics.num_sessions + decisions;
    shown += decisions;
    accepted += Object.values(record.tool_actions ?? {}).reduce((sum, a) => sum + a.accepted, 0);
    cost += (record.model_breakdown ?? []).reduce((sum, m) => sum + m.estimated_cost.amount, 0);
  }
  return { interactions, cost, accepted, shown };
}

function expectedOver(pipeline: TestPipeline, days: string[]) {
  const total = { interactions: 0, cost: 0, accepted: 0, shown: 0, activeDays: 0 };
  for (const day of days) {
    const figures = expectedFromRecords(pipeline.fake.recordsFor(day));
    total.interactions += figures.interactions;
    total.cost += figures.cost;
    total.accepted += figures.accepted;
    total.shown += figures.shown;
    if (figures.interactions > 0) total.activeDays++;
  }
  return total;
}

describe('Claude Code pipeline', () => {
  let pipeline: TestPipeline;
  let admin: string;
  let integrationId: string;
  const fetchedDays = daysBetween(addDays(TODAY, -89), addDays(TODAY, -1));

  beforeAll(async () => {
    pipeline = await startPipeline({
      now: NOW,
      fake: { developers: 8, apiKeyActors: 1, historyDays: 150, seed: 'pipeline' },
    });
    admin = await pipeline.token(TEAM, 'admin');
  }, 30_000);
  afterAll(async () => pipeline?.close());

  it('connects: checks the key live, stores it encrypted, answers 201 and queues a 90-day backfill', async () => {
    const response = await pipeline.call('POST', '/connect', {
      token: admin,
      body: { provider: 'claude_code', api_key: DEMO_ANTHROPIC_ADMIN_KEY },
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ status: 'active', created: true });
    expect(response.body.backfill).toMatchObject({
      days: 90,
      start_date: addDays(TODAY, -90),
      end_date: addDays(TODAY, -1),
    });
    expect(response.text).not.toContain(DEMO_ANTHROPIC_ADMIN_KEY);
    integrationId = String(response.body.integration_id);
    expect(pipeline.fake.requests.some((request) => request.path === '/v1/organizations/me')).toBe(true);
    await pipeline.runtime.queue.drain();
  });

  it('backfills: dashboard totals equal the sum of the provider data', async () => {
    const response = await pipeline.call('GET', '/dashboard?days=90', { token: admin });
    expect(response.status).toBe(200);
    const expected = expectedOver(pipeline, fetchedDays);
    expect(expected.interactions).toBeGreaterThan(1000);
    expect(response.body.total_interactions).toBe(expected.interactions);
    expect(response.body.active_days).toBe(expected.activeDays);
    expect(response.body.top_tool).toEqual({
      provider: 'claude_code',
      name: 'Claude Code',
      requests: expected.interactions,
    });
    const [tool] = response.body.tools as {
      cost_cents: number;
      suggestions_accepted: number;
      suggestions_shown: number;
    }[];
    expect(tool?.cost_cents).toBe(expected.cost);
    expect(tool?.suggestions_accepted).toBe(expected.accepted);
    expect(tool?.suggestions_shown).toBe(expected.shown);

    const heatmap = response.body.heatmap_data as { date: string; count: number; state: string }[];
    expect(heatmap).toHaveLength(90);
    expect(heatmap[0]?.date).toBe(addDays(TODAY, -89));
    // Today is not over: pending, never a quiet day.
    expect(heatmap[89]).toEqual({ date: TODAY, count: 0, state: 'pending' });
    for (const day of heatmap.slice(0, 89)) {
      const figures = expectedFromRecords(pipeline.fake.recordsFor(day.date));
      expect(day).toEqual({
        date: day.date,
        count: figures.interactions,
        state: figures.interactions > 0 ? 'ok' : 'no_activity',
      });
    }
    const breakdowns = response.body.breakdowns as {
      models: { name: string }[];
      editors: { name: string }[];
    };
    expect(breakdowns.models.length).toBeGreaterThan(0);
    expect(breakdowns.editors.length).toBeGreaterThan(0);
  });

  it('lists per-developer usage whose sum equals the team total', async () => {
    const response = await pipeline.call('GET', '/dashboard/developers?days=90', { token: admin });
    expect(response.status).toBe(200);
    const developers = response.body.developers as { developer: { key: string }; interactions: number }[];
    const actors = new Set(
      fetchedDays.flatMap((day) => pipeline.fake.recordsFor(day).map((r) => JSON.stringify(r.actor))),
    );
    expect(developers).toHaveLength(actors.size);
    expect(developers.reduce((sum, d) => sum + d.interactions, 0)).toBe(
      expectedOver(pipeline, fetchedDays).interactions,
    );
  });

  it('shows the integration with its ledger, never the key or where it is kept', async () => {
    const response = await pipeline.call('GET', `/integrations/${integrationId}`, { token: admin });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      integration_id: integrationId,
      provider: 'claude_code',
      status: 'active',
      sync_enabled: true,
    });
    expect(response.body.ledger).toMatchObject({ days: { pending: 0, failed: 0 } });
    const days = (response.body.ledger as { days: Record<string, number> }).days;
    // The 90-day window ends today: 89 fetched days, today not fetched yet.
    expect((days.ok ?? 0) + (days.no_activity ?? 0)).toBe(89);
    expect(days.not_fetched).toBe(1);
    expect(response.text).not.toMatch(/secret_ref|sk-ant|local:/);
  });

  it('stores the key nowhere but the secret store, and there only encrypted', async () => {
    expect(await pipeline.scanAll()).not.toContain(DEMO_ANTHROPIC_ADMIN_KEY);
    expect(readFileSync(join(pipeline.dataDir, 'secrets.json'), 'utf8')).not.toContain(
      DEMO_ANTHROPIC_ADMIN_KEY,
    );
  });

  it('re-syncing days and delivering a job twice leave totals unchanged', async () => {
    const before = await pipeline.call('GET', '/dashboard?days=90', { token: admin });
    const rowsBefore = (await pipeline.runtime.ports.usage.getDeveloperDays(TEAM, fetchedDays)).length;
    const sync = await pipeline.call('POST', '/sync', {
      token: admin,
      body: { integration_id: integrationId, start_date: addDays(TODAY, -30), end_date: addDays(TODAY, -1) },
    });
    expect(sync.status).toBe(202);
    expect(sync.body).toMatchObject({ status: 'queued', days: 30, integration_id: integrationId });
    await pipeline.runtime.queue.drain();

    const job = {
      version: 1 as const,
      job_id: 'job_duplicate_delivery',
      sync_id: 'sync_duplicate_delivery',
      team_id: TEAM,
      integration_id: integrationId,
      provider: 'claude_code',
      trigger: 'manual' as const,
      dates: [addDays(TODAY, -3), addDays(TODAY, -2)],
      enqueued_at: NOW,
      with_seats: false,
    };
    const requestsBefore = pipeline.fake.requests.length;
    await pipeline.runtime.queue.redeliver('claude_code', job);
    await pipeline.runtime.queue.drain();
    const requestsAfterFirst = pipeline.fake.requests.length;
    await pipeline.runtime.queue.redeliver('claude_code', job);
    await pipeline.runtime.queue.drain();
    // The second delivery of the same message is answered from the idempotency record.
    expect(pipeline.fake.requests.length).toBe(requestsAfterFirst);
    expect(requestsAfterFirst).toBeGreaterThan(requestsBefore);
    const records = await pipeline.scanTable('IDEMPOTENCY_TABLE');
    const completed = records.filter(
      (item) => item.status === 'COMPLETED' && JSON.stringify(item.data).includes('job_duplicate_delivery'),
    );
    expect(completed).toHaveLength(1);

    const after = await pipeline.call('GET', '/dashboard?days=90', { token: admin });
    expect(after.body.total_interactions).toBe(before.body.total_interactions);
    expect(after.body.heatmap_data).toEqual(before.body.heatmap_data);
    expect((await pipeline.runtime.ports.usage.getDeveloperDays(TEAM, fetchedDays)).length).toBe(rowsBefore);
  });

  it('refuses a second manual sync within 60 s with 429 and Retry-After', async () => {
    const response = await pipeline.call('POST', '/sync', {
      token: admin,
      body: { integration_id: integrationId },
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    pipeline.clock.advance(61);
    const later = await pipeline.call('POST', '/sync', {
      token: admin,
      body: { integration_id: integrationId },
    });
    expect(later.status).toBe(202);
    expect(later.body).toMatchObject({
      days: 2,
      start_date: addDays(TODAY, -2),
      end_date: addDays(TODAY, -1),
    });
    await pipeline.runtime.queue.drain();
  });

  it('retries 429 (retry-after) and 529 from the provider and completes the days', async () => {
    const before = await pipeline.call('GET', '/dashboard?days=90', { token: admin });
    pipeline.fake.faults.add({
      status: 429,
      times: 2,
      retryAfterSeconds: 1,
      pathPrefix: '/v1/organizations/usage_report',
    });
    pipeline.fake.faults.add({ status: 529, times: 2, pathPrefix: '/v1/organizations/usage_report' });
    pipeline.clock.advance(61);
    const sync = await pipeline.call('POST', '/sync', {
      token: admin,
      body: { integration_id: integrationId, start_date: addDays(TODAY, -5), end_date: addDays(TODAY, -1) },
    });
    expect(sync.status).toBe(202);
    await pipeline.runtime.queue.drain();
    expect(pipeline.fake.faults.pending()).toBe(0);
    const statuses = pipeline.fake.requests.slice(-12).map((request) => request.status);
    expect(statuses).toEqual(expect.arrayContaining([429, 529, 200]));
    const ledger = await pipeline.runtime.ports.usage.getLedger(
      TEAM,
      addDays(TODAY, -5),
      addDays(TODAY, -1),
      integrationId,
    );
    expect(
      ledger.map((entry) => entry.state).every((state) => state === 'ok' || state === 'no_activity'),
    ).toBe(true);
    const after = await pipeline.call('GET', '/dashboard?days=90', { token: admin });
    expect(after.body.total_interactions).toBe(before.body.total_interactions);
  });

  it('a provider outage marks days failed with attempts, keeps stored data, and the queue gives up after its limit', async () => {
    const before = await pipeline.call('GET', '/dashboard?days=90', { token: admin });
    const day = addDays(TODAY, -1);
    pipeline.fake.faults.add({ status: 500, times: Infinity, date: day });
    pipeline.clock.advance(61);
    await pipeline.call('POST', '/sync', {
      token: admin,
      body: { integration_id: integrationId, start_date: day, end_date: day },
    });
    await pipeline.runtime.queue.drain();
    pipeline.fake.faults.clear();
    expect(pipeline.runtime.queue.stats('claude_code').dead).toBeGreaterThanOrEqual(1);
    const [entry] = await pipeline.runtime.ports.usage.getLedger(TEAM, day, day, integrationId);
    // The day had data: it stays ok (not erased), and the failed attempts are recorded beside it.
    expect(entry?.state).toBe('ok');
    expect((entry as unknown as { last_error?: string }).last_error).toMatch(/500/);
    const after = await pipeline.call('GET', '/dashboard?days=90', { token: admin });
    expect(after.body.total_interactions).toBe(before.body.total_interactions);
  });

  it('a key the provider now refuses marks the integration invalid_credentials and stops retrying', async () => {
    const before = await pipeline.call('GET', '/dashboard?days=90', { token: admin });
    pipeline.fake.revokeKey(DEMO_ANTHROPIC_ADMIN_KEY);
    pipeline.clock.advance(61);
    const requestsBefore = pipeline.fake.requests.length;
    await pipeline.call('POST', '/sync', { token: admin, body: { integration_id: integrationId } });
    await pipeline.runtime.queue.drain();
    // One refused request, not a retry storm.
    expect(pipeline.fake.requests.length - requestsBefore).toBe(1);
    const integration = await pipeline.call('GET', `/integrations/${integrationId}`, { token: admin });
    expect(integration.body).toMatchObject({
      status: 'invalid_credentials',
      last_sync: { outcome: 'invalid_credentials' },
    });
    expect(String(integration.body.status_message)).toMatch(/Connect again/);
    const after = await pipeline.call('GET', '/dashboard?days=90', { token: admin });
    expect(after.body.total_interactions).toBe(before.body.total_interactions);
    pipeline.clock.advance(61);
    const refused = await pipeline.call('POST', '/sync', {
      token: admin,
      body: { integration_id: integrationId },
    });
    expect(refused.status).toBe(409);
    // The scheduler leaves it alone too.
    const [scheduled] = await pipeline.runtime.schedule('claude_code');
    expect(scheduled?.integrations).toBe(0);
  });
});
