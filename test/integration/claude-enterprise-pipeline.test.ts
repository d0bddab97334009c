import { addDays, daysBetween } from '../../functions/domain/dates';
import { activeRow } from '../../functions/domain/identity-blocks';
import { exactCents, wholeCents } from '../../functions/domain/money';
import {
  DEMO_ENTERPRISE_ANALYTICS_KEY,
  ENTERPRISE_PATHS,
  type FakeClaudeEnterpriseServer,
} from '../../local/fakes/claude-enterprise';
import { DEMO_ANTHROPIC_ADMIN_KEY } from '../../local/fakes/claude-code';
import { PACE_SCALE, startPipeline, type TestPipeline } from '../helpers/pipeline';
import { TEST_KEYS } from '../helpers/provider-keys';

/**
 * Claude Enterprise Analytics end to end on real parts: DynamoDB Local, the fake Enterprise Analytics API over
 * HTTP (publication at 17:00 UTC the next day, 60 requests a minute, both scaled like the pacer's windows), the
 * local API gateway and queue. Beside it the fake Claude Code Admin API, whose people overlap by e-mail.
 * Expected figures come from the fake's generator facts, independently of the normaliser.
 */
const NOW = '2026-06-15T12:00:00Z';
const TODAY = '2026-06-15';
const TEAM = 'team-enterprise';
/** The fake's organisation moved to Enterprise seats this many days before today. */
const PLAN_DAYS = 40;
const NOT_ENTERPRISE_KEY = TEST_KEYS.claudeEnterpriseNotEnterprise;
const UNKNOWN_KEY = TEST_KEYS.claudeEnterpriseUnknown;
const WINDOW_MS = 60_000 * PACE_SCALE;
/** Seats the organisation assigned to people its `users` roll-up does not list. */
const UNLISTED = 3;

