import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { MAX_OTLP_BODY_BYTES } from '../../functions/adapters/otlp';
import { MAX_INGEST_TOKENS } from '../../functions/domain/ingest-tokens';
import { API_BASE_PATH, httpRoutes, type HttpRoute } from '../../functions/routes';
import { buildOpenApiDocument, documentedStatuses } from '../../functions/schemas/openapi';
import { DEMO_ANTHROPIC_ADMIN_KEY } from '../../local/fakes/claude-code';
import { DEMO_GITHUB_TOKEN } from '../../local/fakes/github-copilot';
import { startPipeline, type ApiResponse, type TestPipeline } from '../helpers/pipeline';
import { TEST_KEYS } from '../helpers/provider-keys';

/**
 * The OpenAPI document is the contract: real requests through the local gateway, for every endpoint and
 * every status the document lists, each answer validated against the document (and each request body of
 * a success against its request schema). The test ends by checking that it saw every documented status
 * of every route — a status added to the document without a request that produces it fails here.
 */
const NOW = '2026-06-15T12:00:00Z';
/** Each team's OTLP requests a minute in this pipeline (the stack's default is 6,000). */
const TEAM_REQUESTS_PER_MINUTE = 10;
const OTHER_VALID_KEY = TEST_KEYS.anthropicOtherAdmin;

type Document = ReturnType<typeof buildOpenApiDocument>;

const pointer = (...parts: string[]) =>
  parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

