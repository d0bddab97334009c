import { addDays, daysBetween } from '../../functions/domain/dates';
import { CredentialsRejectedError } from '../../functions/domain/errors';
import type { DeveloperDayUsage } from '../../functions/domain/metrics';
import { exactCents, wholeCents } from '../../functions/domain/money';
import { claudeEnterpriseProvider } from '../../functions/providers/claude-enterprise';
import type { ProviderContext } from '../../functions/providers/types';
import {
  DEMO_ENTERPRISE_ANALYTICS_KEY,
  ENTERPRISE_PATHS,
  startFakeClaudeEnterprise,
  type FakeClaudeEnterpriseServer,
  type UserDay,
} from '../../local/fakes/claude-enterprise';
import { TEST_KEYS } from '../helpers/provider-keys';

/**
 * The Claude Enterprise Analytics provider against the fake API over real HTTP, one behaviour at a time (no
 * pacer). Expected figures come from the fake's generator facts, not from the normaliser.
 */
const TODAY = '2026-06-10';
const NOON = new Date(`${TODAY}T12:00:00Z`);
const NOT_ENTERPRISE_KEY = TEST_KEYS.claudeEnterpriseNotEnterprise;
const UNKNOWN_KEY = TEST_KEYS.claudeEnterpriseUnknown;
const credentials = {
  apiKey: DEMO_ENTERPRISE_ANALYTICS_KEY,
  options: {} as Record<string, never>,
  teamId: 'team-1',
};

function contextFor(
  fake: FakeClaudeEnterpriseServer,
  clock: { now: Date },
  sleeps: number[],
): ProviderContext {
  return {
    baseUrl: fake.url,
    fetch: globalThis.fetch.bind(globalThis),
    sleep: async (ms) => void sleeps.push(ms),
    now: () => clock.now,
    userAgent: 'test',
  };
}

/** What a day's Claude Code rows must say, from the fake's facts: per e-mail. */
function expectedRows(days: readonly UserDay[]) {
  return new Map(
    days
      .filter((day) => day.claudeCode || day.models.some((use) => use.product === 'claude_code'))
      .map((day) => {
        const uses = day.models.filter((use) => use.product === 'claude_code');
        const micro = uses.reduce((sum, use) => sum + use.amountMicro, 0);
        const tools = Object.values(day.claudeCode?.tools ?? {});
        return [
          day.user.email,
          {
            sessions: day.claudeCode?.sessions ?? 0,
            lines_added: day.claudeCode?.added ?? 0,
            suggestions_shown: tools.reduce((sum, tool) => sum + tool.accepted + tool.rejected, 0),
            tokens_output: uses.reduce((sum, use) => sum + use.output, 0),
            requests: uses.reduce((sum, use) => sum + use.requests, 0),
            cost_cents: wholeCents(micro),
            amount_cents: exactCents(micro),
          },
        ];
      }),
  );
}

function figuresOf(rows: readonly DeveloperDayUsage[]) {
  return new Map(
    rows.map((row) => [
      row.developer.email,
      {
        sessions: row.metrics.sessions,
        lines_added: row.metrics.lines_added,
        suggestions_shown: row.metrics.suggestions_shown,
        tokens_output: row.metrics.tokens_output,
        requests: row.metrics.requests,
        cost_cents: row.metrics.cost_cents,
        amount_cents: row.extras.amount_cents,
      },
    ]),
  );
}