describe('Claude Enterprise Analytics pipeline', () => {
  let pipeline: TestPipeline;
  let enterprise: FakeClaudeEnterpriseServer;
  let admin: string;
  let integrationId: string;
  // Backfills end two days back: yesterday is published only from 17:00 UTC (the daily run brings it).
  const backfill = daysBetween(addDays(TODAY, -91), addDays(TODAY, -2));
  const yesterday = addDays(TODAY, -1);
  const planStart = addDays(TODAY, -PLAN_DAYS);
  const stored = async (provider: string) =>
    (await pipeline.runtime.ports.usage.getDeveloperDays(TEAM, [...backfill, yesterday])).filter(
      (row) => row.provider === provider,
    );
  const ledger = () =>
    pipeline.runtime.ports.usage.getLedger(TEAM, backfill[0] as string, TODAY, integrationId);

  beforeAll(async () => {
    pipeline = await startPipeline({
      now: NOW,
      fake: { developers: 12, apiKeyActors: 1, historyDays: 150, seed: 'pipeline' },
      enterprise: {
        seed: 'pipeline',
        planDays: PLAN_DAYS,
        unlistedSeats: UNLISTED,
        nonEnterpriseKeys: [NOT_ENTERPRISE_KEY],
        rateLimit: { perWindow: 60, windowMs: WINDOW_MS },
      },
    });
    enterprise = pipeline.enterprise;
    admin = await pipeline.token(TEAM, 'admin');
  }, 30_000);
  afterAll(async () => {
    await pipeline?.close();
  });

  it('refuses an Admin key, an unknown key and an organisation not on Enterprise, saying what to fix', async () => {
    const cases: [string, number, RegExp][] = [
      [DEMO_ANTHROPIC_ADMIN_KEY, 400, /Admin API key of Claude Console: it does not work/],
      [UNKNOWN_KEY, 422, /refused this key/],
      [NOT_ENTERPRISE_KEY, 422, /Claude Enterprise plans only/],
    ];
    for (const [key, status, detail] of cases) {
      const response = await pipeline.call('POST', '/connect', {
        token: admin,
        body: { provider: 'claude_enterprise', api_key: key },
      });
      expect(response.status).toBe(status);
      expect(response.text).toMatch(detail);
      expect(response.text).not.toContain(key);
    }
  });

  it('connects through the local API and backfills 90 days in three jobs of at most 31', async () => {
    const response = await pipeline.call('POST', '/connect', {
      token: admin,
      body: { provider: 'claude_enterprise', api_key: DEMO_ENTERPRISE_ANALYTICS_KEY },
    });
    expect(response.status).toBe(201);
    expect(response.body.integration).toMatchObject({
      provider: 'claude_enterprise',
      provider_name: 'Claude Enterprise Analytics',
      account: { id: enterprise.organizationId },
    });
    expect(response.body.backfill).toMatchObject({
      days: 90,
      jobs: 3,
      start_date: backfill[0],
      end_date: addDays(TODAY, -2),
    });
    expect(response.text).not.toContain(DEMO_ENTERPRISE_ANALYTICS_KEY);
    integrationId = String(response.body.integration_id);
    await pipeline.runtime.queue.drain();
  });

  it('stores one row per Claude Code user and day, keyed by e-mail, with the fake’s figures and exact cost', async () => {
    const rows = await stored('claude_enterprise');
    expect(rows.length).toBeGreaterThan(100);
    let costly = 0;
    for (const day of backfill) {
      const expected = enterprise
        .userDays(day)
        .filter((entry) => entry.claudeCode)
        .map((entry) => {
          const micro = entry.models
            .filter((use) => use.product === 'claude_code')
            .reduce((sum, use) => sum + use.amountMicro, 0);
          return {
            key: `email:${entry.user.email}`,
            sessions: entry.claudeCode?.sessions,
            cost_cents: wholeCents(micro),
            amount_cents: exactCents(micro),
          };
        })
        .sort((a, b) => a.key.localeCompare(b.key));
      const actual = rows
        .filter((row) => row.date === day)
        .map((row) => ({
          key: row.developer.key,
          sessions: row.metrics.sessions,
          cost_cents: row.metrics.cost_cents,
          amount_cents: row.extras.amount_cents,
        }))
        .sort((a, b) => a.key.localeCompare(b.key));
      expect(actual).toEqual(expected);
      costly += expected.filter((row) => row.amount_cents.includes('.')).length;
    }
    expect(costly).toBeGreaterThan(0);
    // Rows carry the user's RBAC groups of the day, by name: what the roster can take as groups.
    const teams = new Set(rows.flatMap((row) => row.teams ?? []));
    expect([...teams].sort()).toEqual(['data', 'engineering', 'product']);
    expect(rows.every((row) => typeof row.extras.user_id === 'string')).toBe(true);
  });

  it('backfills every day it asks for: days before the plan quiet, the rest stored, none pending or failed', async () => {
    const entries = await ledger();
    expect(entries.map((entry) => entry.date).sort()).toEqual(backfill);
    for (const entry of entries) {
      if (entry.date < planStart) expect(entry.state).toBe('no_activity');
      else expect(['ok', 'no_activity']).toContain(entry.state);
    }
    // Days before the plan cost no user request: the summaries showed no Claude Code user on them.
    const askedDays = enterprise.requests
      .filter((request) => request.path === ENTERPRISE_PATHS.users)
      .flatMap((request) => request.params.filter(([name]) => name === 'date').map(([, day]) => day));
    expect(askedDays.length).toBeGreaterThan(0);
    expect(askedDays.every((day) => day >= planStart)).toBe(true);
  });

  it('keeps the seat snapshot: every seat user, with their last active day', async () => {
    const snapshot = (await pipeline.runtime.ports.usage.getSeats(TEAM)).find(
      (seats) => seats.integration_id === integrationId,
    );
    expect(snapshot?.seats.map((seat) => seat.developer.email).sort()).toEqual(
      enterprise.users.map((user) => user.email).sort(),
    );
    const idle = enterprise.users.find((user) => user.kind === 'idle');
    for (const seat of snapshot?.seats ?? []) {
      expect(seat.activity_known_since).toBe(addDays(enterprise.newestPublishedDay(), -29));
      if (seat.developer.email === idle?.email) expect(seat.last_activity_at).toBeNull();
      else expect(seat.last_activity_at).toMatch(/^2026-0[56]-\d\dT00:00:00.000Z$/);
    }
    // Beside them, the organisation's counts of the newest published day's summary, read back from the table.
    expect(snapshot?.organisation).toEqual({
      as_of: enterprise.newestPublishedDay(),
      assigned_seats: enterprise.users.length + UNLISTED,
      pending_invites: 1,
      active_users: {
        daily: expect.any(Number),
        weekly: expect.any(Number),
        monthly: expect.any(Number),
      },
      tool_active_users: {
        daily: expect.any(Number),
        weekly: expect.any(Number),
        monthly: expect.any(Number),
      },
    });
    const coders = enterprise.users.filter((user) => user.kind === 'coder').length;
    expect(snapshot?.organisation?.tool_active_users?.monthly).toBeLessThanOrEqual(coders);
    expect(snapshot?.organisation?.active_users?.monthly).toBeLessThanOrEqual(enterprise.users.length);
  });

  it('puts the organisation’s seats and counts on the Claude Code tool’s seat summary', async () => {
    const snapshot = (await pipeline.runtime.ports.usage.getSeats(TEAM)).find(
      (seats) => seats.integration_id === integrationId,
    );
    const periodStart = addDays(TODAY, -29);
    const activeListed = (snapshot?.seats ?? []).filter(
      (seat) => seat.last_activity_at && seat.last_activity_at.slice(0, 10) >= periodStart,
    ).length;
    const response = await pipeline.call('GET', '/dashboard?days=30', { token: admin });
    expect(response.status).toBe(200);
    const tool = (response.body.tools as { provider: string; seats: Record<string, unknown> }[]).find(
      (entry) => entry.provider === 'claude_code',
    );
    const organisation = snapshot?.organisation;
    expect(tool?.seats).toMatchObject({
      assigned: organisation?.assigned_seats,
      assigned_from: 'organisation',
      listed: snapshot?.seats.length,
      active_in_period: activeListed,
      inactive_in_period: (organisation?.assigned_seats ?? 0) - activeListed,
      organisation: {
        as_of: organisation?.as_of,
        assigned_seats: organisation?.assigned_seats,
        pending_invites: organisation?.pending_invites,
        active_users: organisation?.active_users,
        tool_active_users: organisation?.tool_active_users,
      },
    });
  });

  it('the seats view holds the dashboard’s seats: the organisation’s count, of which the listed users by name', async () => {
    const snapshot = (await pipeline.runtime.ports.usage.getSeats(TEAM)).find(
      (seats) => seats.integration_id === integrationId,
    );
    const listed = snapshot?.seats ?? [];
    const [view, dashboard] = await Promise.all([
      pipeline.call('GET', '/dashboard/seats?days=30', { token: admin }),
      pipeline.call('GET', '/dashboard?days=30', { token: admin }),
    ]);
    expect([view.status, dashboard.status]).toEqual([200, 200]);
    const summary = (
      dashboard.body.tools as { provider: string; seats: Record<string, number | string> | null }[]
    ).find((tool) => tool.provider === 'claude_code')?.seats;
    const tools = view.body.tools as Record<string, unknown>[];
    // Listed seats idle N days or more by their last activity, and every seat held that nobody is listed for.
    const idle = (span: number) =>
      listed.filter(
        (seat) =>
          !seat.last_activity_at || daysBetween(seat.last_activity_at.slice(0, 10), TODAY).length - 1 >= span,
      ).length + UNLISTED;
    expect(tools).toEqual([
      {
        provider: 'claude_enterprise',
        name: 'Claude Enterprise Analytics',
        assigned: enterprise.users.length + UNLISTED,
        assigned_from: 'organisation',
        listed: enterprise.users.length,
        active_in_period: summary?.active_in_period,
        idle_14: idle(14),
        idle_30: idle(30),
        idle_60: idle(60),
        never_active: summary?.never_active,
        cycle_spend_cents: null,
      },
    ]);
    expect(tools[0]?.assigned).toBe(summary?.assigned);
    expect(view.body.seats as unknown[]).toHaveLength(listed.length);
    // The page names every provider that reports licences, whatever the team connected.
    expect(view.body.seat_providers).toEqual([
      { provider: 'github_copilot', name: 'GitHub Copilot' },
      { provider: 'cursor', name: 'Cursor' },
      { provider: 'claude_enterprise', name: 'Claude Enterprise Analytics' },
    ]);
    // A member's view is their own listed seat: the organisation's count is not theirs.
    const holder = enterprise.users[0]?.email as string;
    const own = await pipeline.call('GET', '/dashboard/seats?days=30', {
      token: await pipeline.token(TEAM, 'member', holder),
    });
    expect(own.body.visibility).toBe('own_row');
    expect(own.body.tools).toMatchObject([
      { provider: 'claude_enterprise', assigned: 1, assigned_from: 'listed', listed: 1 },
    ]);
    expect(
      (own.body.seats as { developer: { email?: string } }[]).map((seat) => seat.developer.email),
    ).toEqual([holder]);
  });

  it('meets the Claude Code Admin API’s rows by e-mail: some people in both, some in one only', async () => {
    const connect = await pipeline.call('POST', '/connect', {
      token: admin,
      body: { provider: 'claude_code', api_key: DEMO_ANTHROPIC_ADMIN_KEY },
    });
    expect(connect.status).toBe(201);
    await pipeline.runtime.queue.drain();
    const keys = async (provider: string) =>
      new Set(
        (await stored(provider))
          .filter((row) => row.developer.kind === 'user')
          .map((row) => row.developer.key),
      );
    const seat = await keys('claude_enterprise');
    const console = await keys('claude_code');
    const both = [...seat].filter((key) => console.has(key));
    expect(both.length).toBeGreaterThanOrEqual(2);
    expect([...seat].some((key) => !console.has(key))).toBe(true);
    expect([...console].some((key) => !seat.has(key))).toBe(true);
  });

  it('shows one Claude Code tool on the dashboard: its two sources summed, each person once a day', async () => {
    // Both sources are connected by the test above.
    const response = await pipeline.call('GET', '/dashboard?days=90', { token: admin });
    expect(response.status).toBe(200);
    const tools = response.body.tools as {
      provider: string;
      sources: string[];
      interactions: number;
      max_daily_active_developers: number;
    }[];
    expect(tools.map((tool) => tool.provider)).toEqual(['claude_code']);
    const [claude] = tools;
    expect(claude?.sources).toEqual(['claude_code', 'claude_enterprise']);

    const period = new Set(daysBetween(addDays(TODAY, -89), TODAY));
    const rows = [...(await stored('claude_code')), ...(await stored('claude_enterprise'))].filter((row) =>
      period.has(row.date),
    );
    expect(claude?.interactions).toBe(rows.reduce((sum, row) => sum + row.metrics.interactions, 0));
    // Distinct people a day across both sources (an e-mail is one person even without a roster); the sum of
    // the sources' own counts would count the people in both twice.
    const people = new Map<string, Set<string>>();
    const perSource = new Map<string, number>();
    for (const row of rows) {
      if (!activeRow(row) || row.developer.kind === 'service') continue;
      people.set(row.date, (people.get(row.date) ?? new Set()).add(row.developer.key));
      const key = `${row.date}|${row.provider}`;
      perSource.set(key, (perSource.get(key) ?? 0) + 1);
    }
    const distinct = Math.max(...[...people.values()].map((set) => set.size));
    expect(claude?.max_daily_active_developers).toBe(distinct);
    const summed = Math.max(
      ...[...people.keys()].map(
        (date) =>
          (perSource.get(`${date}|claude_code`) ?? 0) + (perSource.get(`${date}|claude_enterprise`) ?? 0),
      ),
    );
    expect(summed).toBeGreaterThan(distinct);

    // Per person too: one Claude Code tool, whichever source reported them; match rates stay per source.
    const developers = await pipeline.call('GET', '/dashboard/developers?days=90&limit=500', {
      token: admin,
    });
    expect(developers.status).toBe(200);
    const personTools = new Set(
      (developers.body.developers as { tools: { provider: string }[] }[]).flatMap((row) =>
        row.tools.map((tool) => tool.provider),
      ),
    );
    expect([...personTools]).toEqual(['claude_code']);
  });

  it('429s and the organisation’s 60 a minute: the pacer keeps under it, a re-sync stores the same rows', async () => {
    const before = (await stored('claude_enterprise')).length;
    const from = enterprise.requests.length;
    enterprise.faults.add({
      status: 429,
      pathPrefix: ENTERPRISE_PATHS.users,
      times: 3,
      retryAfterSeconds: 1,
    });
    pipeline.clock.advance(61);
    const sync = await pipeline.call('POST', '/sync', {
      token: admin,
      body: { integration_id: integrationId, start_date: addDays(TODAY, -30), end_date: addDays(TODAY, -2) },
    });
    expect(sync.status).toBe(202);
    await pipeline.runtime.queue.drain();
    expect(enterprise.faults.pending()).toBe(0);
    expect((await stored('claude_enterprise')).length).toBe(before);
    expect((await ledger()).some((entry) => entry.state === 'failed')).toBe(false);
    // Only the three injected 429s: the pacer never let the fake's own limit answer one.
    expect(enterprise.requests.slice(from).filter((request) => request.status === 429)).toHaveLength(3);
    expect(enterprise.maxRequestsInWindow(WINDOW_MS)).toBeLessThanOrEqual(60);
  });

  it('the daily run leaves yesterday pending before 17:00 UTC and stores it after', async () => {
    const yesterdayState = async () => (await ledger()).find((entry) => entry.date === yesterday)?.state;
    pipeline.clock.set(`${TODAY}T12:05:00Z`);
    await pipeline.runtime.schedule('claude_enterprise');
    await pipeline.runtime.queue.drain();
    expect(await yesterdayState()).toBe('pending');
    pipeline.clock.set(`${TODAY}T19:30:00Z`);
    const [fired] = await pipeline.runtime.schedule('claude_enterprise');
    expect(fired).toMatchObject({ provider: 'claude_enterprise', integrations: 1 });
    await pipeline.runtime.queue.drain();
    expect(['ok', 'no_activity']).toContain(await yesterdayState());
    expect((await ledger()).some((entry) => entry.state === 'failed')).toBe(false);
  });
});
