import {
  DEMO_ANTHROPIC_ADMIN_KEY,
  generateClaudeCodeRecords,
  startFakeAnthropic,
  type ClaudeCodeRecord,
  type FakeAnthropicServer,
} from '../../../local/fakes/claude-code';
import { TEST_KEYS } from '../../helpers/provider-keys';

/**
 * The fake Anthropic Admin API over real HTTP: it must behave like the documented API (paths,
 * headers, cursor pages, error envelope), inject faults on demand and generate deterministic data.
 */
const NOW = new Date('2026-06-15T12:00:00Z'); // a Monday
const TODAY = '2026-06-15';
const BUSY_DAY = '2026-06-10'; // a Wednesday inside the history window
const FORBIDDEN_KEY = TEST_KEYS.anthropicScoped;
const CLAUDE_CODE = '/v1/organizations/usage_report/claude_code';

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  ms: number;
}

interface ErrorBody {
  type: string;
  error: { type: string; message: string };
  request_id: string;
}

interface PageBody {
  data: ClaudeCodeRecord[];
  has_more: boolean;
  next_page: string | null;
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function actorKey(record: ClaudeCodeRecord): string {
  return record.actor.type === 'user_actor' ? record.actor.email_address : record.actor.api_key_name;
}

async function call(
  fake: FakeAnthropicServer,
  path: string,
  options: { headers?: Record<string, string>; method?: string; body?: unknown } = {},
): Promise<Answer> {
  const headers = {
    'x-api-key': DEMO_ANTHROPIC_ADMIN_KEY,
    'anthropic-version': '2023-06-01',
    ...options.headers,
  };
  const started = performance.now();
  const response = await fetch(`${fake.url}${path}`, {
    method: options.method ?? 'GET',
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    ms: performance.now() - started,
  };
}

function report(fake: FakeAnthropicServer, query: Record<string, string>, headers?: Record<string, string>) {
  return call(fake, `${CLAUDE_CODE}?${new URLSearchParams(query).toString()}`, { headers });
}

/** The documented error envelope, as JSON with a request-id header matching the body. */
function expectError(answer: Answer, status: number, type: string): ErrorBody {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  const body = answer.body as unknown as ErrorBody;
  expect(body).toEqual({
    type: 'error',
    error: { type, message: expect.any(String) },
    request_id: expect.stringMatching(/^req_/),
  });
  expect(answer.headers.get('request-id')).toBe(body.request_id);
  return body;
}

/** Every record of a day through the HTTP API, following next_page until has_more is false. */
async function walkDay(fake: FakeAnthropicServer, day: string, limit: number) {
  const records: ClaudeCodeRecord[] = [];
  let page: string | undefined;
  let pages = 0;
  do {
    const query: Record<string, string> = { starting_at: day, limit: String(limit) };
    if (page !== undefined) query.page = page;
    const answer = await report(fake, query);
    expect(answer.status).toBe(200);
    const body = answer.body as unknown as PageBody;
    expect(body.data.length).toBeLessThanOrEqual(limit);
    expect(body.has_more).toBe(body.next_page !== null);
    records.push(...body.data);
    page = body.next_page ?? undefined;
    pages++;
  } while (page !== undefined);
  return { records, pages };
}

describe('fake Anthropic Admin API', () => {
  let fake: FakeAnthropicServer;

  beforeAll(async () => {
    fake = await startFakeAnthropic({ now: () => NOW, forbiddenKeys: [FORBIDDEN_KEY] });
  });
  afterAll(async () => fake.close());
  afterEach(() => fake.faults.clear());

  describe('organization and headers', () => {
    it('answers /v1/organizations/me with the organization on 127.0.0.1', async () => {
      expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const answer = await call(fake, '/v1/organizations/me');
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ id: fake.organization.id, type: 'organization', name: 'Demo Org' });
      expect(answer.headers.get('request-id')).toMatch(/^req_/);
    });

    it('accepts the key as a Bearer token too', async () => {
      const answer = await call(fake, '/v1/organizations/me', {
        headers: { 'x-api-key': '', authorization: `Bearer ${DEMO_ANTHROPIC_ADMIN_KEY}` },
      });
      expect(answer.status).toBe(200);
    });

    it('publishes a demo key of the Admin key shape', () => {
      expect(DEMO_ANTHROPIC_ADMIN_KEY).toMatch(/^sk-ant-admin01-[A-Za-z0-9_-]{80,}AA$/);
    });

    it('refuses a request without anthropic-version (400)', async () => {
      const answer = await call(fake, '/v1/organizations/me', { headers: { 'anthropic-version': '' } });
      expectError(answer, 400, 'invalid_request_error');
    });

    it('refuses an unknown key (401 invalid x-api-key)', async () => {
      const answer = await call(fake, '/v1/organizations/me', {
        headers: { 'x-api-key': TEST_KEYS.anthropicUnknownShort },
      });
      expect(expectError(answer, 401, 'authentication_error').error.message).toBe('invalid x-api-key');
    });

    it('refuses a key of the wrong type (403 permission_error)', async () => {
      const answer = await report(fake, { starting_at: BUSY_DAY }, { 'x-api-key': FORBIDDEN_KEY });
      expectError(answer, 403, 'permission_error');
    });

    it('refuses a revoked key from then on (401)', async () => {
      const key = TEST_KEYS.anthropicRevoked;
      const other = await startFakeAnthropic({ now: () => NOW, adminKeys: [key] });
      try {
        expect((await call(other, '/v1/organizations/me', { headers: { 'x-api-key': key } })).status).toBe(
          200,
        );
        other.revokeKey(key);
        const answer = await call(other, '/v1/organizations/me', { headers: { 'x-api-key': key } });
        expectError(answer, 401, 'authentication_error');
      } finally {
        await other.close();
      }
    });

    it('answers unknown paths with 404 and other methods with 405, in the envelope', async () => {
      expectError(await call(fake, '/v1/organizations/nothing'), 404, 'not_found_error');
      expectError(await call(fake, '/'), 404, 'not_found_error');
      const post = await call(fake, '/v1/organizations/me', { method: 'POST', body: {} });
      expectError(post, 405, 'invalid_request_error');
    });

    it('records every API request with its status and never the key', async () => {
      const before = fake.requests.length;
      await report(fake, { starting_at: BUSY_DAY, limit: '2' });
      await call(fake, '/v1/organizations/me', { headers: { 'x-api-key': 'wrong' } });
      expect(fake.requests.slice(before)).toEqual([
        {
          method: 'GET',
          path: CLAUDE_CODE,
          query: { starting_at: BUSY_DAY, limit: '2' },
          status: 200,
          at: NOW,
        },
        { method: 'GET', path: '/v1/organizations/me', query: {}, status: 401, at: NOW },
      ]);
      expect(JSON.stringify(fake.requests)).not.toContain(DEMO_ANTHROPIC_ADMIN_KEY);
    });
  });

  describe('Claude Code usage report', () => {
    it('walks all pages with limit=3 and gets exactly recordsFor(day), no duplicates or gaps', async () => {
      const expected = fake.recordsFor(BUSY_DAY);
      expect(expected.length).toBeGreaterThan(6);
      const { records, pages } = await walkDay(fake, BUSY_DAY, 3);
      expect(pages).toBe(Math.ceil(expected.length / 3));
      expect(records).toEqual(expected);
      const keys = records.map((record) => `${actorKey(record)}|${record.terminal_type}`);
      expect(new Set(keys).size).toBe(records.length);
    });

    it('uses default limit 20 and accepts an RFC 3339 starting_at', async () => {
      const answer = await report(fake, { starting_at: `${BUSY_DAY}T00:00:00Z` });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ data: fake.recordsFor(BUSY_DAY), has_more: false, next_page: null });
    });

    it('serves records of the documented shape with plausible figures', () => {
      const records = fake.recordsFor(BUSY_DAY);
      for (const record of records) {
        expect(record.date).toBe(`${BUSY_DAY}T00:00:00Z`);
        expect(record).toMatchObject({
          organization_id: fake.organization.id,
          customer_type: 'api',
          subscription_type: null,
        });
        expect(['vscode', 'iTerm.app', 'tmux', 'cursor', 'ghostty', 'jetbrains']).toContain(
          record.terminal_type,
        );
        const core = record.core_metrics;
        expect(core.num_sessions).toBeGreaterThanOrEqual(1);
        expect(core.num_sessions).toBeLessThanOrEqual(10);
        expect(core.lines_of_code.added).toBeGreaterThanOrEqual(20);
        expect(core.lines_of_code.added).toBeLessThanOrEqual(2500);
        expect(core.lines_of_code.removed).toBeLessThanOrEqual(core.lines_of_code.added * 0.4 + 1);
        expect(core.pull_requests_by_claude_code).toBeLessThanOrEqual(core.commits_by_claude_code);
        expect(core.commits_by_claude_code).toBeLessThanOrEqual(6);
        for (const [tool, actions] of Object.entries(record.tool_actions)) {
          expect(['edit_tool', 'multi_edit_tool', 'write_tool', 'notebook_edit_tool']).toContain(tool);
          expect(actions.accepted).toBeGreaterThan(actions.rejected);
        }
        expect(record.model_breakdown.length).toBeGreaterThanOrEqual(1);
        expect(record.model_breakdown.length).toBeLessThanOrEqual(3);
        for (const model of record.model_breakdown) {
          expect(model.model).toMatch(/^claude-(sonnet|opus|haiku)-/);
          expect(Number.isInteger(model.estimated_cost.amount)).toBe(true);
          expect(model.estimated_cost.currency).toBe('USD');
        }
      }
    });

    it('rejects a limit outside 1..1000 or not an integer (400)', async () => {
      for (const limit of ['0', '1001', '2.5', 'ten', '-1']) {
        const answer = await report(fake, { starting_at: BUSY_DAY, limit });
        expectError(answer, 400, 'invalid_request_error');
      }
      expect((await report(fake, { starting_at: BUSY_DAY, limit: '1000' })).status).toBe(200);
    });

    it('rejects a missing or malformed starting_at (400)', async () => {
      expectError(await report(fake, {}), 400, 'invalid_request_error');
      for (const startingAt of ['2026-02-30', '10/06/2026', 'yesterday']) {
        expectError(await report(fake, { starting_at: startingAt }), 400, 'invalid_request_error');
      }
    });

    it('rejects a cursor that does not decode (400 invalid page cursor)', async () => {
      for (const page of ['garbage', 'page_!!!', `page_${Buffer.from('{"day":1}').toString('base64url')}`]) {
        const answer = await report(fake, { starting_at: BUSY_DAY, page });
        expect(expectError(answer, 400, 'invalid_request_error').error.message).toMatch(
          /invalid page cursor/,
        );
      }
    });

    it('rejects a cursor issued for another day (400)', async () => {
      const first = await report(fake, { starting_at: BUSY_DAY, limit: '2' });
      const cursor = (first.body as unknown as PageBody).next_page;
      expect(cursor).toMatch(/^page_/);
      const answer = await report(fake, { starting_at: addDays(BUSY_DAY, -1), page: String(cursor) });
      expectError(answer, 400, 'invalid_request_error');
    });

    it('answers the empty shape for a day before the history window, today and the future', async () => {
      for (const day of [addDays(TODAY, -121), TODAY, addDays(TODAY, 3)]) {
        const answer = await report(fake, { starting_at: day });
        expect(answer.status).toBe(200);
        expect(answer.body).toEqual({ data: [], has_more: false, next_page: null });
        expect(fake.recordsFor(day)).toEqual([]);
      }
      // Both edges of the window have data, exactly as the generator makes it.
      for (const day of [addDays(TODAY, -120), addDays(TODAY, -1)]) {
        const options = { ...generatorOptions('demo'), organizationId: fake.organization.id };
        expect(fake.recordsFor(day)).toEqual(generateClaudeCodeRecords(day, options));
      }
    });
  });

  describe('faults', () => {
    it('429 with retry-after, then the normal answer', async () => {
      fake.faults.add({ status: 429, retryAfterSeconds: 7 });
      expect(fake.faults.pending()).toBe(1);
      const limited = await report(fake, { starting_at: BUSY_DAY });
      expectError(limited, 429, 'rate_limit_error');
      expect(limited.headers.get('retry-after')).toBe('7');
      expect(fake.requests.at(-1)?.status).toBe(429);
      expect((await report(fake, { starting_at: BUSY_DAY })).status).toBe(200);
      expect(fake.faults.pending()).toBe(0);
    });

    it('429 without retryAfterSeconds says retry-after: 1', async () => {
      fake.faults.add({ status: 429 });
      expect((await call(fake, '/v1/organizations/me')).headers.get('retry-after')).toBe('1');
    });

    it('529 overloaded_error and 500 api_error, in the order queued', async () => {
      fake.faults.add({ status: 529 });
      fake.faults.add({ status: 500 });
      expectError(await call(fake, '/v1/organizations/me'), 529, 'overloaded_error');
      expectError(await call(fake, '/v1/organizations/me'), 500, 'api_error');
      expect((await call(fake, '/v1/organizations/me')).status).toBe(200);
    });

    it('401, 403 and 400 faults use their error types', async () => {
      fake.faults.add({ status: 401 });
      fake.faults.add({ status: 403 });
      fake.faults.add({ status: 400 });
      expectError(await call(fake, '/v1/organizations/me'), 401, 'authentication_error');
      expectError(await call(fake, '/v1/organizations/me'), 403, 'permission_error');
      expectError(await call(fake, '/v1/organizations/me'), 400, 'invalid_request_error');
    });

    it('times: 2 applies to exactly two requests', async () => {
      fake.faults.add({ status: 500, times: 2 });
      expect(fake.faults.pending()).toBe(2);
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await call(fake, '/v1/organizations/me')).status);
      expect(statuses).toEqual([500, 500, 200]);
    });

    it('a path- and date-scoped fault hits only matching requests', async () => {
      const day = addDays(BUSY_DAY, -1);
      fake.faults.add({
        status: 500,
        times: Infinity,
        date: day,
        pathPrefix: '/v1/organizations/usage_report',
      });
      expect((await call(fake, '/v1/organizations/me')).status).toBe(200);
      expect((await report(fake, { starting_at: BUSY_DAY })).status).toBe(200);
      expectError(await report(fake, { starting_at: day }), 500, 'api_error');
      expectError(await report(fake, { starting_at: `${day}T00:00:00Z` }), 500, 'api_error');
      expect(fake.faults.pending()).toBe(Infinity);
      fake.faults.clear();
      expect((await report(fake, { starting_at: day })).status).toBe(200);
    });

    it('a slow answer: delay alone, then the normal answer', async () => {
      fake.faults.add({ delayMs: 200 });
      const slow = await call(fake, '/v1/organizations/me');
      expect(slow.status).toBe(200);
      expect(slow.ms).toBeGreaterThanOrEqual(150);
    });

    it('a slow error: delay combined with a status', async () => {
      fake.faults.add({ delayMs: 200, status: 529 });
      const slow = await call(fake, '/v1/organizations/me');
      expectError(slow, 529, 'overloaded_error');
      expect(slow.ms).toBeGreaterThanOrEqual(150);
    });

    it('429 with retryAfterSeconds null sends no retry-after', async () => {
      fake.faults.add({ status: 429, retryAfterSeconds: null });
      const limited = await call(fake, '/v1/organizations/me');
      expectError(limited, 429, 'rate_limit_error');
      expect(limited.headers.get('retry-after')).toBeNull();
    });

    it('a damaged answer: malformed JSON, then JSON cut short, then the normal answer', async () => {
      const text = async () =>
        (
          await fetch(`${fake.url}/v1/organizations/me`, {
            headers: { 'x-api-key': DEMO_ANTHROPIC_ADMIN_KEY, 'anthropic-version': '2023-06-01' },
          })
        ).text();
      fake.faults.add({ damage: 'malformed' });
      fake.faults.add({ damage: 'truncated' });
      const malformed = await text();
      const truncated = await text();
      const normal = await text();
      expect(() => JSON.parse(malformed)).toThrow(SyntaxError);
      expect(() => JSON.parse(truncated)).toThrow(SyntaxError);
      expect(normal.startsWith(truncated) && truncated.length < normal.length).toBe(true);
      expect(JSON.parse(normal)).toMatchObject({ type: 'organization' });
      expect(() => fake.faults.add({ damage: 'gzip' as 'malformed' })).toThrow(/damage/);
    });

    it('refuses an invalid fault', () => {
      expect(() => fake.faults.add({ times: 1 })).toThrow(/Invalid fault/);
      expect(() => fake.faults.add({ status: 418 as 400 })).toThrow(/status/);
      expect(fake.faults.pending()).toBe(0);
    });

    it('control endpoints: health, POST adds a fault, DELETE clears', async () => {
      expect((await call(fake, '/__fake/health')).status).toBe(200);
      const added = await call(fake, '/__fake/faults', {
        method: 'POST',
        body: { status: 529, times: 'Infinity', pathPrefix: '/v1/organizations/me' },
      });
      expect(added.status).toBe(201);
      expect(added.body.pending).toBe('Infinity');
      expectError(await call(fake, '/v1/organizations/me'), 529, 'overloaded_error');
      expect((await report(fake, { starting_at: BUSY_DAY })).status).toBe(200);
      expect((await call(fake, '/__fake/faults', { method: 'DELETE' })).status).toBe(200);
      expect((await call(fake, '/v1/organizations/me')).status).toBe(200);
      const invalid = await call(fake, '/__fake/faults', { method: 'POST', body: { status: 302 } });
      expectError(invalid, 400, 'invalid_request_error');
    });
  });
});