describe('Claude Enterprise Analytics provider against the fake API', () => {
  let fake: FakeClaudeEnterpriseServer;
  const clock = { now: NOON };
  const sleeps: number[] = [];
  let ctx: ProviderContext;
  const sent = (from: number) => fake.requests.slice(from);

  beforeAll(async () => {
    fake = await startFakeClaudeEnterprise({
      now: () => clock.now,
      seed: 'provider',
      nonEnterpriseKeys: [NOT_ENTERPRISE_KEY],
    });
    ctx = contextFor(fake, clock, sleeps);
  });
  afterAll(async () => fake?.close());
  afterEach(() => {
    fake.faults.clear();
    sleeps.length = 0;
    clock.now = NOON;
  });

  it('identifies the organisation the key belongs to', async () => {
    expect(await claudeEnterpriseProvider.verifyCredentials(credentials, ctx)).toEqual({
      id: fake.organizationId,
      name: `organisation ${fake.organizationId}`,
    });
  });

  it('refuses an unknown key and an organisation not on Enterprise with words a person can act on', async () => {
    const unknown = claudeEnterpriseProvider.verifyCredentials({ ...credentials, apiKey: UNKNOWN_KEY }, ctx);
    await expect(unknown).rejects.toThrow(CredentialsRejectedError);
    await expect(unknown).rejects.toThrow(
      /refused this key.*Admin API keys of Claude Console do not work here/,
    );
    const notEnterprise = claudeEnterpriseProvider.verifyCredentials(
      { ...credentials, apiKey: NOT_ENTERPRISE_KEY },
      ctx,
    );
    await expect(notEnterprise).rejects.toThrow(/Claude Enterprise plans only.*read:analytics/);
  });

  it('fetches published days with every figure the fake holds, cost exact to the micro-cent, chat left out', async () => {
    const days = daysBetween(addDays(TODAY, -9), addDays(TODAY, -2));
    const from = fake.requests.length;
    const result = await claudeEnterpriseProvider.fetchDays(credentials, days, ctx);
    expect(result.requests).toBe(sent(from).length);
    let costly = 0;
    for (const day of days) {
      const answer = result.days.get(day);
      expect(answer?.kind).toBe('ok');
      const rows = claudeEnterpriseProvider.normalizeDay((answer as { raw: unknown }).raw, day);
      const expected = expectedRows(fake.userDays(day));
      expect(figuresOf(rows)).toEqual(expected);
      costly += [...expected.values()].filter((row) => row.amount_cents.includes('.')).length;
    }
    // Fractional cents occur (the fake charges 87.5 % of list price): exactness is tested, not assumed.
    expect(costly).toBeGreaterThan(0);
    // Only Claude Code's cost and tokens were asked for.
    const reports = sent(from).filter(
      (r) => r.path === ENTERPRISE_PATHS.userCost || r.path === ENTERPRISE_PATHS.userUsage,
    );
    expect(reports).toHaveLength(3);
    for (const report of reports) expect(report.params).toContainEqual(['products[]', 'claude_code']);
  });

  it('leaves yesterday pending until it is published (17:00 UTC), then serves it', async () => {
    const yesterday = addDays(TODAY, -1);
    const before = await claudeEnterpriseProvider.fetchDays(credentials, [yesterday, TODAY], ctx);
    expect(before.days.get(yesterday)).toEqual({
      kind: 'not_ready',
      message: expect.stringMatching(
        new RegExp(`not published ${yesterday} yet \\(its newest day is ${addDays(TODAY, -2)}\\)`),
      ),
    });
    expect(before.days.get(TODAY)?.kind).toBe('not_ready');
    clock.now = new Date(`${TODAY}T17:30:00Z`);
    const after = await claudeEnterpriseProvider.fetchDays(credentials, [yesterday], ctx);
    expect(after.days.get(yesterday)?.kind).toBe('ok');
  });

  it('turns the API’s 400 for an unpublished day into not_ready, never a failure; another 400 fails', async () => {
    // The summaries say the day is out, the user endpoint has not caught up: its 400 names the newest day.
    const day = addDays(TODAY, -2);
    const newest = addDays(TODAY, -3);
    fake.faults.add({
      status: 400,
      pathPrefix: ENTERPRISE_PATHS.users,
      date: day,
      message: `date: data for ${day} is not available yet; the most recent available day is ${newest}`,
    });
    const result = await claudeEnterpriseProvider.fetchDays(credentials, [addDays(day, -1), day], ctx);
    expect(result.days.get(day)).toEqual({
      kind: 'not_ready',
      message: expect.stringContaining(`its newest day is ${newest}`),
    });
    expect(result.days.get(addDays(day, -1))?.kind).toBe('ok');
    // A 400 that names no earlier day is a request the API will not answer: a failure, not a pending day.
    fake.faults.add({ status: 400, pathPrefix: ENTERPRISE_PATHS.users, date: day });
    await expect(claudeEnterpriseProvider.fetchDays(credentials, [day], ctx)).rejects.toMatchObject({
      kind: 'client',
      status: 400,
    });
  });

  it('waits out a 429 for as long as retry-after says, and carries on', async () => {
    const day = addDays(TODAY, -3);
    fake.faults.add({ status: 429, pathPrefix: ENTERPRISE_PATHS.users, retryAfterSeconds: 3 });
    fake.faults.add({ status: 429, pathPrefix: ENTERPRISE_PATHS.userCost, retryAfterSeconds: 1 });
    const result = await claudeEnterpriseProvider.fetchDays(credentials, [day], ctx);
    expect(result.days.get(day)?.kind).toBe('ok');
    expect(sleeps[0]).toBeGreaterThanOrEqual(3000);
    expect(sleeps[1]).toBeGreaterThanOrEqual(1000);
    expect(fake.faults.pending()).toBe(0);
  });

  it('hands a wait longer than a minute back as a rate limit', async () => {
    fake.faults.add({ status: 429, retryAfterSeconds: 120 });
    await expect(
      claudeEnterpriseProvider.fetchDays(credentials, [addDays(TODAY, -3)], ctx),
    ).rejects.toMatchObject({
      kind: 'rate_limited',
      retryAfterSeconds: 120,
    });
    expect(sleeps).toEqual([]);
  });

  it('lists every seat user as a seat with the last day they used a Claude product', async () => {
    const result = await claudeEnterpriseProvider.fetchSeats(credentials, ctx);
    expect(result.kind).toBe('ok');
    const seats = (result as { seats: { developer: { email?: string }; last_activity_at?: string | null }[] })
      .seats;
    expect(seats.map((seat) => seat.developer.email).sort()).toEqual(
      fake.users.map((user) => user.email).sort(),
    );
    const idle = fake.users.find((user) => user.kind === 'idle');
    const chat = fake.users.find((user) => user.kind === 'chat');
    expect(seats.find((seat) => seat.developer.email === idle?.email)?.last_activity_at).toBeNull();
    expect(seats.find((seat) => seat.developer.email === chat?.email)?.last_activity_at).toMatch(
      /^2026-0[56]-\d\dT00:00:00.000Z$/,
    );
  });

  it('keeps the organisation’s counts of the newest published day beside the seats', async () => {
    const result = await claudeEnterpriseProvider.fetchSeats(credentials, ctx);
    const newest = fake.newestPublishedDay();
    // People active in the `back` days up to the newest day, from the generator's facts.
    const distinct = (back: number, used: (day: UserDay) => boolean) =>
      new Set(
        daysBetween(addDays(newest, -(back - 1)), newest).flatMap((day) =>
          fake
            .userDays(day)
            .filter(used)
            .map((entry) => entry.user.email),
        ),
      ).size;
    const anyProduct = (day: UserDay) => day.models.length > 0;
    const claudeCode = (day: UserDay) => day.claudeCode !== null;
    expect(result).toMatchObject({
      kind: 'ok',
      organisation: {
        as_of: newest,
        assigned_seats: fake.users.length,
        pending_invites: 1,
        active_users: {
          daily: distinct(1, anyProduct),
          weekly: distinct(7, anyProduct),
          monthly: distinct(30, anyProduct),
        },
        tool_active_users: {
          daily: distinct(1, claudeCode),
          weekly: distinct(7, claudeCode),
          monthly: distinct(30, claudeCode),
        },
      },
    });
    if (result.kind !== 'ok') throw new Error(result.message);
    expect(result.organisation?.tool_active_users?.monthly).toBeGreaterThan(0);
  });

  it('leaves Claude Code’s own counts out for an organisation without the per-product breakdown', async () => {
    const plain = await startFakeClaudeEnterprise({
      now: () => clock.now,
      seed: 'provider',
      productBreakdown: false,
    });
    try {
      const result = await claudeEnterpriseProvider.fetchSeats(credentials, contextFor(plain, clock, sleeps));
      expect(result).toMatchObject({ kind: 'ok', organisation: { assigned_seats: plain.users.length } });
      if (result.kind !== 'ok') throw new Error(result.message);
      expect(result.organisation?.active_users).toBeDefined();
      expect(result.organisation).not.toHaveProperty('tool_active_users');
    } finally {
      await plain.close();
    }
  });
});