describe('OpenAPI contract', () => {
  let pipeline: TestPipeline;
  let document: Document;
  let admin: string;
  let member: string;
  let integrationId: string;
  let anaId: string;
  let importId: string;
  let otlpToken: string;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const seen = new Set<string>();

  const routeOf = (method: string, path: string): HttpRoute => {
    const bare = path.split('?')[0] as string;
    // A literal path wins over a parameter (`/imports/template.csv` over `/imports/{id}`), as in the gateway.
    const route = httpRoutes
      .filter(
        (candidate) =>
          candidate.method === method &&
          new RegExp(`^${candidate.path.replace(/\{\w+\}/g, '[^/]+')}$`).test(bare),
      )
      .sort((a, b) => (a.path.match(/\{/g)?.length ?? 0) - (b.path.match(/\{/g)?.length ?? 0))[0];
    if (!route) throw new Error(`no route for ${method} ${path}`);
    return route;
  };

  const validate = (ref: string, value: unknown, what: string) => {
    const valid = ajv.validate({ $ref: `openapi.json#/${ref}` }, value);
    if (!valid) {
      throw new Error(
        `${what} does not match the document: ${ajv.errorsText(ajv.errors, { separator: '\n' })}`,
      );
    }
  };

  /** Sends a request, checks the status it expects is documented and the answer matches the document. */
  async function expectContract(
    method: string,
    path: string,
    status: number,
    options: {
      token?: string;
      body?: unknown;
      rawBody?: string;
      accept?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<ApiResponse> {
    const response = await pipeline.call(method, path, options);
    const route = routeOf(method, path);
    const label = `${method} ${route.path} ${status}`;
    expect(`${label} → ${response.status}: ${response.text.slice(0, 300)}`).toBe(
      `${label} → ${status}: ${response.text.slice(0, 300)}`,
    );
    const operationRef = pointer('paths', `${API_BASE_PATH}${route.path}`, route.method.toLowerCase());
    const documented = (
      document.paths?.[`${API_BASE_PATH}${route.path}`] as Record<
        string,
        { responses: Record<string, unknown> }
      >
    )[route.method.toLowerCase()]?.responses[String(status)] as
      { content?: Record<string, unknown>; headers?: Record<string, unknown> } | undefined;
    expect(documented ? label : `${label} is not in the document`).toBe(label);
    const mediaType = (response.headers.get('content-type') ?? '').split(';')[0] as string;
    if (documented?.content) {
      expect(Object.keys(documented.content)).toContain(mediaType);
      validate(
        `${operationRef}/responses/${status}/content/${pointer(mediaType)}/schema`,
        /json$/.test(mediaType) ? response.body : response.text,
        label,
      );
    } else {
      expect(response.text).toBe('');
    }
    for (const header of Object.keys(documented?.headers ?? {})) {
      if (header === 'retry-after' && status === 503) continue; // sent only when the provider said when
      expect(`${label} ${header}: ${response.headers.get(header) ?? 'missing'}`).not.toMatch(/missing$/);
    }
    if (status < 300 && options.body !== undefined) {
      validate(
        `${operationRef}/requestBody/content/application~1json/schema`,
        options.body,
        `${label} request`,
      );
    }
    seen.add(label);
    return response;
  }

  beforeAll(async () => {
    pipeline = await startPipeline({
      now: NOW,
      fake: { developers: 3, apiKeyActors: 0, historyDays: 30, seed: 'openapi' },
      github: { developers: 4, historyDays: 30, seed: 'openapi' },
      // Low enough that a team over it is quick to make (each team counts its own).
      env: { TELEMETRY_REQUESTS_PER_MINUTE: String(TEAM_REQUESTS_PER_MINUTE) },
    });
    admin = await pipeline.token('team-a', 'admin');
    member = await pipeline.token('team-a', 'member');
    const served = await pipeline.call('GET', '/openapi.json');
    document = served.body as unknown as Document;
    ajv.addSchema(document, 'openapi.json');
  }, 30_000);
  afterAll(async () => pipeline?.close());

  it('serves the document the code generates, which is the one checked in as docs/openapi.json', async () => {
    const generated = buildOpenApiDocument();
    expect(document).toEqual(JSON.parse(JSON.stringify(generated)));
    const checkedIn = JSON.parse(
      readFileSync(join(process.cwd(), 'docs', 'openapi.json'), 'utf8'),
    ) as unknown;
    expect(checkedIn).toEqual(document);
    expect(document.openapi).toBe('3.1.0');
    await expectContract('GET', '/openapi.json', 200);
    await expectContract('GET', '/health', 200);
  });

  it('POST /connect', async () => {
    const claude = { provider: 'claude_code', api_key: DEMO_ANTHROPIC_ADMIN_KEY, backfill_days: 5 };
    const created = await expectContract('POST', '/connect', 201, { token: admin, body: claude });
    integrationId = String(created.body.integration_id);
    await expectContract('POST', '/connect', 200, { token: admin, body: claude });
    await expectContract('POST', '/connect', 201, {
      token: admin,
      body: {
        provider: 'github_copilot',
        api_key: DEMO_GITHUB_TOKEN,
        org: pipeline.github.organization.login,
        backfill_days: 5,
      },
    });
    await pipeline.runtime.queue.drain();
    await expectContract('POST', '/connect', 400, {
      token: admin,
      body: { provider: 'claude-code', api_key: 'x' },
    });
    await expectContract('POST', '/connect', 400, { token: admin, rawBody: '{"provider":' });
    await expectContract('POST', '/connect', 401, { body: claude });
    await expectContract('POST', '/connect', 403, { token: member, body: claude });
    await expectContract('POST', '/connect', 422, {
      token: admin,
      body: { ...claude, api_key: OTHER_VALID_KEY },
    });
    pipeline.fake.faults.add({ status: 529, times: 10, pathPrefix: '/v1/organizations/me' });
    await expectContract('POST', '/connect', 503, { token: admin, body: claude });
    pipeline.fake.faults.clear();
  });

  it('POST /sync', async () => {
    await expectContract('POST', '/sync', 202, { token: admin, body: { integration_id: integrationId } });
    await expectContract('POST', '/sync', 429, { token: admin, body: { integration_id: integrationId } });
    await expectContract('POST', '/sync', 400, {
      token: admin,
      body: { integration_id: integrationId, start_date: 'June' },
    });
    await expectContract('POST', '/sync', 401, { body: { integration_id: integrationId } });
    await expectContract('POST', '/sync', 403, { token: member, body: { integration_id: integrationId } });
    await expectContract('POST', '/sync', 404, { token: admin, body: { integration_id: 'int_nothere' } });
    await pipeline.runtime.queue.drain();
  });

  it('GET, PATCH and DELETE /integrations', async () => {
    const list = await expectContract('GET', '/integrations', 200, { token: member });
    expect((list.body.integrations as unknown[]).length).toBe(2);
    await expectContract('GET', '/integrations', 401);
    await expectContract('GET', `/integrations/${integrationId}`, 200, { token: member });
    await expectContract('GET', `/integrations/${integrationId}`, 401);
    await expectContract('GET', '/integrations/int_nothere', 404, { token: member });

    const path = `/integrations/${integrationId}`;
    await expectContract('PATCH', path, 200, { token: admin, body: { sync_enabled: false } });
    // A paused integration refuses a manual sync: 409.
    pipeline.clock.advance(61);
    await expectContract('POST', '/sync', 409, { token: admin, body: { integration_id: integrationId } });
    await expectContract('PATCH', path, 400, { token: admin, body: { sync_enabled: 'no' } });
    await expectContract('PATCH', path, 401, { body: { sync_enabled: true } });
    await expectContract('PATCH', path, 403, { token: member, body: { sync_enabled: true } });
    await expectContract('PATCH', '/integrations/int_nothere', 404, {
      token: admin,
      body: { sync_enabled: true },
    });
    await expectContract('PATCH', path, 200, { token: admin, body: { sync_enabled: true } });
  });

  it('GET, PUT, PATCH and DELETE /members', async () => {
    const roster = {
      people: [
        { display_name: 'Ana Silva', emails: ['ana.silva@demo-org.example'], groups: ['core'] },
        { display_name: 'Ben Becker', emails: ['ben.becker@demo-org.example'], groups: ['core'] },
        { display_name: 'Leaving Soon', github_login: 'leaving-soon' },
      ],
    };
    const stored = await expectContract('PUT', '/members', 200, { token: admin, body: roster });
    const people = stored.body.people as { id: string; display_name: string }[];
    anaId = people.find((person) => person.display_name === 'Ana Silva')?.id as string;
    const leaving = people.find((person) => person.display_name === 'Leaving Soon')?.id as string;
    await expectContract('PUT', '/members', 400, {
      token: admin,
      body: { people: [{ display_name: 'X', emails: ['ana.silva@demo-org.example'] }, roster.people[0]] },
    });
    await expectContract('PUT', '/members', 401, { body: roster });
    await expectContract('PUT', '/members', 403, { token: member, body: roster });
    await expectContract('GET', '/members', 200, { token: member });
    await expectContract('GET', '/members', 401);
    const path = `/members/${anaId}`;
    await expectContract('PATCH', path, 200, { token: admin, body: { github_login: 'ana-s' } });
    await expectContract('PATCH', path, 400, { token: admin, body: { github_login: '-bad-' } });
    await expectContract('PATCH', path, 401, { body: { github_login: 'ana-s' } });
    await expectContract('PATCH', path, 403, { token: member, body: { github_login: 'ana-s' } });
    await expectContract('PATCH', '/members/p_nobody', 404, { token: admin, body: { github_login: 'x' } });
    await expectContract('DELETE', `/members/${leaving}`, 401);
    await expectContract('DELETE', `/members/${leaving}`, 403, { token: member });
    await expectContract('DELETE', `/members/${leaving}`, 204, { token: admin });
    await expectContract('DELETE', `/members/${leaving}`, 404, { token: admin });
    await pipeline.runtime.queue.drain();
  });

  it('GET /dashboard, /dashboard/developers, /dashboard/developers/{id} and /dashboard/me', async () => {
    const dashboard = await expectContract('GET', '/dashboard?days=30', 200, { token: member });
    expect((dashboard.body.heatmap_data as unknown[]).length).toBe(30);
    await expectContract('GET', '/dashboard?days=30&group=core', 200, { token: admin });
    await expectContract('GET', '/dashboard?days=30&group=core', 403, { token: member });
    await expectContract('GET', '/dashboard?group=nobody', 404, { token: admin });
    await expectContract('GET', '/dashboard?days=0', 400, { token: member });
    await expectContract('GET', '/dashboard', 401);

    await expectContract('GET', '/dashboard/developers?days=30', 200, { token: admin });
    await expectContract('GET', '/dashboard/developers?days=30&sort=name&order=asc&limit=1', 200, {
      token: member,
    });
    await expectContract('GET', '/dashboard/developers?group=core', 403, { token: member });
    await expectContract('GET', '/dashboard/developers?group=nobody', 404, { token: admin });
    await expectContract('GET', '/dashboard/developers?days=400', 400, { token: member });
    await expectContract('GET', '/dashboard/developers', 401);
    // The same answers as CSV: by format=, or by an Accept header that prefers text/csv.
    const series = await expectContract('GET', '/dashboard?days=30&grain=week&format=csv', 200, {
      token: admin,
    });
    expect(series.text.split('\r\n')[0]).toBe(
      'start_date,end_date,days,state,tool,tool_name,interactions,active_developers,suggestions_shown,suggestions_accepted,acceptance_rate',
    );
    await expectContract('GET', '/dashboard?days=30&grain=month', 400, { token: admin });
    const csvRows = await expectContract('GET', '/dashboard/developers?days=30', 200, {
      token: admin,
      accept: 'text/csv',
    });
    expect(csvRows.headers.get('content-disposition')).toMatch(/^attachment; filename="ai-usage-developers-/);
    await expectContract('GET', '/dashboard/seats?days=30', 200, { token: admin });
    await expectContract('GET', '/dashboard/seats?days=30&format=csv', 200, { token: member });
    await expectContract('GET', '/dashboard/seats?format=xml', 400, { token: admin });
    await expectContract('GET', '/dashboard/seats', 401);

    const person = `/dashboard/developers/${anaId}`;
    await expectContract('GET', `${person}?days=30`, 200, { token: admin });
    await expectContract('GET', `${person}?days=0`, 400, { token: admin });
    await expectContract('GET', person, 401);
    await expectContract('GET', person, 403, { token: member });
    await expectContract('GET', '/dashboard/developers/p_nobody', 404, { token: admin });

    const ana = await pipeline.token('team-a', 'member', 'ana.silva@demo-org.example');
    await expectContract('GET', '/dashboard/me?days=30', 200, { token: ana });
    await expectContract('GET', '/dashboard/me?days=0', 400, { token: ana });
    await expectContract('GET', '/dashboard/me', 401);
    await expectContract('GET', '/dashboard/me', 404, { token: member });
  });

  it('GET /imports/template.csv, POST /imports (then the upload), POST /imports/manual, GET /imports[/{id}]', async () => {
    const template = await expectContract('GET', '/imports/template.csv', 200);
    expect(template.text.split('\r\n')[0]).toMatch(/^date,email,login,name,tool,interactions,/);

    const chatgpt = { tool: 'chatgpt', display_name: 'ChatGPT' };
    const started = await expectContract('POST', '/imports', 201, { token: admin, body: chatgpt });
    const { import: created, upload } = started.body as {
      import: { import_id: string; integration_id: string };
      upload: { url: string; headers: Record<string, string> };
    };
    expect(started.headers.get('location')).toBe(`/api/ai-usage/imports/${created.import_id}`);
    const put = await fetch(upload.url, {
      method: 'PUT',
      headers: upload.headers,
      body: 'date,email,interactions\r\n2026-06-10,ana.silva@demo-org.example,12\r\n',
    });
    expect(put.status).toBe(200);
    await pipeline.runtime.queue.drain();
    const imported = await expectContract('GET', `/imports/${created.import_id}`, 200, { token: member });
    expect(imported.body).toMatchObject({ state: 'imported', rows: 1 });
    await expectContract('POST', '/imports', 400, { token: admin, body: { tool: 'Chat GPT' } });
    await expectContract('POST', '/imports', 400, { token: admin, body: { tool: 'windsurf' } });
    await expectContract('POST', '/imports', 401, { body: chatgpt });
    await expectContract('POST', '/imports', 403, { token: member, body: chatgpt });
    // Claude Code is synced through its API here: imported rows would count it twice.
    await expectContract('POST', '/imports', 409, { token: admin, body: { tool: 'claude_code' } });

    const rows = [{ date: '2026-06-11', email: 'ben.becker@demo-org.example', interactions: 3 }];
    await expectContract('POST', '/imports/manual', 201, { token: admin, body: { ...chatgpt, rows } });
    await expectContract('POST', '/imports/manual', 400, {
      token: admin,
      body: { ...chatgpt, rows: [{ ...rows[0], interactions: -1 }] },
    });
    await expectContract('POST', '/imports/manual', 401, { body: { ...chatgpt, rows } });
    await expectContract('POST', '/imports/manual', 403, { token: member, body: { ...chatgpt, rows } });
    await expectContract('POST', '/imports/manual', 409, {
      token: admin,
      body: { tool: 'claude_code', rows },
    });

    const listed = await expectContract('GET', '/imports', 200, { token: member });
    expect((listed.body.imports as unknown[]).length).toBe(2);
    await expectContract('GET', '/imports', 401);
    await expectContract('GET', `/imports/${created.import_id}`, 401);
    await expectContract('GET', '/imports/imp_20260615120000_nothere', 404, { token: member });
    // Imported usage has no provider to sync or pause.
    await expectContract('PATCH', `/integrations/${created.integration_id}`, 409, {
      token: admin,
      body: { sync_enabled: true },
    });
    importId = created.import_id;
  });

  it('DELETE /integrations/{id}', async () => {
    const path = `/integrations/${integrationId}`;
    await expectContract('DELETE', path, 401);
    await expectContract('DELETE', path, 403, { token: member });
    await expectContract('DELETE', path, 204, { token: admin });
    await expectContract('DELETE', path, 404, { token: admin });
  });

  it('POST|GET /ingest-tokens, DELETE /ingest-tokens/{id}', async () => {
    const made = await expectContract('POST', '/ingest-tokens', 201, {
      token: admin,
      body: { name: 'Claude Code managed settings' },
    });
    const id = (made.body.ingest_token as { token_id: string }).token_id;
    await expectContract('POST', '/ingest-tokens', 400, { token: admin, body: { name: '' } });
    await expectContract('POST', '/ingest-tokens', 401, { body: { name: 'x' } });
    await expectContract('POST', '/ingest-tokens', 403, { token: member, body: { name: 'x' } });
    for (let i = 1; i < MAX_INGEST_TOKENS; i++) {
      await pipeline.call('POST', '/ingest-tokens', { token: admin, body: { name: `fleet ${i}` } });
    }
    await expectContract('POST', '/ingest-tokens', 409, { token: admin, body: { name: 'one too many' } });
    await expectContract('GET', '/ingest-tokens', 200, { token: admin });
    await expectContract('GET', '/ingest-tokens', 401);
    await expectContract('GET', '/ingest-tokens', 403, { token: member });
    await expectContract('DELETE', `/ingest-tokens/${id}`, 401);
    await expectContract('DELETE', `/ingest-tokens/${id}`, 403, { token: member });
    await expectContract('DELETE', `/ingest-tokens/${id}`, 204, { token: admin });
    await expectContract('DELETE', `/ingest-tokens/${id}`, 404, { token: admin });
  });

  it('POST /otlp/v1/metrics', async () => {
    const otlpAdmin = await pipeline.token('team-otlp', 'admin');
    const made = await pipeline.call('POST', '/ingest-tokens', { token: otlpAdmin, body: { name: 'otlp' } });
    otlpToken = String(made.body.token);
    const nanos = `${Date.parse(NOW)}000000`;
    const json = { 'content-type': 'application/json' };
    await expectContract('POST', '/otlp/v1/metrics', 200, {
      token: otlpToken,
      body: {
        resourceMetrics: [
          {
            resource: { attributes: [{ key: 'user.email', value: { stringValue: 'ana@example.org' } }] },
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
      },
    });
    await expectContract('POST', '/otlp/v1/metrics', 400, { token: otlpToken, rawBody: '{', headers: json });
    await expectContract('POST', '/otlp/v1/metrics', 401, { body: { resourceMetrics: [] } });
    await expectContract('POST', '/otlp/v1/metrics', 403, {
      token: otlpAdmin,
      body: { resourceMetrics: [] },
    });
    await expectContract('POST', '/otlp/v1/metrics', 413, {
      token: otlpToken,
      rawBody: ' '.repeat(MAX_OTLP_BODY_BYTES + 1),
      headers: json,
    });
    await expectContract('POST', '/otlp/v1/metrics', 415, {
      token: otlpToken,
      rawBody: '{}',
      headers: { 'content-type': 'text/plain' },
    });
    // A team whose machines sent their minute's limit already.
    const busyAdmin = await pipeline.token('team-otlp-busy', 'admin');
    const busy = await pipeline.call('POST', '/ingest-tokens', { token: busyAdmin, body: { name: 'busy' } });
    const busyToken = String(busy.body.token);
    for (let i = 0; i < TEAM_REQUESTS_PER_MINUTE; i++) {
      const admitted = await pipeline.call('POST', '/otlp/v1/metrics', {
        headers: { ...json, authorization: `Bearer ${busyToken}` },
        rawBody: '{"resourceMetrics":[]}',
      });
      expect(admitted.status).toBe(200);
    }
    const refused = await expectContract('POST', '/otlp/v1/metrics', 429, {
      token: busyToken,
      body: { resourceMetrics: [] },
    });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('answers 500 with a problem that reveals nothing when storage fails', async () => {
    const keep = (await pipeline.call('GET', '/integrations', { token: admin })).body.integrations as {
      integration_id: string;
    }[];
    const other = keep[0]?.integration_id as string;
    await pipeline.breakStorage();
    const claude = { provider: 'claude_code', api_key: DEMO_ANTHROPIC_ADMIN_KEY };
    const failures = [
      await expectContract('POST', '/connect', 500, { token: admin, body: claude }),
      await expectContract('POST', '/sync', 500, { token: admin, body: { integration_id: other } }),
      await expectContract('GET', '/integrations', 500, { token: admin }),
      await expectContract('GET', `/integrations/${other}`, 500, { token: admin }),
      await expectContract('PATCH', `/integrations/${other}`, 500, {
        token: admin,
        body: { sync_enabled: true },
      }),
      await expectContract('DELETE', `/integrations/${other}`, 500, { token: admin }),
      await expectContract('GET', '/dashboard', 500, { token: admin }),
      await expectContract('GET', '/dashboard/developers', 500, { token: admin }),
      await expectContract('GET', '/dashboard/seats', 500, { token: admin }),
      await expectContract('GET', `/dashboard/developers/${anaId}`, 500, { token: admin }),
      await expectContract('GET', '/dashboard/me', 500, {
        token: await pipeline.token('team-a', 'member', 'ana.silva@demo-org.example'),
      }),
      await expectContract('GET', '/members', 500, { token: admin }),
      await expectContract('PUT', '/members', 500, { token: admin, body: { people: [] } }),
      await expectContract('PATCH', `/members/${anaId}`, 500, { token: admin, body: { groups: [] } }),
      await expectContract('DELETE', `/members/${anaId}`, 500, { token: admin }),
      await expectContract('POST', '/imports', 500, { token: admin, body: { tool: 'chatgpt' } }),
      await expectContract('POST', '/imports/manual', 500, {
        token: admin,
        body: { tool: 'chatgpt', rows: [{ date: '2026-06-12', login: 'ana-s', interactions: 1 }] },
      }),
      await expectContract('GET', '/imports', 500, { token: admin }),
      await expectContract('GET', `/imports/${importId}`, 500, { token: admin }),
      await expectContract('POST', '/ingest-tokens', 500, { token: admin, body: { name: 'x' } }),
      await expectContract('GET', '/ingest-tokens', 500, { token: admin }),
      await expectContract('DELETE', `/ingest-tokens/itk_${'0'.repeat(32)}`, 500, { token: admin }),
      await expectContract('POST', '/otlp/v1/metrics', 500, {
        token: otlpToken,
        body: { resourceMetrics: [] },
      }),
    ];
    for (const failure of failures) {
      expect(failure.text).not.toMatch(/ResourceNotFound|table|dynamo|sk-ant/i);
      expect(failure.body.request_id).toEqual(expect.any(String));
    }
  });

  it('exercised every status of every route the document lists, and nothing it does not', () => {
    const documented = httpRoutes.flatMap((route) =>
      [...documentedStatuses(route).keys()].map((status) => `${route.method} ${route.path} ${status}`),
    );
    expect([...seen].sort()).toEqual(documented.sort());
  });
});