function generatorOptions(seed: string, splitRecordRate = 0.1) {
  return {
    developers: 12,
    apiKeyActors: 1,
    seed,
    splitRecordRate,
    organizationId: '00000000-0000-4000-8000-000000000000',
  };
}

describe('fake Anthropic data', () => {
  it('same seed, same records; another seed, other records', async () => {
    const [a, b, c] = await Promise.all([
      startFakeAnthropic({ now: () => NOW, seed: 'alpha' }),
      startFakeAnthropic({ now: () => NOW, seed: 'alpha' }),
      startFakeAnthropic({ now: () => NOW, seed: 'beta' }),
    ]);
    try {
      const fromA = (await walkDay(a!, BUSY_DAY, 5)).records;
      expect(fromA.length).toBeGreaterThan(0);
      expect((await walkDay(b!, BUSY_DAY, 1000)).records).toEqual(fromA);
      expect((await walkDay(c!, BUSY_DAY, 1000)).records).not.toEqual(fromA);
    } finally {
      await Promise.all([a, b, c].map((server) => server?.close()));
    }
  });

  it('an actor-day does not depend on which other days or how many actors were asked for', () => {
    const alone = generateClaudeCodeRecords(BUSY_DAY, { ...generatorOptions('demo'), developers: 3 });
    generateClaudeCodeRecords(addDays(BUSY_DAY, -1), generatorOptions('demo'));
    const all = generateClaudeCodeRecords(BUSY_DAY, { ...generatorOptions('demo'), developers: 40 });
    for (const record of alone) expect(all).toContainEqual(record);
  });

  it('weekends are much quieter than weekdays over 8 weeks', () => {
    let weekday = { active: 0, slots: 0 };
    let weekend = { active: 0, slots: 0 };
    for (let offset = 1; offset <= 56; offset++) {
      const day = addDays(TODAY, -offset);
      const records = generateClaudeCodeRecords(day, { ...generatorOptions('demo'), apiKeyActors: 0 });
      const active = new Set(records.map(actorKey)).size;
      const isWeekend = [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay());
      const bucket = isWeekend ? weekend : weekday;
      const next = { active: bucket.active + active, slots: bucket.slots + 12 };
      if (isWeekend) weekend = next;
      else weekday = next;
    }
    const weekdayShare = weekday.active / weekday.slots;
    const weekendShare = weekend.active / weekend.slots;
    expect(weekdayShare).toBeGreaterThan(0.6);
    expect(weekdayShare).toBeLessThan(0.9);
    expect(weekendShare).toBeLessThan(0.25);
    expect(weekendShare).toBeLessThan(weekdayShare / 3);
  });

  it('gives 250 developers 250 distinct plausible emails', () => {
    const emails = new Set<string>();
    for (let offset = 1; offset <= 14; offset++) {
      const options = { ...generatorOptions('demo'), developers: 250, apiKeyActors: 0 };
      for (const record of generateClaudeCodeRecords(addDays(BUSY_DAY, -offset), options)) {
        emails.add(actorKey(record));
      }
    }
    expect(emails.size).toBe(250);
    for (const email of emails) expect(email).toMatch(/^[a-z]+\.[a-z]+\d*@demo-org\.example$/);
  });

  it('names API actors like ci-bot', () => {
    const names = new Set<string>();
    for (let offset = 1; offset <= 10; offset++) {
      const options = { ...generatorOptions('demo'), developers: 0, apiKeyActors: 2 };
      for (const record of generateClaudeCodeRecords(addDays(BUSY_DAY, -offset), options)) {
        expect(record.actor.type).toBe('api_actor');
        names.add(actorKey(record));
      }
    }
    expect([...names].sort()).toEqual(['ci-bot', 'release-bot']);
  });

  it('splitRecordRate: 1 reports every active actor-day as two records on different terminals', () => {
    const single = generateClaudeCodeRecords(BUSY_DAY, generatorOptions('demo', 0));
    const split = generateClaudeCodeRecords(BUSY_DAY, generatorOptions('demo', 1));
    expect(new Set(single.map(actorKey)).size).toBe(single.length);
    expect(split).toHaveLength(single.length * 2);
    for (const record of single) {
      const pair = split.filter((other) => actorKey(other) === actorKey(record));
      expect(pair).toContainEqual(record);
      expect(new Set(pair.map((other) => other.terminal_type)).size).toBe(2);
    }
  });

  it('serves records sorted by actor then terminal_type', () => {
    const records = generateClaudeCodeRecords(BUSY_DAY, generatorOptions('demo', 1));
    const keys = records.map((r) => `${r.actor.type}:${actorKey(r)}|${r.terminal_type}`);
    expect(keys).toEqual([...keys].sort());
  });
});

describe('fake Anthropic lifecycle', () => {
  it('close() really closes, even with a keep-alive connection and a pending slow answer', async () => {
    const fake = await startFakeAnthropic({ now: () => NOW });
    expect((await call(fake, '/v1/organizations/me')).status).toBe(200);
    fake.faults.add({ delayMs: 60_000 });
    // fetch rejects with a TypeError from another realm under jest, so compare outcomes, not classes.
    const pending = call(fake, '/v1/organizations/me').then(
      () => 'answered',
      () => 'connection closed',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await fake.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await pending).toBe('connection closed');
    await expect(fetch(`${fake.url}/__fake/health`)).rejects.toThrow();
  });
});
