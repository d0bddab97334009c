import fc from 'fast-check';
import { SORT_FIELDS } from '../../functions/domain/people';
import { httpRoutes } from '../../functions/routes';
import { DEMO_ANTHROPIC_ADMIN_KEY } from '../../local/fakes/claude-code';
import { startPipeline, type TestPipeline } from '../helpers/pipeline';
import { TEST_KEYS } from '../helpers/provider-keys';

/**
 * Generated bad input (fast-check) for every endpoint through the local gateway: wrong types, missing and extra
 * fields, unknown providers, bad dates and `days`, huge and deeply nested bodies, invalid JSON, wrong content
 * types, odd ids and encodings — CASES per endpoint. Every answer is a 4xx problem+json that does not repeat what
 * was sent, nothing is written, and no answer is a 5xx. Prints its counts.
 */
const NOW = '2026-06-15T12:00:00Z';
const TEAM = 'team-abuse';
const CASES = 1_000;
/** One seed, so that a run can be repeated; FC_SEED=<n> explores others (a failure prints its seed and path). */
const SEED = Number(process.env.FC_SEED ?? 20_261_130);
/** Sent in some fields of each case: an answer that contains it echoed a submitted value. */
const MARKER = TEST_KEYS.echoMarker;

type Case = {
  path: string;
  query?: string;
  body?: string;
  contentType?: string;
  /** The Authorization header instead of the admin's JWT ('' sends none; INGEST_TOKEN the team's ingest token). */
  authorization?: string;
  contentEncoding?: string;
};
/** Stands for the team's ingest token in a generated case (made in beforeAll, after the generators). */
const INGEST_TOKEN = 'INGEST_TOKEN';

