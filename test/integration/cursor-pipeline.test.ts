import { addDays, daysBetween } from '../../functions/domain/dates';
import {
  CURSOR_PATHS,
  DEMO_CURSOR_KEY,
  type CursorUsageEvent,
  type CursorUsageRow,
} from '../../local/fakes/cursor';
import { CURSOR_TEST_RATE, startPipeline, type TestPipeline } from '../helpers/pipeline';
import { TEST_KEYS } from '../helpers/provider-keys';

/**
 * Cursor end to end on real parts: DynamoDB Local, the fake Cursor Admin API over HTTP (paged daily usage,
 * usage events without ids, spend, a per-team request limit answering 429), the local API gateway and queue.
 * Expected figures are computed here from the fake's rows and events, independently of the normaliser.
 * Request budgets run 20× faster on both sides (helpers/pipeline.ts: PACE_SCALE).
 */
const NOW = '2026-07-10T12:00:00Z';
const TODAY = '2026-07-10';
const TEAM = 'team-cursor';
const ADMIN_PATHS = [
  CURSOR_PATHS.members,
  CURSOR_PATHS.auditLogs,
  CURSOR_PATHS.dailyUsage,
  CURSOR_PATHS.spend,
];
/** Days the fake keeps: older days are answered with no rows at all. */
const HISTORY_DAYS = 75;
/** A second admin key of the same Cursor team (a rotation). */
const ROTATED_KEY = TEST_KEYS.cursorRotated;

interface Expected {
  interactions: number;
  shown: number;
  accepted: number;
  linesAdded: number;
  linesRemoved: number;
  requests: number;
  costCents: number;
  tokensInput: number;
  activeDays: number;
}

/** Exact cents per developer-day (fractional cents summed as micro-cents), rounded once, as documented. */
function costOf(events: readonly CursorUsageEvent[]): number {
  const byPerson = new Map<string, number>();
  for (const event of events) {
    const who = event.userEmail?.toLowerCase() ?? 'service';
    byPerson.set(who, (byPerson.get(who) ?? 0) + Math.round(event.chargedCents * 1_000_000));
  }
  return [...byPerson.values()].reduce((sum, micro) => sum + Math.round(micro / 1_000_000), 0);
}

function expectedFrom(days: { rows: CursorUsageRow[]; events: CursorUsageEvent[] }[]): Expected {
  const total: Expected = {
    interactions: 0,
    shown: 0,
    accepted: 0,
    linesAdded: 0,
    linesRemoved: 0,
    requests: 0,
    costCents: 0,
    tokensInput: 0,
    activeDays: 0,
  };
  for (const { rows, events } of days) {
    let dayInteractions = 0;
    for (const row of rows) {
      const requests = row.composerRequests + row.chatRequests + row.agentRequests + row.cmdkUsages;
      dayInteractions += requests + row.totalTabsShown + row.totalAccepts + row.totalRejects;
      total.requests += requests;
      total.shown += row.totalTabsShown;
      total.accepted += row.totalTabsAccepted;
      total.linesAdded += row.acceptedLinesAdded;
      total.linesRemoved += row.acceptedLinesDeleted;
    }
    total.interactions += dayInteractions;
    if (dayInteractions > 0) total.activeDays++;
    total.costCents += costOf(events);
    total.tokensInput += events.reduce((sum, event) => sum + (event.tokenUsage?.inputTokens ?? 0), 0);
  }
  return total;
}

type Tool = Record<string, unknown> & { provider: string; seats: Record<string, unknown> | null };

