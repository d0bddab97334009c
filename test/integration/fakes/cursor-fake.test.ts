import {
  CURSOR_PATHS,
  DEMO_CURSOR_KEY,
  MODELS,
  startFakeCursor,
  type CursorUsageEvent,
  type CursorUsageRow,
  type FakeCursorOptions,
  type FakeCursorServer,
} from '../../../local/fakes/cursor';
import { demo } from '../../../local/fakes/cursor/demo';
import { TEST_KEYS } from '../../helpers/provider-keys';

/**
 * The fake Cursor Admin API over real HTTP: it must behave like the documented API (provider-apis.md 3,
 * provider-apis-2026-11.md 1): Basic auth, `{error, message}` bodies, paged and unpaged daily usage,
 * events without ids, spend, per-team rolling rate limits, faults and deterministic data.
 */
const NOW = new Date('2026-06-15T12:30:00Z'); // a Monday
const TODAY = '2026-06-15';
const DAY_MS = 86_400_000;
const NON_ENTERPRISE_KEY = TEST_KEYS.cursorNonEnterprise;
const OTHER_KEY = TEST_KEYS.cursorUnknown;
const FAST = { perWindow: 10_000, windowMs: 1_000 };

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

interface DailyBody {
  data: CursorUsageRow[];
  period: { startDate: number; endDate: number };
  pagination?: {
    page: number;
    pageSize: number;
    totalUsers: number;
    totalPages: number;
    hasNextPage: boolean;
    hasPreviousPage: boolean;
  };
}