describe('Claude Enterprise Analytics provider: pages, the plan’s first day, the date floor', () => {
  const sleeps: number[] = [];

  it('walks next_page with the query unchanged, over a thousand seat users', async () => {
    const clock = { now: NOON };
    const fake = await startFakeClaudeEnterprise({ now: () => clock.now, seed: 'paging', seatUsers: 1_050 });
    try {
      const day = addDays(TODAY, -2);
      const result = await claudeEnterpriseProvider.fetchDays(
        credentials,
        [day],
        contextFor(fake, clock, sleeps),
      );
      const raw = (result.days.get(day) as { raw: { users: unknown[]; usage: unknown[] } }).raw;
      expect(raw.users).toHaveLength(1_050);
      const users = fake.requests.filter(
        (r) => r.path === ENTERPRISE_PATHS.users && r.params.some(([n]) => n === 'date'),
      );
      expect(users).toHaveLength(2);
      const withoutPage = (params: [string, string][]) => params.filter(([name]) => name !== 'page');
      expect(withoutPage(users[1]!.params)).toEqual(users[0]!.params);
      expect(users[1]!.params.find(([name]) => name === 'page')?.[1]).toMatch(/^page_/);
      expect(users[0]!.params).toContainEqual(['limit', '1000']);
      const rows = claudeEnterpriseProvider.normalizeDay(raw, day);
      expect(figuresOf(rows)).toEqual(expectedRows(fake.userDays(day)));
      // The cursor belongs to its query: sent with another day, the fake refuses it as the API does.
      const cursor = users[1]!.params.find(([name]) => name === 'page')![1];
      const reused = await fetch(
        `${fake.url}${ENTERPRISE_PATHS.users}?date=${addDays(day, -1)}&limit=1000&page=${cursor}`,
        { headers: { 'x-api-key': DEMO_ENTERPRISE_ANALYTICS_KEY, 'anthropic-version': '2023-06-01' } },
      );
      expect(reused.status).toBe(400);
      expect(((await reused.json()) as { error: { message: string } }).error.message).toMatch(
        /start again without page/,
      );
    } finally {
      await fake.close();
    }
  });

  it('asks for no user rows on days the summaries show without a Claude Code user, and stores them empty', async () => {
    const clock = { now: NOON };
    const fake = await startFakeClaudeEnterprise({ now: () => clock.now, seed: 'plan', planDays: 3 });
    try {
      const days = daysBetween(addDays(TODAY, -8), addDays(TODAY, -2));
      const result = await claudeEnterpriseProvider.fetchDays(
        credentials,
        days,
        contextFor(fake, clock, sleeps),
      );
      const asked = fake.requests
        .filter((r) => r.path === ENTERPRISE_PATHS.users)
        .flatMap((r) => r.params.filter(([name]) => name === 'date').map(([, value]) => value));
      const onPlan = days.filter((day) => day >= addDays(TODAY, -3));
      expect(asked.every((day) => onPlan.includes(day))).toBe(true);
      for (const day of days.filter((d) => !onPlan.includes(d))) {
        const answer = result.days.get(day) as { kind: string; raw: unknown };
        expect(answer.kind).toBe('ok');
        expect(claudeEnterpriseProvider.normalizeDay(answer.raw, day)).toEqual([]);
      }
    } finally {
      await fake.close();
    }
  });

  it('answers not_available for days before 2026-01-01 without asking, and no seats for a plan not begun', async () => {
    const clock = { now: new Date('2026-01-05T18:00:00Z') };
    const fake = await startFakeClaudeEnterprise({ now: () => clock.now, seed: 'floor', planDays: 0 });
    try {
      const ctx = contextFor(fake, clock, sleeps);
      const result = await claudeEnterpriseProvider.fetchDays(credentials, ['2025-12-30', '2025-12-31'], ctx);
      expect(result.days.get('2025-12-30')).toMatchObject({ kind: 'not_available', scope: 'day' });
      expect(result.requests).toBe(0);
      expect(fake.requests).toHaveLength(0);
      expect(await claudeEnterpriseProvider.fetchSeats(credentials, ctx)).toMatchObject({
        kind: 'not_available',
        scope: 'integration',
        message: expect.stringMatching(/no seats assigned/),
      });
    } finally {
      await fake.close();
    }
  });
});
