import { addDays, daysBetween } from '../../functions/domain/dates';
import { CredentialsRejectedError } from '../../functions/domain/errors';
import { cursorProvider } from '../../functions/providers/cursor';
import type { ProviderContext } from '../../functions/providers/types';
import {
  CURSOR_PATHS,
  DEMO_CURSOR_KEY,
  startFakeCursor,
  type FakeCursorServer,
} from '../../local/fakes/cursor';
import { TEST_KEYS } from '../helpers/provider-keys';

/** The Cursor provider against the fake Cursor Admin API over real HTTP, one behaviour at a time (no pacer). */
const NOW = new Date('2026-07-10T12:00:00Z');
const TODAY = '2026-07-10';
const credentials = { apiKey: DEMO_CURSOR_KEY, options: {} as Record<string, never>, teamId: 'team-1' };

describe('Cursor provider against the fake Cursor Admin API', () => {
  let fake: FakeCursorServer;
  let ctx: ProviderContext;
  const sleeps: number[] = [];

  beforeAll(async () => {
    fake = await startFakeCursor({ now: () => NOW, developers: 8, historyDays: 50, seed: 'provider' });
    ctx = {
      baseUrl: fake.url,
      fetch: globalThis.fetch.bind(globalThis),
      sleep: async (ms) => void sleeps.push(ms),
      now: () => NOW,
      userAgent: 'test',
    };
  });
  afterAll(async () => fake?.close());
  afterEach(() => {
    fake.faults.clear();
    sleeps.length = 0;
  });
  const sent = (from: number) => fake.requests.slice(from);

  it('identifies the team by the id its audit log reports', async () => {
    expect(await cursorProvider.verifyCredentials(credentials, ctx)).toEqual({
      id: `team:${fake.teamId}`,
      name: `Cursor team ${fake.teamId}`,
    });
  });

  it('falls back to the owner’s member id where the audit log is refused', async () => {
    fake.faults.add({ status: 404, pathPrefix: CURSOR_PATHS.auditLogs });
    const owner = fake.members.find((member) => member.role === 'owner');
    expect(await cursorProvider.verifyCredentials(credentials, ctx)).toEqual({
      id: `owner:${owner?.id}`,
      name: 'Cursor team',
    });
  });

  it('refuses a refused key and a non-Enterprise team with words a person can act on', async () => {
    await expect(
      cursorProvider.verifyCredentials({ ...credentials, apiKey: TEST_KEYS.cursorUnknown }, ctx),
    ).rejects.toThrow(CredentialsRejectedError);
    fake.faults.add({
      status: 403,
      pathPrefix: CURSOR_PATHS.members,
      body: { error: 'Forbidden', message: 'Enterprise access required' },
    });
    await expect(cursorProvider.verifyCredentials(credentials, ctx)).rejects.toThrow(/Enterprise team/);
  });

  it('asks for 45 days in two ranges of at most 30, in paged mode, with events per range', async () => {
    const days = daysBetween(addDays(TODAY, -45), addDays(TODAY, -1));
    const from = fake.requests.length;
    const result = await cursorProvider.fetchDays(credentials, days, ctx);
    const usage = sent(from).filter((r) => r.path === CURSOR_PATHS.dailyUsage);
    expect(usage).toHaveLength(2);
    for (const call of usage) {
      const body = call.body as { startDate: number; endDate: number; page: number; pageSize: number };
      expect(body).toMatchObject({ page: 1, pageSize: 500 });
      expect(body.endDate - body.startDate + 1).toBeLessThanOrEqual(30 * 86_400_000);
    }
    expect(result.requests).toBe(sent(from).length);
    expect([...result.days.keys()].sort()).toEqual(days);
    for (const day of days) {
      const answer = result.days.get(day);
      expect(answer?.kind).toBe('ok');
      // Every member with a membership that day is kept (idle ones too), and every event of the day.
      const raw = (answer as { raw: { rows: unknown[]; events: unknown[] } }).raw;
      expect(raw.rows).toHaveLength(fake.usageRows(day).length);
      expect(raw.events).toHaveLength(fake.usageEvents(day).length);
    }
  });

  it('answers not_available for days outside Cursor’s history and not_ready for today', async () => {
    const old = addDays(TODAY, -60);
    const result = await cursorProvider.fetchDays(credentials, [old, TODAY], ctx);
    expect(result.days.get(old)).toMatchObject({ kind: 'not_available', scope: 'day' });
    expect(result.days.get(TODAY)).toMatchObject({ kind: 'not_ready' });
  });

  it('waits out a 429 (Retry-After when sent, else backoff from one second) and carries on', async () => {
    fake.faults.add({ status: 429, pathPrefix: CURSOR_PATHS.dailyUsage, retryAfterSeconds: 3 });
    fake.faults.add({ status: 429, pathPrefix: CURSOR_PATHS.usageEvents });
    const result = await cursorProvider.fetchDays(credentials, [addDays(TODAY, -2)], ctx);
    expect(result.days.get(addDays(TODAY, -2))?.kind).toBe('ok');
    expect(sleeps[0]).toBeGreaterThanOrEqual(3000);
    expect(sleeps[1]).toBeLessThanOrEqual(1000);
  });

  it('hands a wait longer than a minute back as a rate limit', async () => {
    fake.faults.add({ status: 429, pathPrefix: CURSOR_PATHS.dailyUsage, retryAfterSeconds: 120 });
    await expect(cursorProvider.fetchDays(credentials, [addDays(TODAY, -2)], ctx)).rejects.toMatchObject({
      kind: 'rate_limited',
      retryAfterSeconds: 120,
    });
    // Nothing was waited for in the function: the queue will bring the job back later.
    expect(sleeps).toEqual([]);
  });

  it('lists members not removed as seats, last active within 30 days, with cycle spend', async () => {
    const result = await cursorProvider.fetchSeats(credentials, ctx);
    expect(result.kind).toBe('ok');
    const seats = (result as { seats: { developer: { email?: string }; cycle_spend_cents?: number }[] })
      .seats;
    expect(seats).toHaveLength(fake.members.filter((member) => !member.isRemoved).length);
    expect(seats.every((seat) => typeof seat.cycle_spend_cents === 'number')).toBe(true);
  });

  it('never sends the key anywhere but the Authorization header', () => {
    expect(JSON.stringify(fake.requests)).not.toContain(DEMO_CURSOR_KEY);
  });
});