interface EventsBody {
  totalUsageEventsCount: number;
  pagination: {
    numPages: number;
    currentPage: number;
    pageSize: number;
    hasNextPage: boolean;
    hasPreviousPage: boolean;
  };
  usageEvents: CursorUsageEvent[];
  period: { startDate: number; endDate: number };
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

const start = (day: string) => Date.parse(`${day}T00:00:00.000Z`);
const end = (day: string) => Date.parse(`${day}T23:59:59.999Z`);
const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

async function call(
  fake: FakeCursorServer,
  path: string,
  options: { method?: string; body?: unknown; key?: string | null; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const key = options.key === undefined ? DEMO_CURSOR_KEY : options.key;
  const headers: Record<string, string> = {
    ...(key === null ? {} : { authorization: basic(key) }),
    ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...options.headers,
  };
  const response = await fetch(`${fake.url}${path}`, {
    method: options.method ?? (options.body !== undefined ? 'POST' : 'GET'),
    headers,
    ...(options.body !== undefined
      ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }
      : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

const daily = (fake: FakeCursorServer, body: Record<string, unknown>, key?: string) =>
  call(fake, CURSOR_PATHS.dailyUsage, { body, key });
const events = (fake: FakeCursorServer, body: Record<string, unknown>) =>
  call(fake, CURSOR_PATHS.usageEvents, { body });

/** Every page of daily usage for the range, checking the pagination block on the way. */
async function walkDaily(fake: FakeCursorServer, from: string, to: string, pageSize: number) {
  const rows: CursorUsageRow[] = [];
  const usersPerPage: number[] = [];
  let page = 1;
  let totalPages: number;
  do {
    const answer = await daily(fake, { startDate: start(from), endDate: end(to), page, pageSize });
    expect(answer.status).toBe(200);
    const body = answer.body as unknown as DailyBody;
    const pagination = body.pagination!;
    expect(pagination).toEqual({
      page,
      pageSize,
      totalUsers: expect.any(Number),
      totalPages: Math.ceil(pagination.totalUsers / pageSize),
      hasNextPage: page < pagination.totalPages,
      hasPreviousPage: page > 1,
    });
    totalPages = pagination.totalPages;
    rows.push(...body.data);
    usersPerPage.push(new Set(body.data.map((row) => row.userId)).size);
    page++;
  } while (page <= totalPages);
  return { rows, usersPerPage, totalPages };
}

async function walkEvents(fake: FakeCursorServer, body: Record<string, unknown>, pageSize: number) {
  const all: CursorUsageEvent[] = [];
  let page = 1;
  let numPages: number;
  do {
    const answer = await events(fake, { ...body, page, pageSize });
    expect(answer.status).toBe(200);
    const parsed = answer.body as unknown as EventsBody;
    numPages = parsed.pagination.numPages;
    expect(parsed.pagination).toEqual({
      numPages: Math.ceil(parsed.totalUsageEventsCount / pageSize),
      currentPage: page,
      pageSize,
      hasNextPage: page < numPages,
      hasPreviousPage: page > 1,
    });
    expect(parsed.usageEvents.length).toBeLessThanOrEqual(pageSize);
    all.push(...parsed.usageEvents);
    page++;
  } while (page <= numPages);
  return all;
}

function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('fake Cursor Admin API', () => {
  let fake: FakeCursorServer;
  const options: FakeCursorOptions = {
    now: () => NOW,
    nonEnterpriseKeys: [NON_ENTERPRISE_KEY],
    rateLimit: FAST,
    eventsRateLimit: FAST,
  };

  beforeAll(async () => {
    fake = await startFakeCursor(options);
  });
  afterAll(async () => fake.close());
  afterEach(() => fake.faults.clear());

  describe('auth and errors', () => {
    it('serves on 127.0.0.1 with a crsr_ demo key of 64 characters', async () => {
      expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(DEMO_CURSOR_KEY).toMatch(/^crsr_[A-Za-z0-9]{64}$/);
      expect((await call(fake, CURSOR_PATHS.members)).status).toBe(200);
    });

    it.each([
      ['no Authorization header', null, {}],
      ['an unknown key', OTHER_KEY, {}],
      ['the key as a Bearer token', null, { authorization: `Bearer ${DEMO_CURSOR_KEY}` }],
      ['a password after the key', null, { authorization: `Basic ${btoa(`${DEMO_CURSOR_KEY}:secret`)}` }],
    ])('answers 401 Invalid API key for %s', async (_, key, headers) => {
      const answer = await call(fake, CURSOR_PATHS.members, { key, headers });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(answer.body).toEqual({ error: 'Unauthorized', message: 'Invalid API key' });
    });

    it('answers 403 Enterprise access required for a key of a non-Enterprise team', async () => {
      const answer = await daily(fake, { startDate: start(TODAY), endDate: end(TODAY) }, NON_ENTERPRISE_KEY);
      expect(answer.status).toBe(403);
      expect(answer.body).toEqual({ error: 'Forbidden', message: 'Enterprise access required' });
    });

    it('answers 404 Resource not found for an unknown path or method', async () => {
      for (const [path, method] of [
        ['/teams/nothing-here', 'GET'],
        ['/v1/teams/members', 'GET'],
        [CURSOR_PATHS.dailyUsage, 'GET'],
      ] as const) {
        const answer = await call(fake, path, { method });
        expect(answer.status).toBe(404);
        expect(answer.body).toEqual({ error: 'Not Found', message: 'Resource not found' });
      }
    });

    it('answers 400 for a body that is not JSON', async () => {
      const answer = await call(fake, CURSOR_PATHS.dailyUsage, { body: '{"startDate": ' });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ error: 'Bad Request', message: expect.any(String) });
    });

    it('stops accepting a revoked key', async () => {
      const key = TEST_KEYS.cursorRevoked;
      const own = await startFakeCursor({ ...options, apiKeys: [DEMO_CURSOR_KEY, key] });
      try {
        expect((await call(own, CURSOR_PATHS.members, { key })).status).toBe(200);
        own.revokeKey(key);
        const answer = await call(own, CURSOR_PATHS.members, { key });
        expect(answer.status).toBe(401);
        expect(answer.body).toEqual({ error: 'Unauthorized', message: 'Invalid API key' });
        expect((await call(own, CURSOR_PATHS.members)).status).toBe(200);
      } finally {
        await own.close();
      }
    });

    it('records requests without ever keeping the key', async () => {
      await daily(fake, { startDate: start(TODAY), endDate: end(TODAY) }, NON_ENTERPRISE_KEY);
      const last = fake.requests.at(-1)!;
      expect(last).toEqual({
        method: 'POST',
        path: CURSOR_PATHS.dailyUsage,
        query: {},
        body: { startDate: start(TODAY), endDate: end(TODAY) },
        status: 403,
        at: expect.any(Number),
        authorized: true,
      });
      expect(Math.abs(last.at - Date.now())).toBeLessThan(60_000);
      const recorded = JSON.stringify(fake.requests);
      for (const key of [DEMO_CURSOR_KEY, NON_ENTERPRISE_KEY, OTHER_KEY]) {
        expect(recorded).not.toContain(key);
        expect(recorded).not.toContain(Buffer.from(`${key}:`).toString('base64'));
      }
    });
  });

  describe('members and audit logs', () => {
    it('lists the team with one owner and the removed member, as fake.members', async () => {
      const answer = await call(fake, CURSOR_PATHS.members);
      expect(answer.status).toBe(200);
      const members = (answer.body as { teamMembers: Record<string, unknown>[] }).teamMembers;
      expect(members).toHaveLength(10);
      for (const member of members) {
        expect(Object.keys(member).sort()).toEqual(['email', 'id', 'isRemoved', 'name', 'role']);
        expect(member.id).toMatch(/^user_[A-Za-z0-9]{22}$/);
        expect(member.email).toMatch(/^[a-z]+\.[a-z]+@demo-org\.example$/);
      }
      expect(members.filter((member) => member.role === 'owner')).toHaveLength(1);
      expect(members.filter((member) => member.isRemoved)).toHaveLength(1);
      expect(members).toEqual(fake.members);
      expect(new Set(members.map((member) => member.id)).size).toBe(10);
    });

    it('answers audit logs with params.teamId and epoch-ms dates', async () => {
      const answer = await call(fake, `${CURSOR_PATHS.auditLogs}?startTime=30d&endTime=now&pageSize=10`);
      expect(answer.status).toBe(200);
      const body = answer.body as {
        events: Record<string, unknown>[];
        pagination: Record<string, unknown>;
        params: Record<string, unknown>;
      };
      expect(body.params).toEqual({
        teamId: 12345,
        startDate: NOW.getTime() - 30 * DAY_MS,
        endDate: NOW.getTime(),
      });
      expect(body.pagination).toMatchObject({ page: 1, pageSize: 10, totalCount: expect.any(Number) });
      expect(body.pagination.totalCount as number).toBeGreaterThan(10);
      expect(body.events).toHaveLength(10);
      expect(body.events[0]).toEqual({
        event_id: expect.stringMatching(/^evt_/),
        timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/),
        ip_address: expect.any(String),
        user_email: expect.any(String),
        event_type: expect.any(String),
        event_data: expect.any(Object),
      });
      const late = fake.roster.find((entry) => entry.joinedDay > addDays(TODAY, -120))!;
      const from = addDays(late.joinedDay, -1);
      const removed = await call(
        fake,
        `${CURSOR_PATHS.auditLogs}?startTime=${from}&endTime=${addDays(from, 29)}`,
      );
      const types = (removed.body as { events: { event_type: string }[] }).events.map((e) => e.event_type);
      expect(types).toContain('remove_user');
      expect(types).toContain('add_user');
      expect((await call(fake, `${CURSOR_PATHS.auditLogs}?startTime=45d`)).status).toBe(400);
    });
  });

  describe('daily usage data', () => {
    it('refuses a range over 30 days and missing or non-numeric dates with 400', async () => {
      const tooLong = await daily(fake, { startDate: start('2026-05-15'), endDate: end(TODAY) });
      expect(tooLong.status).toBe(400);
      expect(tooLong.body).toEqual({ error: 'Bad Request', message: expect.stringMatching(/30 days/) });
      const thirtyDays = await daily(fake, { startDate: start('2026-05-17'), endDate: end(TODAY) });
      expect(thirtyDays.status).toBe(200);
      for (const body of [
        {},
        { startDate: start(TODAY) },
        { startDate: '2026-06-01', endDate: end(TODAY) },
        { startDate: String(start(TODAY)), endDate: end(TODAY) },
        { startDate: end(TODAY), endDate: start(TODAY) },
      ]) {
        const answer = await daily(fake, body);
        expect(answer.status).toBe(400);
        expect(answer.body).toEqual({ error: 'Bad Request', message: expect.any(String) });
      }
    });

    it('unpaged: only active rows, no pagination, the envelope echoing the period', async () => {
      const from = '2026-06-01';
      const to = '2026-06-14';
      const answer = await daily(fake, { startDate: start(from), endDate: end(to) });
      expect(answer.status).toBe(200);
      const body = answer.body as unknown as DailyBody;
      expect(Object.keys(body).sort()).toEqual(['data', 'period']);
      expect(body.period).toEqual({ startDate: start(from), endDate: end(to) });
      const expected = daysBetween(from, to).flatMap((day) => fake.usageRows(day).filter((r) => r.isActive));
      expect(body.data.length).toBeGreaterThan(20);
      expect(body.data).toEqual(expected);
      expect(body.data.every((row) => row.isActive)).toBe(true);
    });

    it('paged: every member of each day, idle days with zeros and nulls, paging by users', async () => {
      const from = '2026-05-16';
      const to = '2026-06-14';
      const { rows, usersPerPage, totalPages } = await walkDaily(fake, from, to, 3);
      const expected = daysBetween(from, to).flatMap((day) => fake.usageRows(day));
      const key = (row: CursorUsageRow) => `${row.day}|${row.email}`;
      expect(rows.map(key).sort()).toEqual(expected.map(key).sort());
      expect(new Set(rows.map(key)).size).toBe(rows.length);
      expect(totalPages).toBe(4);
      expect(usersPerPage).toEqual([3, 3, 3, 1]);

      const idle = rows.filter((row) => !row.isActive);
      expect(idle.length).toBeGreaterThan(20);
      expect(idle[0]).toMatchObject({
        totalLinesAdded: 0,
        totalApplies: 0,
        agentRequests: 0,
        subscriptionIncludedReqs: 0,
        mostUsedModel: null,
        applyMostUsedExtension: null,
        tabMostUsedExtension: null,
        clientVersion: null,
      });
      // Each user's rows sit on one page, for every day of the range they were a member.
      for (const entry of fake.roster) {
        const days = rows.filter((row) => row.userId === entry.userId).map((row) => row.day);
        const member = daysBetween(from, to).filter(
          (day) => day >= entry.joinedDay && (entry.removedDay === null || day < entry.removedDay),
        );
        expect(days.sort()).toEqual(member);
      }
    });

    it('drops removed members after their removal and late joiners before they joined', async () => {
      const removed = fake.roster.find((entry) => entry.removedDay !== null)!;
      const late = fake.roster.find((entry) => entry.joinedDay > addDays(TODAY, -120))!;
      expect(removed.member.isRemoved).toBe(true);
      expect(removed.removedDay! > addDays(TODAY, -120)).toBe(true);
      expect(late.member.isRemoved).toBe(false);
      const emails = (day: string) => fake.usageRows(day).map((row) => row.email);
      expect(emails(addDays(removed.removedDay!, -1))).toContain(removed.member.email);
      expect(emails(removed.removedDay!)).not.toContain(removed.member.email);
      expect(emails(addDays(late.joinedDay, -1))).not.toContain(late.member.email);
      expect(emails(late.joinedDay)).toContain(late.member.email);

      const before = await walkDaily(fake, addDays(late.joinedDay, -3), addDays(late.joinedDay, -1), 100);
      expect(before.rows.some((row) => row.email === late.member.email)).toBe(false);
      const after = await walkDaily(fake, removed.removedDay!, addDays(removed.removedDay!, 2), 100);
      expect(after.rows.some((row) => row.email === removed.member.email)).toBe(false);
    });

    it('has no rows at all for days older than the history window, in either mode', async () => {
      const old = addDays(TODAY, -121);
      expect(fake.usageRows(old)).toEqual([]);
      expect(fake.usageEvents(old)).toEqual([]);
      expect(fake.usageRows(addDays(TODAY, -120))).toHaveLength(9);
      for (const paging of [{}, { page: 1, pageSize: 50 }]) {
        const answer = await daily(fake, {
          startDate: start(addDays(old, -5)),
          endDate: end(old),
          ...paging,
        });
        expect(answer.status).toBe(200);
        expect((answer.body as unknown as DailyBody).data).toEqual([]);
      }
      const paged = await daily(fake, { startDate: start(old), endDate: end(old), page: 1, pageSize: 50 });
      expect((paged.body as unknown as DailyBody).pagination).toMatchObject({ totalUsers: 0 });
      expect(fake.usageRows(addDays(TODAY, 1))).toEqual([]);
    });

    it('serves rows with the documented fields and consistent, plausible figures', () => {
      const rows = daysBetween(addDays(TODAY, -119), addDays(TODAY, -1)).flatMap((day) =>
        fake.usageRows(day),
      );
      const active = rows.filter((row) => row.isActive);
      expect(Object.keys(rows[0]!)).toEqual([
        'userId',
        'day',
        'date',
        'email',
        'isActive',
        'totalLinesAdded',
        'totalLinesDeleted',
        'acceptedLinesAdded',
        'acceptedLinesDeleted',
        'totalApplies',
        'totalAccepts',
        'totalRejects',
        'totalTabsShown',
        'totalTabsAccepted',
        'composerRequests',
        'chatRequests',
        'agentRequests',
        'cmdkUsages',
        'subscriptionIncludedReqs',
        'apiKeyReqs',
        'usageBasedReqs',
        'bugbotUsages',
        'mostUsedModel',
        'applyMostUsedExtension',
        'tabMostUsedExtension',
        'clientVersion',
      ]);
      const models = new Set(MODELS.map((model) => model.id));
      for (const row of active) {
        expect(typeof row.userId).toBe('number');
        expect(row.date).toBe(start(row.day));
        expect(row.totalAccepts + row.totalRejects).toBeLessThanOrEqual(row.totalApplies);
        expect(row.totalTabsAccepted).toBeLessThanOrEqual(row.totalTabsShown);
        expect(row.acceptedLinesAdded).toBeLessThanOrEqual(row.totalLinesAdded);
        expect(row.acceptedLinesDeleted).toBeLessThanOrEqual(row.totalLinesDeleted);
        expect(models.has(row.mostUsedModel!)).toBe(true);
        expect(row.clientVersion).toMatch(/^\d+\.\d+\.\d+$/);
        expect(row.subscriptionIncludedReqs + row.usageBasedReqs + row.apiKeyReqs).toBe(
          row.agentRequests + row.chatRequests + row.composerRequests + row.cmdkUsages,
        );
      }
      const weekend = (row: CursorUsageRow) => [0, 6].includes(new Date(row.date).getUTCDay());
      const share = (test: (row: CursorUsageRow) => boolean) =>
        rows.filter((row) => test(row) && row.isActive).length / rows.filter(test).length;
      expect(share(weekend)).toBeLessThan(share((row) => !weekend(row)) / 2);
      expect(new Set(active.map((row) => row.mostUsedModel)).size).toBeGreaterThanOrEqual(4);
      expect(new Set(active.map((row) => row.applyMostUsedExtension)).size).toBeGreaterThanOrEqual(3);
      expect(new Set(active.map((row) => row.clientVersion)).size).toBeGreaterThanOrEqual(3);
    });

    it("serves today's row partially, up to the last full hour", () => {
      const cutoff = Date.parse('2026-06-15T12:00:00Z');
      const today = fake.usageEvents(TODAY);
      expect(today.every((event) => Number(event.timestamp) < cutoff)).toBe(true);
      for (const row of fake.usageRows(TODAY)) {
        const own = today.filter((event) => event.userEmail === row.email);
        expect(row.subscriptionIncludedReqs + row.usageBasedReqs).toBe(own.length);
        expect(row.isActive).toBe(own.length > 0);
      }
    });
  });

  describe('filtered usage events', () => {
    const DAY = '2026-06-10'; // a Wednesday

    it('serves events without ids, newest first, with string timestamps and fractional cents', async () => {
      const answer = await events(fake, { startDate: start(DAY), endDate: end(DAY) });
      expect(answer.status).toBe(200);
      const body = answer.body as unknown as EventsBody;
      expect(Object.keys(body).sort()).toEqual([
        'pagination',
        'period',
        'totalUsageEventsCount',
        'usageEvents',
      ]);
      expect(body.period).toEqual({ startDate: start(DAY), endDate: end(DAY) });
      expect(body.pagination.pageSize).toBe(100);
      const all = fake.usageEvents(DAY);
      expect(body.totalUsageEventsCount).toBe(all.length);
      expect(body.usageEvents).toEqual(all.slice(0, 100));
      const times = all.map((event) => Number(event.timestamp));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      for (const event of all) {
        expect(event.timestamp).toMatch(/^\d{13}$/);
        expect(event).not.toHaveProperty('id');
        expect(['Usage-based', 'Included in Business']).toContain(event.kind);
        expect(typeof event.chargedCents).toBe('number');
        if (event.tokenUsage) expect(event.isTokenBasedCall).toBe(true);
        if (event.kind === 'Included in Business') expect(event.isChargeable).toBe(false);
      }
      expect(all.some((event) => !Number.isInteger(event.chargedCents))).toBe(true);
      expect(all.some((event) => event.cursorTokenFee !== undefined)).toBe(true);
      expect(all.some((event) => event.tokenUsage === undefined)).toBe(true);
      expect(all.some((event) => event.kind === 'Usage-based')).toBe(true);
    });

    it('has events that differ only in timestamp, so a dedupe key needs the timestamp', () => {
      const days = daysBetween(addDays(TODAY, -30), addDays(TODAY, -1));
      const all = days.flatMap((day) => fake.usageEvents(day));
      const withoutTime = all.map(({ timestamp: _timestamp, ...rest }) => JSON.stringify(rest));
      expect(new Set(withoutTime).size).toBeLessThan(all.length);
      expect(new Set(all.map((event) => JSON.stringify(event))).size).toBe(all.length);
    });

    it('counts both bounds in, filters by email and pages up to 1000 per page', async () => {
      const all = fake.usageEvents(DAY);
      const pick = all[5]!;
      const at = Number(pick.timestamp);
      const exact = await events(fake, { startDate: at, endDate: at });
      expect((exact.body as unknown as EventsBody).usageEvents).toEqual([pick]);

      const walked = await walkEvents(fake, { startDate: start(DAY), endDate: end(DAY) }, 7);
      expect(walked).toEqual(all);
      const own = await walkEvents(
        fake,
        { startDate: start(DAY), endDate: end(DAY), email: pick.userEmail.toUpperCase() },
        1000,
      );
      expect(own).toEqual(all.filter((event) => event.userEmail === pick.userEmail));

      for (const pageSize of [1001, 0, 2.5]) {
        const refused = await events(fake, { startDate: start(DAY), endDate: end(DAY), pageSize });
        expect(refused.status).toBe(400);
        expect(refused.body).toEqual({ error: 'Bad Request', message: expect.any(String) });
      }
      expect(
        (await events(fake, { startDate: start(DAY), endDate: end(DAY), hostingType: 'MOON' })).status,
      ).toBe(400);
      expect((await events(fake, { endDate: end(DAY) })).status).toBe(400);
    });

    it('has events only on active user-days, matching the rows request counts', () => {
      for (const day of daysBetween(addDays(TODAY, -14), addDays(TODAY, -1))) {
        const dayEvents = fake.usageEvents(day);
        for (const row of fake.usageRows(day)) {
          const own = dayEvents.filter((event) => event.userEmail === row.email);
          expect(own.length).toBe(row.subscriptionIncludedReqs + row.usageBasedReqs + row.apiKeyReqs);
          expect(own.filter((event) => event.kind === 'Usage-based').length).toBe(row.usageBasedReqs);
          if (!row.isActive) expect(own).toEqual([]);
        }
      }
      expect(fake.usageEvents(addDays(TODAY, -200))).toEqual([]);
    });
  });

  describe('spend', () => {
    it('reports the current cycle per member, consistent with chargeable usage-based events', async () => {
      const answer = await call(fake, CURSOR_PATHS.spend, { body: {} });
      expect(answer.status).toBe(200);
      const body = answer.body as {
        teamMemberSpend: Record<string, unknown>[];
        subscriptionCycleStart: number;
        totalMembers: number;
        totalPages: number;
      };
      expect(body.subscriptionCycleStart).toBe(start('2026-06-01'));
      expect(body.totalMembers).toBe(9);
      expect(body.totalPages).toBe(1);
      const cycle = daysBetween('2026-06-01', TODAY).flatMap((day) => fake.usageEvents(day));
      for (const row of body.teamMemberSpend) {
        expect(Object.keys(row)).toEqual([
          'userId',
          'name',
          'email',
          'role',
          'spendCents',
          'overallSpendCents',
          'fastPremiumRequests',
          'hardLimitOverrideDollars',
          'monthlyLimitDollars',
          'effectivePerUserLimitDollars',
        ]);
        expect(row.userId).toMatch(/^user_/);
        const own = cycle.filter((event) => event.userEmail === row.email);
        const charged = own
          .filter((event) => event.kind === 'Usage-based' && event.isChargeable)
          .reduce((sum, event) => sum + event.chargedCents, 0);
        expect(row.spendCents).toBeCloseTo(charged, 4);
        expect(row.overallSpendCents as number).toBeGreaterThanOrEqual(row.spendCents as number);
      }
      expect(body.teamMemberSpend.some((row) => !Number.isInteger(row.spendCents))).toBe(true);
      expect(body.teamMemberSpend.map((row) => row.userId).sort()).toEqual(
        fake.members
          .filter((member) => !member.isRemoved)
          .map((member) => member.id)
          .sort(),
      );
    });
  });

  describe('faults', () => {
    it('answers queued status faults before auth and normal handling, then recovers', async () => {
      fake.faults.add({ status: 500, pathPrefix: CURSOR_PATHS.dailyUsage, times: 2 });
      expect(fake.faults.pending()).toBe(2);
      expect((await call(fake, CURSOR_PATHS.members)).status).toBe(200);
      const body = { startDate: start(TODAY), endDate: end(TODAY) };
      const failed = await daily(fake, body, OTHER_KEY);
      expect(failed.status).toBe(500);
      expect(failed.body).toEqual({ error: 'Internal Server Error', message: expect.any(String) });
      expect((await daily(fake, body)).status).toBe(500);
      expect((await daily(fake, body)).status).toBe(200);
      expect(fake.faults.pending()).toBe(0);
    });

    it('sends Retry-After on a 429 fault only when asked, and a custom body', async () => {
      fake.faults.add({ status: 429, retryAfterSeconds: 3 });
      const limited = await call(fake, CURSOR_PATHS.members);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('3');
      expect(limited.body).toEqual({
        error: 'Too Many Requests',
        message: 'Rate limit exceeded. Please try again later.',
      });
      fake.faults.add({ status: 503 });
      expect((await call(fake, CURSOR_PATHS.members)).headers.get('retry-after')).toBeNull();
      fake.faults.add({ status: 502, body: { error: 'upstream' } });
      const custom = await call(fake, CURSOR_PATHS.members);
      expect(custom).toMatchObject({ status: 502, body: { error: 'upstream' } });
    });

    it('damages an answer (malformed JSON, or JSON cut short) and answers 529 as an overloaded gateway', async () => {
      const text = async () =>
        (
          await fetch(`${fake.url}${CURSOR_PATHS.members}`, {
            headers: { authorization: basic(DEMO_CURSOR_KEY) },
          })
        ).text();
      fake.faults.add({ damage: 'malformed', pathPrefix: CURSOR_PATHS.members });
      fake.faults.add({ damage: 'truncated', pathPrefix: CURSOR_PATHS.members });
      const malformed = await text();
      const truncated = await text();
      const normal = await text();
      expect(() => JSON.parse(malformed)).toThrow(SyntaxError);
      expect(() => JSON.parse(truncated)).toThrow(SyntaxError);
      expect(normal.startsWith(truncated) && truncated.length < normal.length).toBe(true);
      fake.faults.add({ status: 529 });
      expect(await call(fake, CURSOR_PATHS.members)).toMatchObject({
        status: 529,
        body: { error: 'Overloaded' },
      });
    });

    it('delays a slow answer and then serves it normally', async () => {
      fake.faults.add({ delayMs: 150, pathPrefix: CURSOR_PATHS.members });
      expect((await call(fake, CURSOR_PATHS.members)).status).toBe(200);
      expect(fake.faults.pending()).toBe(0);
    });

    it('takes faults through POST /__fake/faults and refuses invalid ones', async () => {
      const added = await call(fake, '/__fake/faults', {
        key: null,
        body: { status: 503, pathPrefix: CURSOR_PATHS.spend, times: 'Infinity' },
      });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ pending: 'Infinity' });
      expect((await call(fake, CURSOR_PATHS.spend, { body: {} })).status).toBe(503);
      expect((await call(fake, CURSOR_PATHS.spend, { body: {} })).status).toBe(503);
      expect((await call(fake, '/__fake/faults', { key: null, method: 'DELETE' })).status).toBe(200);
      expect((await call(fake, CURSOR_PATHS.spend, { body: {} })).status).toBe(200);
      const invalid = await call(fake, '/__fake/faults', { key: null, body: { status: 418 } });
      expect(invalid.status).toBe(400);
      expect(() => fake.faults.add({ status: 200 as 500 })).toThrow(/status/);
      expect(fake.requests.some((request) => request.path.startsWith('/__fake/'))).toBe(false);
    });
  });

  describe('determinism', () => {
    it('gives the same data for the same seed and clock, other data for another seed', async () => {
      const twin = await startFakeCursor(options);
      const other = await startFakeCursor({ ...options, seed: 'other' });
      try {
        expect(twin.members).toEqual(fake.members);
        for (const day of ['2026-03-02', '2026-06-10', TODAY]) {
          expect(twin.usageRows(day)).toEqual(fake.usageRows(day));
          expect(twin.usageEvents(day)).toEqual(fake.usageEvents(day));
        }
        const body = { startDate: start('2026-06-01'), endDate: end('2026-06-14'), page: 1, pageSize: 5 };
        expect((await daily(twin, body)).body).toEqual((await daily(fake, body)).body);
        expect(other.members).not.toEqual(fake.members);
        expect(other.usageEvents('2026-06-10')).not.toEqual(fake.usageEvents('2026-06-10'));
      } finally {
        await Promise.all([twin.close(), other.close()]);
      }
    });
  });
});