describe('Cursor pipeline', () => {
  let pipeline: TestPipeline;
  let admin: string;
  let integrationId: string;
  const backfillDays = daysBetween(addDays(TODAY, -90), addDays(TODAY, -1));
  const served = () => backfillDays.filter((day) => pipeline.cursor.usageRows(day).length > 0);
  const expectedOver = (days: string[]) =>
    expectedFrom(
      days.map((day) => ({ rows: pipeline.cursor.usageRows(day), events: pipeline.cursor.usageEvents(day) })),
    );
  const dashboard = async (days = 91) => {
    const response = await pipeline.call('GET', `/dashboard?days=${days}`, { token: admin });
    expect(response.status).toBe(200);
    return response.body as {
      total_interactions: number;
      active_days: number;
      tools: Tool[];
      heatmap_data: { date: string; count: number; state: string }[];
      breakdowns: Record<string, { name: string }[]>;
    };
  };
  const ledger = () =>
    pipeline.runtime.ports.usage.getLedger(TEAM, backfillDays[0] as string, TODAY, integrationId);
  const rowCount = async () =>
    (await pipeline.scanTable('USAGE_TABLE')).filter((item) => item.entity === 'usage').length;
  const maxAdminRequestsPerWindow = () =>
    pipeline.cursor.maxRequestsInWindow(CURSOR_TEST_RATE.windowMs, ADMIN_PATHS);
  const manualSync = async (start: string, end: string) => {
    pipeline.clock.advance(61);
    const response = await pipeline.call('POST', '/sync', {
      token: admin,
      body: { integration_id: integrationId, start_date: start, end_date: end },
    });
    expect(response.status).toBe(202);
    await pipeline.runtime.queue.drain();
  };

  beforeAll(async () => {
    pipeline = await startPipeline({
      now: NOW,
      cursor: {
        apiKeys: [DEMO_CURSOR_KEY, ROTATED_KEY],
        developers: 12,
        removedDevelopers: 1,
        historyDays: HISTORY_DAYS,
        seed: 'cursor-pipeline',
        nonEnterpriseKeys: [TEST_KEYS.cursorNonEnterprise],
      },
    });
    admin = await pipeline.token(TEAM, 'admin');
  }, 30_000);
  afterAll(async () => pipeline?.close());

  it('refuses a refused key (422), a non-Enterprise team (422 naming Enterprise) and a malformed key (400); stores nothing', async () => {
    const refused = await pipeline.call('POST', '/connect', {
      token: admin,
      body: { provider: 'cursor', api_key: TEST_KEYS.cursorUnknown },
    });
    expect(refused.status).toBe(422);
    expect(String(refused.body.detail)).toMatch(/Cursor refused this key \(Unauthorized: Invalid API key\)/);
    const team = await pipeline.call('POST', '/connect', {
      token: admin,
      body: { provider: 'cursor', api_key: TEST_KEYS.cursorNonEnterprise },
    });
    expect(team.status).toBe(422);
    expect(String(team.body.detail)).toMatch(/Enterprise team/);
    const malformed = await pipeline.call('POST', '/connect', {
      token: admin,
      body: { provider: 'cursor', api_key: TEST_KEYS.cursorMalformed },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([
      { field: 'api_key', message: expect.stringMatching(/"crsr_" followed by 64/) },
    ]);
    expect((await pipeline.call('GET', '/integrations', { token: admin })).body).toMatchObject({
      integrations: [],
    });
  });

  it('connects the team with the plan’s request and backfills 90 days in three 30-day jobs', async () => {
    const response = await pipeline.call('POST', '/connect', {
      token: admin,
      body: { provider: 'cursor', api_key: DEMO_CURSOR_KEY },
    });
    expect(response.status).toBe(201);
    expect(response.body.backfill).toMatchObject({
      days: 90,
      jobs: 3,
      start_date: backfillDays[0],
      end_date: addDays(TODAY, -1),
    });
    expect(response.body.integration).toMatchObject({
      provider: 'cursor',
      provider_name: 'Cursor',
      account: { id: `team:${pipeline.cursor.teamId}` },
    });
    expect(response.text).not.toContain(DEMO_CURSOR_KEY);
    integrationId = String(response.body.integration_id);
    await pipeline.runtime.queue.drain();
    const usageCalls = pipeline.cursor.requests.filter(
      (r) => r.path === CURSOR_PATHS.dailyUsage && r.status === 200,
    );
    // Three ranges of at most 30 days, each one paged call (12 users fit a page), plus the seats' 30-day look.
    expect(usageCalls).toHaveLength(4);
    for (const call of usageCalls) {
      const { startDate, endDate } = call.body as { startDate: number; endDate: number };
      expect(endDate - startDate).toBeLessThan(30 * 86_400_000);
    }
  });

  it('dashboard totals and every heatmap day equal the sums of the fake’s rows and events', async () => {
    const days = served();
    expect(days.length).toBe(HISTORY_DAYS); // from today − 75 to yesterday
    const expected = expectedOver(days);
    expect(expected.interactions).toBeGreaterThan(1000);
    const body = await dashboard();
    expect(body.total_interactions).toBe(expected.interactions);
    expect(body.active_days).toBe(expected.activeDays);
    const tool = body.tools.find((entry) => entry.provider === 'cursor');
    expect(tool).toMatchObject({
      name: 'Cursor',
      interactions: expected.interactions,
      requests: expected.requests,
      suggestions_shown: expected.shown,
      suggestions_accepted: expected.accepted,
      acceptance_rate: Math.round((expected.accepted / expected.shown) * 10_000) / 10_000,
      lines_added: expected.linesAdded,
      lines_removed: expected.linesRemoved,
      cost_cents: expected.costCents,
      tokens: expect.objectContaining({ input: expected.tokensInput }),
    });
    expect(expected.costCents).toBeGreaterThan(0);
    const byDate = new Map(body.heatmap_data.map((day) => [day.date, day]));
    for (const day of days) {
      const figures = expectedOver([day]);
      expect(byDate.get(day)).toEqual({
        date: day,
        count: figures.interactions,
        state: figures.interactions > 0 ? 'ok' : 'no_activity',
      });
    }
    expect(body.breakdowns.models?.length).toBeGreaterThan(1);
    expect(body.breakdowns.languages?.length).toBeGreaterThan(1);
  });

  it('draws days Cursor does not serve as not available and today as pending, never as quiet days', async () => {
    const byDate = new Map((await dashboard()).heatmap_data.map((day) => [day.date, day]));
    for (const day of backfillDays.filter((d) => d < addDays(TODAY, -HISTORY_DAYS))) {
      expect(byDate.get(day)).toEqual({ date: day, count: 0, state: 'not_available' });
    }
    expect(byDate.get(TODAY)).toEqual({ date: TODAY, count: 0, state: 'pending' });
  });

  it('lists the members as seats, with their last active day and exact cycle spend', async () => {
    const tool = (await dashboard()).tools.find((entry) => entry.provider === 'cursor');
    const current = pipeline.cursor.members.filter((member) => !member.isRemoved);
    expect(tool?.seats).toMatchObject({ assigned: current.length, never_active: 0 });
    const developers = await pipeline.call('GET', '/dashboard/developers?days=30', { token: admin });
    const seats = (developers.body.seats as Record<string, unknown>[]).filter(
      (seat) => seat.provider === 'cursor',
    );
    expect(seats).toHaveLength(current.length);
    expect(seats[0]).toMatchObject({
      activity_known_since: addDays(TODAY, -30),
      cycle_started_at: '2026-07-01T00:00:00.000Z',
      cycle_spend_cents: expect.any(Number),
    });
  });

  it('never sent more than 20 Admin requests in any rolling minute (scaled), with jobs running side by side', () => {
    expect(pipeline.cursor.requests.some((r) => r.status === 429)).toBe(false);
    expect(maxAdminRequestsPerWindow()).toBeLessThanOrEqual(20);
  });

  it('a re-sync and a duplicate delivery change nothing', async () => {
    const before = { rows: await rowCount(), totals: await dashboard() };
    await manualSync(addDays(TODAY, -60), addDays(TODAY, -31));
    expect(await rowCount()).toBe(before.rows);
    expect((await dashboard()).total_interactions).toBe(before.totals.total_interactions);
    const job = {
      version: 1 as const,
      job_id: 'job_duplicate',
      sync_id: 'sync_duplicate',
      team_id: TEAM,
      integration_id: integrationId,
      provider: 'cursor',
      trigger: 'manual' as const,
      dates: daysBetween(addDays(TODAY, -10), addDays(TODAY, -1)),
      enqueued_at: NOW,
      with_seats: false,
    };
    await pipeline.runtime.queue.redeliver('cursor', job);
    await pipeline.runtime.queue.redeliver('cursor', job);
    await pipeline.runtime.queue.drain();
    expect(await rowCount()).toBe(before.rows);
    expect((await dashboard()).tools.find((t) => t.provider === 'cursor')?.cost_cents).toBe(
      before.totals.tools.find((t) => t.provider === 'cursor')?.cost_cents,
    );
  });

  it('429 storms and server errors end with every day stored once', async () => {
    const before = await dashboard();
    const rows = await rowCount();
    pipeline.cursor.faults.add({ status: 429, pathPrefix: CURSOR_PATHS.dailyUsage, times: 3 });
    pipeline.cursor.faults.add({ status: 502, pathPrefix: CURSOR_PATHS.usageEvents, times: 2 });
    pipeline.cursor.faults.add({
      status: 429,
      pathPrefix: CURSOR_PATHS.usageEvents,
      times: 2,
      retryAfterSeconds: 1,
    });
    await manualSync(addDays(TODAY, -45), addDays(TODAY, -16));
    expect(pipeline.cursor.faults.pending()).toBe(0);
    expect(await rowCount()).toBe(rows);
    const after = await dashboard();
    expect(after.total_interactions).toBe(before.total_interactions);
    expect(after.heatmap_data).toEqual(before.heatmap_data);
    const states = new Set(
      (await ledger())
        .filter((e) => e.date >= addDays(TODAY, -45) && e.date <= addDays(TODAY, -16))
        .map((e) => e.state),
    );
    expect([...states].sort()).toEqual(expect.arrayContaining(['ok']));
    expect(states.has('failed')).toBe(false);
    expect(maxAdminRequestsPerWindow()).toBeLessThanOrEqual(20);
  });

  it('a burst of 40 one-day jobs on two fetchers at once stays within 20 Admin requests a minute (scaled)', async () => {
    const from = pipeline.cursor.requests.length;
    const jobs = daysBetween(addDays(TODAY, -40), addDays(TODAY, -1)).map((day, i) => ({
      version: 1 as const,
      job_id: `job_burst_${i}`,
      sync_id: `sync_burst_${i}`,
      team_id: TEAM,
      integration_id: integrationId,
      provider: 'cursor',
      trigger: 'manual' as const,
      dates: [day],
      enqueued_at: NOW,
      with_seats: false,
    }));
    const rows = await rowCount();
    await pipeline.runtime.queue.enqueue('cursor', jobs);
    await pipeline.runtime.queue.drain();
    const burst = pipeline.cursor.requests.slice(from);
    expect(burst.filter((r) => r.path === CURSOR_PATHS.dailyUsage)).toHaveLength(40);
    expect(burst.some((r) => r.status === 429)).toBe(false);
    expect(maxAdminRequestsPerWindow()).toBeLessThanOrEqual(20);
    expect(await rowCount()).toBe(rows);
  });

  it('a key revoked mid-backfill: invalid_credentials, no stored day lost, nothing retried in vain', async () => {
    const before = await dashboard();
    const rows = await rowCount();
    const sent = pipeline.cursor.requests.length;
    pipeline.cursor.revokeKey(DEMO_CURSOR_KEY);
    await manualSync(addDays(TODAY, -30), addDays(TODAY, -1));
    const integration = await pipeline.call('GET', `/integrations/${integrationId}`, { token: admin });
    expect(integration.body).toMatchObject({
      status: 'invalid_credentials',
      status_message: expect.stringMatching(/Cursor refused the stored key/),
    });
    expect(await rowCount()).toBe(rows);
    const after = await dashboard();
    expect(after.total_interactions).toBe(before.total_interactions);
    // Every stored day stands; only today changes: an integration whose key was refused awaits nothing.
    expect(after.heatmap_data.slice(0, -1)).toEqual(before.heatmap_data.slice(0, -1));
    expect(after.heatmap_data.at(-1)).toEqual({ date: TODAY, count: 0, state: 'not_fetched' });
    // One refused request was enough: the job stopped asking.
    expect(pipeline.cursor.requests.slice(sent).map((r) => r.status)).toEqual([401]);
  });

  it('a new key of the same Cursor team lands on the same integration and makes it active again', async () => {
    const response = await pipeline.call('POST', '/connect', {
      token: admin,
      body: { provider: 'cursor', api_key: ROTATED_KEY, backfill_days: 3 },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ integration_id: integrationId, created: false, status: 'active' });
    await pipeline.runtime.queue.drain();
    const list = await pipeline.call('GET', '/integrations', { token: admin });
    expect((list.body.integrations as unknown[]).length).toBe(1);
  });
});