const text = fc.string({ maxLength: 40 });
const odd = fc.oneof(
  text,
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    MARKER,
    '',
    ' ',
    '..',
    '../..',
    'null',
    '0',
    '-1',
    'int_',
    'p_',
    'imp_',
    '%00',
    '\u0000',
    'ä',
    '😀',
  ),
);
/** An id as it may appear in a path: percent-encoded, or raw junk that is not valid percent-encoding. */
const pathId = fc.oneof(
  odd.filter((id) => id !== '').map(encodeURIComponent),
  fc.constantFrom(
    '%FF',
    '%E0%A4%A',
    '%',
    '%%',
    '%2F',
    'int_%FF',
    `${'x'.repeat(300)}`,
    encodeURIComponent(MARKER),
  ),
);
const badDays = fc.oneof(
  fc.integer({ min: -1_000_000, max: 0 }),
  fc.integer({ min: 366, max: 2_000_000_000 }),
  fc.double({ noInteger: true, noNaN: true }),
  text.filter((value) => !/^\s*\d+\s*$/.test(value)),
  fc.constant(MARKER),
);
const jsonValue = fc.oneof(fc.anything({ maxDepth: 3 }), fc.constant(null), fc.integer(), fc.boolean(), text);
const notAnObject = fc.oneof(
  fc.array(jsonValue, { maxLength: 4 }),
  fc.integer(),
  fc.boolean(),
  text,
  fc.constant(null),
);
/** Values of any JSON type but string (a random string may happen to be a valid one). */
const notAString = fc.oneof(
  fc.array(jsonValue, { maxLength: 4 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
/** A tool id an import would take (functions/domain/imports.ts): the bad ones are everything else. */
const TOOL_ID = /^[a-z][a-z0-9_]{1,39}$/;
/** A query value that is not one the parameter takes. */
const notAFormat = odd.filter((value) => !['json', 'csv'].includes(value));
/** Bodies that are not JSON, or not JSON objects, or nested deeper than anything the API takes. */
const brokenBody = fc.oneof(
  text.filter((value) => {
    try {
      JSON.parse(value);
      return false;
    } catch {
      return true;
    }
  }),
  fc.constantFrom('{', '{"a":', '[1,2', '\u0000', '{"provider": "claude_code",}', `{"${MARKER}"`),
  notAnObject.map((value) => JSON.stringify(value) ?? 'null'),
  fc.integer({ min: 50, max: 3_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  fc.integer({ min: 50, max: 3_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
);
const contentType = fc.constantFrom(
  undefined,
  'application/json',
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'application/json; charset=latin1',
);
/** An object body with one field wrong: `fields` gives each field's bad values. */
const withBadField = (good: Record<string, unknown>, bad: Record<string, fc.Arbitrary<unknown>>) =>
  fc.oneof(
    ...Object.entries(bad).map(([field, value]) =>
      value.map((wrong) => JSON.stringify({ ...good, [field]: wrong })),
    ),
    // An extra field the contract does not have, or a required one missing.
    fc.constant(JSON.stringify({ ...good, [MARKER]: 1 })),
    ...Object.keys(bad).map((field) => {
      const { [field]: _dropped, ...rest } = good;
      return fc.constant(JSON.stringify(rest));
    }),
  );
const body = (valid: fc.Arbitrary<string>) => fc.oneof(valid, brokenBody);
/** Bodies that are no OTLP JSON request at all: not JSON, or JSON but not an object (any object is a request). */
const notOtlpJson = brokenBody.filter((value) => {
  try {
    const parsed = JSON.parse(value) as unknown;
    return !parsed || typeof parsed !== 'object' || Array.isArray(parsed);
  } catch {
    return true;
  }
});
const otlpPath = fc.constant('/otlp/v1/metrics');

/** Per route: requests whose every one is wrong in some way. `{id}` stands for a path id. */
const generators: Record<string, fc.Arbitrary<Case>> = {
  'GET /health': fc
    .record({ path: fc.constant('/health'), query: badDays.map((days) => `days=${days}`) })
    .map(
      // Health takes no input: anything sent is ignored, and it answers 200 (checked apart).
      (value) => value,
    ),
  'GET /openapi.json': fc.constant({ path: '/openapi.json' }),
  'GET /imports/template.csv': fc.constant({ path: '/imports/template.csv' }),
  'POST /connect': fc.record({
    path: fc.constant('/connect'),
    body: body(
      withBadField(
        { provider: 'claude_code', api_key: MARKER },
        {
          provider: fc.oneof(odd, notAnObject, fc.constantFrom('claude-code', 'Claude_Code', MARKER)),
          api_key: fc.oneof(odd, notAnObject, fc.constant('x'.repeat(5_000))),
          backfill_days: fc.oneof(badDays, notAnObject),
          name: fc.oneof(fc.constant(''), fc.constant('x'.repeat(500)), notAnObject),
        },
      ),
    ),
    contentType,
  }),
  'POST /sync': fc.record({
    path: fc.constant('/sync'),
    body: body(
      withBadField(
        { integration_id: 'int_nothere', start_date: '2026-06-01' },
        {
          integration_id: fc.oneof(odd, notAnObject, fc.constant('x'.repeat(100))),
          start_date: fc.oneof(
            odd,
            fc.constantFrom('2026-02-30', '2026-13-01', '15/06/2026', '2026-06-16', MARKER),
          ),
          end_date: fc.oneof(odd, fc.constantFrom('2025-01-01', '9999-12-31')),
        },
      ),
    ),
    contentType,
  }),
  'GET /integrations': fc.record({
    path: fc.constant('/integrations'),
    query: badDays.map((days) => `days=${days}`),
  }),
  'GET /integrations/{id}': fc.record({ path: pathId.map((id) => `/integrations/${id}`) }),
  'PATCH /integrations/{id}': fc.record({
    path: pathId.map((id) => `/integrations/${id}`),
    body: body(
      withBadField({ sync_enabled: true }, { sync_enabled: fc.oneof(odd, fc.integer(), notAnObject) }),
    ),
    contentType,
  }),
  'DELETE /integrations/{id}': fc.record({ path: pathId.map((id) => `/integrations/${id}`) }),
  'GET /members': fc.record({
    path: fc.constant('/members'),
    query: odd.map((value) => `x=${encodeURIComponent(value)}`),
  }),
  'PUT /members': fc.record({
    path: fc.constant('/members'),
    body: body(
      withBadField(
        { people: [{ display_name: 'Ana', emails: ['ana@example.org'] }] },
        {
          people: fc.oneof(
            notAnObject.filter((value) => !Array.isArray(value) || value.length > 0),
            fc.array(
              fc.record({
                display_name: fc.oneof(fc.constant(''), fc.integer(), fc.constant('x'.repeat(500))),
                emails: fc.oneof(fc.constant(['not an e-mail', MARKER]), fc.integer()),
              }),
              { minLength: 1, maxLength: 3 },
            ),
          ),
        },
      ),
    ),
    contentType,
  }),
  'PATCH /members/{id}': fc.record({
    path: pathId.map((id) => `/members/${id}`),
    body: body(
      withBadField({ groups: ['core'] }, { groups: fc.oneof(odd, fc.constant([1, 2]), notAnObject) }),
    ),
    contentType,
  }),
  'DELETE /members/{id}': fc.record({ path: pathId.map((id) => `/members/${id}`) }),
  'POST /imports': fc.record({
    path: fc.constant('/imports'),
    body: body(
      withBadField(
        { tool: 'chatgpt', display_name: 'ChatGPT' },
        {
          tool: fc.oneof(
            odd.filter((value) => !TOOL_ID.test(value)),
            notAString,
          ),
          display_name: fc.oneof(fc.constant(''), fc.constant('x'.repeat(500)), fc.integer()),
        },
      ),
    ),
    contentType,
  }),
  'POST /ingest-tokens': fc.record({
    path: fc.constant('/ingest-tokens'),
    body: body(
      withBadField(
        { name: 'Claude Code managed settings' },
        { name: fc.oneof(fc.constant(''), fc.constant('   '), fc.constant('x'.repeat(101)), notAString) },
      ),
    ),
    contentType,
  }),
  'GET /ingest-tokens': fc.record({
    path: fc.constant('/ingest-tokens'),
    query: odd.map((value) => `x=${encodeURIComponent(value)}`),
  }),
  'DELETE /ingest-tokens/{id}': fc.record({ path: pathId.map((id) => `/ingest-tokens/${id}`) }),
  'POST /otlp/v1/metrics': fc.oneof(
    // The sign-in JWT (the default), no token, or forged ones: 401 whatever the body.
    fc.record({
      path: otlpPath,
      authorization: fc.constantFrom(
        undefined,
        '',
        `Bearer ${TEST_KEYS.ingestUnknown}`,
        `Bearer ${MARKER}`,
        'Basic YWxhZGRpbjpvcGVuc2VzYW1l',
      ),
      body: fc.oneof(brokenBody, fc.constant('{}')),
      contentType: fc.constantFrom('application/json', 'application/x-protobuf'),
    }),
    // The team's ingest token, with a body that is no request or in a media type the endpoint does not read.
    fc.record({ path: otlpPath, authorization: fc.constant(INGEST_TOKEN), body: notOtlpJson, contentType }),
    // … or compressed in a way it cannot undo.
    fc.record({
      path: otlpPath,
      authorization: fc.constant(INGEST_TOKEN),
      body: notOtlpJson,
      contentType: fc.constant('application/json'),
      contentEncoding: fc.constantFrom('gzip', 'br', 'deflate', 'x-gzip', 'gzip, gzip'),
    }),
  ),
  'GET /imports': fc.record({
    path: fc.constant('/imports'),
    query: odd.map((value) => `x=${encodeURIComponent(value)}`),
  }),
  'POST /imports/manual': fc.record({
    path: fc.constant('/imports/manual'),
    body: body(
      withBadField(
        { tool: 'chatgpt', display_name: 'ChatGPT', rows: [{ date: '2026-06-14', email: 'a@example.org' }] },
        {
          rows: fc.oneof(
            notAnObject,
            fc.constant([]),
            fc.array(
              fc.record({
                date: fc.oneof(odd, fc.constantFrom('2026-06-16', '2020-01-01', MARKER)),
                email: fc.oneof(
                  odd.filter((value) => !value.includes('@')),
                  fc.integer(),
                ),
                interactions: fc.oneof(fc.integer({ max: -1 }), fc.double({ noInteger: true }), odd),
              }),
              { minLength: 1, maxLength: 3 },
            ),
          ),
          tool: fc.oneof(
            odd.filter((value) => !TOOL_ID.test(value)),
            notAString,
          ),
        },
      ),
    ),
    contentType,
  }),
  'GET /imports/{id}': fc.record({ path: pathId.map((id) => `/imports/${id}`) }),
  'GET /dashboard': fc.record({
    path: fc.constant('/dashboard'),
    query: fc.oneof(
      badDays.map((days) => `days=${encodeURIComponent(String(days))}`),
      odd
        .filter((value) => !['day', 'week'].includes(value))
        .map((value) => `days=30&grain=${encodeURIComponent(value)}`),
      notAFormat.map((value) => `days=30&format=${encodeURIComponent(value)}`),
      odd.filter((value) => value.trim() !== '').map((value) => `group=${encodeURIComponent(value)}`),
    ),
  }),
  'GET /dashboard/developers': fc.record({
    path: fc.constant('/dashboard/developers'),
    query: fc.oneof(
      badDays.map((days) => `days=${encodeURIComponent(String(days))}`),
      odd
        .filter((value) => !(SORT_FIELDS as readonly string[]).includes(value))
        .map((value) => `sort=${encodeURIComponent(value)}`),
      fc.integer({ min: 501, max: 1e9 }).map((limit) => `limit=${limit}`),
      odd.map((value) => `cursor=${encodeURIComponent(`${value}x`)}`),
      // Acceptance is per tool: a sort by it names a well-formed tool, and a tool goes with no other sort.
      fc.constant('sort=acceptance_rate'),
      odd
        .filter((value) => !/^[a-z][a-z0-9_]{1,39}$/.test(value))
        .map((value) => `sort=acceptance_rate&tool=${encodeURIComponent(value)}`),
      fc.constantFrom('interactions', 'name').map((sort) => `sort=${sort}&tool=github_copilot`),
    ),
  }),
  'GET /dashboard/seats': fc.record({
    path: fc.constant('/dashboard/seats'),
    query: fc.oneof(
      badDays.map((days) => `days=${encodeURIComponent(String(days))}`),
      notAFormat.map((value) => `format=${encodeURIComponent(value)}`),
    ),
  }),
  'GET /dashboard/developers/{id}': fc.record({ path: pathId.map((id) => `/dashboard/developers/${id}`) }),
  'GET /dashboard/me': fc.record({
    path: fc.constant('/dashboard/me'),
    query: badDays.map((days) => `days=${encodeURIComponent(String(days))}`),
  }),
};

/** Routes that take no input but the token: whatever else is sent is ignored, and they answer 200. */
const NO_INPUT = new Set([
  'GET /health',
  'GET /openapi.json',
  'GET /imports/template.csv',
  'GET /integrations',
  'GET /members',
  'GET /imports',
  'GET /ingest-tokens',
]);

describe('generated bad input for every endpoint', () => {
  let pipeline: TestPipeline;
  let admin: string;
  let ingest: string;
  let before: string;
  const counts: Record<string, Record<string, number>> = {};

  beforeAll(async () => {
    pipeline = await startPipeline({ now: NOW, fake: { developers: 3, apiKeyActors: 0, historyDays: 10 } });
    admin = await pipeline.token(TEAM, 'admin');
    const made = await pipeline.call('POST', '/ingest-tokens', { token: admin, body: { name: 'abuse' } });
    expect(made.status).toBe(201);
    ingest = String(made.body.token);
    // Its first use notes the time on the token (again only minutes later): before the tables are compared.
    const first = await pipeline.call('POST', '/otlp/v1/metrics', {
      headers: { authorization: `Bearer ${ingest}`, 'content-type': 'application/json' },
      rawBody: '{}',
    });
    expect(first.status).toBe(200);
    const connected = await pipeline.call('POST', '/connect', {
      token: admin,
      body: { provider: 'claude_code', api_key: DEMO_ANTHROPIC_ADMIN_KEY, backfill_days: 3 },
    });
    expect(connected.status).toBe(201);
    await pipeline.runtime.queue.drain();
    before = await pipeline.scanData();
  }, 60_000);
  afterAll(async () => {
    const rows = Object.entries(counts).map(([route, statuses]) => ({
      route,
      cases: Object.values(statuses).reduce((sum, n) => sum + n, 0),
      ...statuses,
    }));
    console.log(`generated bad input, ${CASES} cases per endpoint:\n${JSON.stringify(rows, null, 1)}`);
    await pipeline?.close();
  });

  it('covers every route', () => {
    expect(Object.keys(generators).sort()).toEqual(
      httpRoutes.map((route) => `${route.method} ${route.path}`).sort(),
    );
  });

  it.each(httpRoutes.map((route) => `${route.method} ${route.path}`))(
    '%s: a 4xx problem that repeats nothing sent, never a 5xx',
    async (key) => {
      const method = key.split(' ')[0] as string;
      const seen: Record<string, number> = {};
      counts[key] = seen;
      await fc.assert(
        fc.asyncProperty(generators[key] as fc.Arbitrary<Case>, async (request) => {
          const authorization =
            request.authorization === undefined
              ? `Bearer ${admin}`
              : request.authorization === INGEST_TOKEN
                ? `Bearer ${ingest}`
                : request.authorization;
          const headers: Record<string, string> = authorization ? { authorization } : {};
          if (request.contentType) headers['content-type'] = request.contentType;
          if (request.contentEncoding) headers['content-encoding'] = request.contentEncoding;
          const response = await fetch(
            `${pipeline.baseUrl}${request.path}${request.query ? `?${request.query}` : ''}`,
            { method, headers, ...(request.body !== undefined ? { body: request.body } : {}) },
          );
          const answer = await response.text();
          seen[response.status] = (seen[response.status] ?? 0) + 1;
          if (NO_INPUT.has(key)) {
            expect(response.status).toBe(200);
            return;
          }
          expect(`${response.status} ${answer.slice(0, 200)}`).toMatch(/^4\d\d /);
          expect(response.headers.get('content-type')).toBe('application/problem+json');
          const problem = JSON.parse(answer) as { status: number; title: string };
          expect(problem.status).toBe(response.status);
          expect(answer).not.toContain(MARKER);
          expect(answer).not.toContain(ingest);
          expect(answer).not.toContain('MARKERzz9');
        }),
        { numRuns: CASES, seed: SEED },
      );
    },
    120_000,
  );

  it('refuses a body over the gateway’s 10 MB with a 413 problem', async () => {
    const big = JSON.stringify({ provider: 'claude_code', api_key: 'x'.repeat(10 * 1024 * 1024 + 10) });
    const response = await fetch(`${pipeline.baseUrl}/connect`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: big,
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });

  it('wrote nothing: every table holds what it held before (but the request counts of the team’s limit)', async () => {
    await pipeline.runtime.queue.drain();
    expect(await pipeline.scanData()).toBe(before);
  });
});