describe('fake Cursor rate limits', () => {
  const WINDOW = 2_000;
  let fake: FakeCursorServer;

  afterEach(async () => fake?.close());

  it('refuses the 21st Admin request in the window with the documented 429 and no Retry-After', async () => {
    // A long window: nothing waits for it, and a slow machine cannot let the window pass mid-test.
    fake = await startFakeCursor({ now: () => NOW, rateLimit: { perWindow: 20, windowMs: 60_000 } });
    const paths = [CURSOR_PATHS.members, CURSOR_PATHS.spend, CURSOR_PATHS.dailyUsage];
    for (let i = 0; i < 20; i++) {
      const path = paths[i % paths.length]!;
      const body =
        path === CURSOR_PATHS.members ? undefined : { startDate: start(TODAY), endDate: end(TODAY) };
      expect((await call(fake, path, { body })).status).toBe(200);
    }
    const limited = await call(fake, `${CURSOR_PATHS.auditLogs}?startTime=7d`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeNull();
    expect(limited.body).toEqual({
      error: 'Too Many Requests',
      message: 'Rate limit exceeded. Please try again later.',
    });
    // The events endpoint has its own budget.
    expect((await events(fake, { startDate: start(TODAY), endDate: end(TODAY) })).status).toBe(200);
    expect(fake.requests.map((request) => request.status).slice(-3)).toEqual([200, 429, 200]);
  });

  it('does not count refused requests, and frees the window on real time', async () => {
    fake = await startFakeCursor({ now: () => NOW, rateLimit: { perWindow: 5, windowMs: WINDOW } });
    const first = Date.now();
    for (let i = 0; i < 5; i++) expect((await call(fake, CURSOR_PATHS.members)).status).toBe(200);
    const fifth = Date.now();
    // A refused request halfway through the window: if it counted, it would still hold a slot below.
    await sleep(first + WINDOW / 2 - Date.now());
    expect((await call(fake, CURSOR_PATHS.members)).status).toBe(429);
    // The first five have left the window, the refused one would not have yet.
    await sleep(fifth + WINDOW + 50 - Date.now());
    for (let i = 0; i < 5; i++) expect((await call(fake, CURSOR_PATHS.members)).status).toBe(200);
    expect(fake.requests.map((request) => request.status)).toEqual([
      200, 200, 200, 200, 200, 429, 200, 200, 200, 200, 200,
    ]);
    expect(fake.maxRequestsInWindow(WINDOW)).toBeGreaterThanOrEqual(6);
    expect(fake.maxRequestsInWindow(WINDOW, [CURSOR_PATHS.spend])).toBe(0);
  });

  it('limits filtered-usage-events separately and can send Retry-After', async () => {
    fake = await startFakeCursor({
      now: () => NOW,
      rateLimit: { perWindow: 3, windowMs: 60_000 },
      eventsRateLimit: { perWindow: 4, windowMs: 60_000 },
      sendRetryAfter: true,
    });
    const body = { startDate: start(TODAY), endDate: end(TODAY) };
    for (let i = 0; i < 4; i++) expect((await events(fake, body)).status).toBe(200);
    const limited = await events(fake, body);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    for (let i = 0; i < 3; i++) expect((await call(fake, CURSOR_PATHS.members)).status).toBe(200);
    expect((await call(fake, CURSOR_PATHS.members)).status).toBe(429);
    expect(fake.maxRequestsInWindow(60_000, [CURSOR_PATHS.usageEvents])).toBe(5);
    expect(fake.maxRequestsInWindow(60_000, [CURSOR_PATHS.members])).toBe(4);
    expect(fake.maxRequestsInWindow(60_000)).toBe(9);
  });

  it('computes the most requests in any rolling window from the records', async () => {
    fake = await startFakeCursor({ now: () => NOW });
    const record = (at: number, path: string = CURSOR_PATHS.members) =>
      fake.requests.push({
        method: 'GET',
        path,
        query: {},
        body: undefined,
        status: 200,
        at,
        authorized: true,
      });
    for (const at of [0, 100, 200, 1000, 1050, 1100, 1150]) record(1_000_000 + at);
    record(1_000_000 + 1120, CURSOR_PATHS.spend);
    // [200, 1200) holds 200, 1000, 1050, 1100, 1120 and 1150.
    expect(fake.maxRequestsInWindow(1000)).toBe(6);
    expect(fake.maxRequestsInWindow(1000, [CURSOR_PATHS.members])).toBe(5);
    expect(fake.maxRequestsInWindow(100, [CURSOR_PATHS.members])).toBe(2);
    expect(fake.maxRequestsInWindow(1, [CURSOR_PATHS.members])).toBe(1);
    expect(fake.maxRequestsInWindow(10_000)).toBe(8);
    expect(fake.maxRequestsInWindow(1000, [CURSOR_PATHS.auditLogs])).toBe(0);
  });
});

describe('fake Cursor demo', () => {
  it('starts the demo team with the demo key', async () => {
    const started = await demo.start();
    try {
      expect(started.apiKey).toBe(DEMO_CURSOR_KEY);
      const response = await fetch(`${started.url}${CURSOR_PATHS.members}`, {
        headers: { authorization: basic(started.apiKey) },
      });
      const body = (await response.json()) as { teamMembers: { isRemoved: boolean }[] };
      expect(body.teamMembers).toHaveLength(10);
      expect(body.teamMembers.filter((member) => member.isRemoved)).toHaveLength(1);
      expect(started.label).toMatch(/Cursor/);
    } finally {
      await started.close();
    }
  });
});
