import { startPipeline, type TestPipeline } from '../helpers/pipeline';

/**
 * Imports on real parts: the API answers a presigned URL, the file is PUT to the local S3 server, S3's own
 * notification reaches the import worker through the queue, and the days land in DynamoDB Local next to
 * fetched ones. Every edge case of a file has one defined result; a refused file stores nothing.
 */
const NOW = '2026-06-15T12:00:00Z';
const TEAM = 'team-imports';

interface ImportBody {
  import_id: string;
  integration_id: string;
  state: string;
  rows: number;
  developers: number;
  period: { start_date: string; end_date: string } | null;
  errors: { line: number; column: string | null; message: string }[];
  error_count: number;
  message: string | null;
}
interface Dashboard {
  total_interactions: number;
  tools: { provider: string; name: string; interactions: number; active_days: number }[];
  heatmap_data: { date: string; count: number; state: string }[];
}

describe('imports of usage files and rows', () => {
  let pipeline: TestPipeline;
  let admin: string;

  beforeAll(async () => {
    pipeline = await startPipeline({ now: NOW });
    admin = await pipeline.token(TEAM, 'admin');
  }, 30_000);
  afterAll(async () => pipeline?.close());

  /** POST /imports, PUT the file where the answer says, let the worker run: the import as GET answers it. */
  async function importFile(
    file: string | Uint8Array,
    tool: { tool: string; display_name?: string } = { tool: 'chatgpt', display_name: 'ChatGPT' },
    token = admin,
  ): Promise<ImportBody> {
    const started = await pipeline.call('POST', '/imports', { token, body: tool });
    expect(started.status).toBe(201);
    const { import: created, upload } = started.body as {
      import: ImportBody;
      upload: { method: string; url: string; headers: Record<string, string> };
    };
    expect(created.state).toBe('pending');
    const put = await fetch(upload.url, { method: upload.method, headers: upload.headers, body: file });
    expect(put.status).toBe(200);
    await pipeline.runtime.queue.drain();
    const read = await pipeline.call('GET', `/imports/${created.import_id}`, { token });
    expect(read.status).toBe(200);
    return read.body as unknown as ImportBody;
  }

  const dashboard = async (days = 30, token = admin) => {
    const response = await pipeline.call('GET', `/dashboard?days=${days}`, { token });
    expect(response.status).toBe(200);
    return response.body as unknown as Dashboard;
  };
  const storedItems = async () => (await pipeline.scanTable('USAGE_TABLE')).length;
  const csv = (...lines: string[]) => `${lines.join('\r\n')}\r\n`;

  it('template → upload → state: the template imports as it is and shows on the dashboard as its own tool', async () => {
    const template = await pipeline.call('GET', '/imports/template.csv');
    expect(template.status).toBe(200);
    expect(template.headers.get('content-type')).toMatch(/^text\/csv/);
    const done = await importFile(template.text);
    expect(done).toMatchObject({
      state: 'imported',
      rows: 2,
      developers: 2,
      period: { start_date: '2026-06-14', end_date: '2026-06-14' },
      errors: [],
      error_count: 0,
    });
    const board = await dashboard();
    expect(board.tools).toEqual([
      expect.objectContaining({ provider: 'chatgpt', name: 'ChatGPT', interactions: 49, active_days: 1 }),
    ]);
    const day = board.heatmap_data.find((entry) => entry.date === '2026-06-14');
    expect(day).toEqual({ date: '2026-06-14', count: 49, state: 'ok' });
    // Nothing is claimed for days the file does not cover.
    expect(board.heatmap_data.find((entry) => entry.date === '2026-06-13')?.state).toBe('not_fetched');
    const integrations = await pipeline.call('GET', '/integrations', { token: admin });
    expect(integrations.body.integrations).toEqual([
      expect.objectContaining({ provider: 'chatgpt', provider_name: 'ChatGPT', sync_enabled: false }),
    ]);
  });

  describe('edge cases of a file, each with one result', () => {
    const header = 'date,email,name,interactions';
    it.each([
      ['a UTF-8 BOM and CRLF line ends', `\uFEFF${csv(header, '2026-06-01,bom@example.org,,5')}`, 5],
      ['LF line ends and no final newline', `${header}\n2026-06-01,lf@example.org,,6`, 6],
      [
        'quoted commas, quotes and newlines in a field',
        csv(header, '2026-06-01,quoted@example.org,"Silva, Ana ""Jr""\nsecond line",7'),
        7,
      ],
      ['blank lines (skipped)', csv(header, '', '2026-06-01,blank@example.org,,8', '', ''), 8],
      [
        'an unknown developer (kept, matched to nobody)',
        csv(header, '2026-06-01,stranger@example.org,,9'),
        9,
      ],
    ])('imports a file with %s', async (_what, file, interactions) => {
      const done = await importFile(file, { tool: `edge_${interactions}`, display_name: 'Edge' });
      expect(done).toMatchObject({ state: 'imported', rows: 1, error_count: 0 });
      const tool = (await dashboard()).tools.find((entry) => entry.provider === `edge_${interactions}`);
      expect(tool?.interactions).toBe(interactions);
    });

    it('keeps a quoted name with its comma and newline, and an unknown developer as an identity of nobody', async () => {
      const developers = await pipeline.call('GET', '/dashboard/developers?days=30', { token: admin });
      const rows = developers.body.developers as {
        id: string;
        kind: string;
        display_name: string;
        identities: { email?: string; display_name?: string }[];
      }[];
      const quoted = rows.find((row) => row.display_name === 'quoted@example.org');
      expect(quoted?.identities[0]?.display_name).toBe('Silva, Ana "Jr"\nsecond line');
      expect(rows.find((row) => row.display_name === 'stranger@example.org')).toMatchObject({
        kind: 'identity',
        id: expect.stringMatching(/^i_/),
      });
    });

    it.each([
      ['an empty file', '', [{ line: 1, column: null, message: expect.stringMatching(/the file is empty/) }]],
      [
        'a header only',
        csv(header),
        [{ line: 2, column: null, message: 'the file has a header but no rows' }],
      ],
      [
        'a wrong header',
        csv('day,email,prompts', '2026-06-01,a@example.org,3'),
        [
          { line: 1, column: 'column 1', message: expect.stringMatching(/is not a column an import knows/) },
          { line: 1, column: 'column 3', message: expect.stringMatching(/is not a column an import knows/) },
          { line: 1, column: 'date', message: expect.stringMatching(/is missing/) },
        ],
      ],
      [
        'a duplicate header',
        csv('date,email,interactions,interactions', '2026-06-01,a@example.org,3,4'),
        [{ line: 1, column: 'interactions', message: 'appears 2 times; name each column once' }],
      ],
      [
        'duplicate rows',
        csv(
          header,
          '2026-06-01,a@example.org,,3',
          '2026-06-02,a@example.org,,3',
          '2026-06-01,A@example.org,,3',
        ),
        [{ line: 4, column: null, message: expect.stringMatching(/^repeats line 2/) }],
      ],
      [
        'a date in the future and one before the history limit',
        csv(header, '2026-06-16,a@example.org,,3', '2024-06-15,a@example.org,,3'),
        [
          { line: 2, column: 'date', message: expect.stringMatching(/in the future/) },
          { line: 3, column: 'date', message: expect.stringMatching(/imports reach back 730 days/) },
        ],
      ],
      [
        'negative and non-integer figures (after a quoted multi-line field: lines are the file’s)',
        csv(header, '2026-06-01,a@example.org,"two\nlines",-3', '', '2026-06-02,a@example.org,,2.5'),
        [
          { line: 2, column: 'interactions', message: expect.stringMatching(/whole number/) },
          { line: 5, column: 'interactions', message: expect.stringMatching(/whole number/) },
        ],
      ],
      [
        'a row with more fields than the header',
        csv(header, '2026-06-01,a@example.org,Ana,3,extra'),
        [{ line: 2, column: null, message: 'has 5 fields, the header 4' }],
      ],
      [
        'a quote never closed',
        csv(header, '2026-06-01,a@example.org,"Ana,3'),
        [{ line: expect.any(Number), column: null, message: expect.stringMatching(/never closed/) }],
      ],
      [
        'a file that is not text (a spreadsheet)',
        new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00]),
        [{ line: 1, column: null, message: expect.stringMatching(/the file is not text/) }],
      ],
      [
        'a file that is not CSV (JSON)',
        '{"date": "2026-06-01", "email": "a@example.org"}\n',
        [{ line: 1, column: null, message: expect.stringMatching(/not valid CSV|quote/) }],
      ],
    ])('rejects %s whole, naming line and column, and stores nothing', async (_what, file, errors) => {
      const before = await storedItems();
      const done = await importFile(file, { tool: 'rejects', display_name: 'Rejects' });
      expect(done).toMatchObject({ state: 'rejected', errors, error_count: errors.length, period: null });
      expect(done.message).toMatch(/nothing was stored/);
      expect(await storedItems()).toBe(before);
    });

    it('rejects a file with one bad row among good ones whole, and lists 100 of many problems', async () => {
      const before = await storedItems();
      const good = Array.from({ length: 50 }, (_, i) => `2026-06-01,dev${i}@example.org,,1`);
      const mixed = await importFile(csv(header, ...good, '2026-06-01,bad@example.org,,-1'), {
        tool: 'rejects',
      });
      expect(mixed).toMatchObject({ state: 'rejected', error_count: 1, errors: [{ line: 52 }] });
      const bad = Array.from({ length: 250 }, (_, i) => `2026-06-01,dev${i}@example.org,,x`);
      const many = await importFile(csv(header, ...bad), { tool: 'rejects' });
      expect(many).toMatchObject({ state: 'rejected', error_count: 250 });
      expect(many.errors).toHaveLength(100);
      expect(await storedItems()).toBe(before);
      expect((await dashboard()).tools.some((tool) => tool.provider === 'rejects')).toBe(false);
    });
  });

  describe('the same pipeline as fetched days', () => {
    const tool = { tool: 'windsurf', display_name: 'Windsurf' };
    const windsurf = async () => (await dashboard()).tools.find((entry) => entry.provider === 'windsurf');
    const first = csv(
      'date,email,interactions,cost_cents',
      '2026-06-10,ana@example.org,10,100',
      '2026-06-10,ben@example.org,5,50',
      '2026-06-12,ana@example.org,3,30',
    );

    it('stores the days the file covers, ok or no_activity, and claims nothing else', async () => {
      expect(await importFile(first, tool)).toMatchObject({
        state: 'imported',
        rows: 3,
        developers: 2,
        period: { start_date: '2026-06-10', end_date: '2026-06-12' },
      });
      expect(await windsurf()).toMatchObject({ interactions: 18, active_days: 2 });
      const ledger = await pipeline.runtime.ports.usage.getLedger(TEAM, '2026-06-09', '2026-06-13');
      const own = ledger.filter((entry) => entry.provider === 'windsurf');
      expect(own.map((entry) => [entry.date, entry.state])).toEqual([
        ['2026-06-10', 'ok'],
        ['2026-06-11', 'no_activity'],
        ['2026-06-12', 'ok'],
      ]);
    });

    it('keeps the method on every stored row', async () => {
      const rows = (await pipeline.scanTable('USAGE_TABLE')).filter(
        (item) => item.entity === 'usage' && item.provider === 'windsurf',
      );
      expect(rows).toHaveLength(3);
      for (const row of rows) expect(JSON.stringify(row)).toContain('"import_method":"csv"');
    });

    it('the same file twice leaves every figure as it was', async () => {
      const before = await dashboard();
      const items = await storedItems();
      expect(await importFile(first, tool)).toMatchObject({ state: 'imported' });
      expect(await dashboard()).toEqual(before);
      expect(await storedItems()).toBe(items);
    });

    it('a newer file for the same days replaces those days whole (a developer it leaves out is gone)', async () => {
      const newer = csv(
        'date,email,interactions',
        '2026-06-10,ana@example.org,20',
        '2026-06-11,ben@example.org,4',
      );
      expect(await importFile(newer, tool)).toMatchObject({ state: 'imported', rows: 2 });
      // 06-10 is Ana's 20 (Ben's 5 went with the old day), 06-11 is Ben's 4, 06-12 (not in the file) kept its 3.
      expect(await windsurf()).toMatchObject({ interactions: 27, active_days: 3 });
      const rows = (await pipeline.scanTable('USAGE_TABLE')).filter(
        (item) => item.entity === 'usage' && item.provider === 'windsurf',
      );
      expect(rows).toHaveLength(3);
    });

    it('counts imported people like fetched ones: the roster matches them across tools', async () => {
      const roster = await pipeline.call('PUT', '/members', {
        token: admin,
        body: { people: [{ display_name: 'Ana Silva', emails: ['ana@example.org'], groups: ['core'] }] },
      });
      expect(roster.status).toBe(200);
      await pipeline.runtime.queue.drain();
      const developers = await pipeline.call('GET', '/dashboard/developers?days=30', { token: admin });
      const ana = (
        developers.body.developers as { display_name: string; kind: string; tools: unknown[] }[]
      ).find((row) => row.display_name === 'Ana Silva');
      expect(ana).toMatchObject({
        kind: 'person',
        tools: [expect.objectContaining({ provider: 'windsurf', name: 'Windsurf', active_days: 2 })],
      });
      const group = await pipeline.call('GET', '/dashboard?days=30&group=core', { token: admin });
      expect(group.status).toBe(200);
    });
  });

  describe('manual entry', () => {
    const rows = [
      { date: '2026-06-13', email: 'ana@example.org', interactions: 6, cost_cents: 12 },
      { date: '2026-06-13', login: 'ben-b', interactions: '2' },
    ];

    it('stores a few rows through the same checks and writes, method manual', async () => {
      const response = await pipeline.call('POST', '/imports/manual', {
        token: admin,
        body: { tool: 'internal_bot', display_name: 'Internal bot', rows },
      });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ method: 'manual', state: 'imported', rows: 2, developers: 2 });
      const tool = (await dashboard()).tools.find((entry) => entry.provider === 'internal_bot');
      expect(tool).toMatchObject({ name: 'Internal bot', interactions: 8 });
      const stored = (await pipeline.scanTable('USAGE_TABLE')).filter(
        (item) => item.entity === 'usage' && item.provider === 'internal_bot',
      );
      for (const row of stored) expect(JSON.stringify(row)).toContain('"import_method":"manual"');
      // A later import of the tool needs no display name: it keeps the one it was given.
      const again = await pipeline.call('POST', '/imports/manual', {
        token: admin,
        body: { tool: 'internal_bot', rows },
      });
      expect(again.status).toBe(201);
      expect((await dashboard()).tools.find((entry) => entry.provider === 'internal_bot')?.interactions).toBe(
        8,
      );
    });

    it('answers 400 naming each bad row and field, and stores nothing', async () => {
      const before = await storedItems();
      const response = await pipeline.call('POST', '/imports/manual', {
        token: admin,
        body: {
          tool: 'internal_bot',
          rows: [rows[0], { date: '2026-06-20', email: 'nobody', interactions: -2, prompts: 1 }],
        },
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect((response.body.errors as { field: string }[]).map((error) => error.field)).toEqual([
        'rows.1.date',
        'rows.1.email',
        'rows.1.interactions',
        'rows.1.prompts',
      ]);
      expect(await storedItems()).toBe(before);
    });

    it('is for admins, and needs a name for a new tool of the team’s own', async () => {
      const member = await pipeline.token(TEAM, 'member');
      expect(
        (await pipeline.call('POST', '/imports/manual', { token: member, body: { tool: 'x1', rows } }))
          .status,
      ).toBe(403);
      const unnamed = await pipeline.call('POST', '/imports/manual', {
        token: admin,
        body: { tool: 'newtool', rows },
      });
      expect(unnamed.status).toBe(400);
      expect(unnamed.body.errors).toEqual([expect.objectContaining({ field: 'display_name' })]);
    });
  });

  describe('tenants are walls', () => {
    it("another team sees none of this team's imports, and its dashboard none of their usage", async () => {
      const other = await pipeline.token('team-other', 'admin');
      const mine = (await pipeline.call('GET', '/imports', { token: admin })).body.imports as ImportBody[];
      expect(mine.length).toBeGreaterThan(5);
      const theirs = await pipeline.call('GET', '/imports', { token: other });
      expect(theirs.body.imports).toEqual([]);
      const peek = await pipeline.call('GET', `/imports/${mine[0]?.import_id}`, { token: other });
      expect(peek.status).toBe(404);
      expect((await dashboard(30, other)).tools).toEqual([]);
      // The same tool id in another team is another integration with its own days.
      expect(
        await importFile(
          csv('date,email,interactions', '2026-06-10,x@example.org,1'),
          { tool: 'windsurf', display_name: 'W' },
          other,
        ),
      ).toMatchObject({ state: 'imported' });
      expect((await dashboard(30, other)).tools).toEqual([expect.objectContaining({ interactions: 1 })]);
      expect((await dashboard()).tools.find((tool) => tool.provider === 'windsurf')?.interactions).toBe(27);
    });
  });

  describe('a large file', () => {
    /** 1,000 developers × 100 days: 100,000 rows, every figure column filled. */
    const DEVELOPERS = 1_000;
    const DAYS = 100;
    it('imports 100,000 rows whole, streamed from the upload, totals exact', async () => {
      const header = 'date,email,interactions,requests,tokens_input,cost_cents';
      const lines = [header];
      let total = 0;
      for (let day = 0; day < DAYS; day++) {
        const date = new Date(Date.UTC(2026, 2, 1) + day * 86_400_000).toISOString().slice(0, 10);
        for (let developer = 0; developer < DEVELOPERS; developer++) {
          const interactions = (developer * 7 + day * 3) % 50;
          total += interactions;
          lines.push(
            `${date},dev${developer}@large.example,${interactions},${interactions},${interactions * 1000},${interactions * 2}`,
          );
        }
      }
      const done = await importFile(`${lines.join('\n')}\n`, { tool: 'large', display_name: 'Large' });
      expect(done).toMatchObject({
        state: 'imported',
        rows: DEVELOPERS * DAYS,
        developers: DEVELOPERS,
        period: { start_date: '2026-03-01', end_date: '2026-06-08' },
      });
      const tool = (await dashboard(120)).tools.find((entry) => entry.provider === 'large');
      expect(tool?.interactions).toBe(total);
    }, 300_000);
  });

  describe('runs', () => {
    it('an upload notified twice is imported once (the second run finds it done)', async () => {
      const file = csv('date,email,interactions', '2026-06-05,twice@example.org,4');
      const done = await importFile(file, { tool: 'twice', display_name: 'Twice' });
      const key = `imports/${TEAM}/${done.import_id}.csv`;
      pipeline.runtime.queue.publish('imports', [
        { Records: [{ eventName: 'ObjectCreated:Put', s3: { object: { key, size: file.length } } }] },
      ]);
      await pipeline.runtime.queue.drain();
      const again = await pipeline.call('GET', `/imports/${done.import_id}`, { token: admin });
      expect(again.body).toMatchObject({
        state: 'imported',
        updated_at: (done as unknown as { updated_at: string }).updated_at,
      });
    });

    it('an import whose file never came stays pending; an object under another key is ignored', async () => {
      const started = await pipeline.call('POST', '/imports', { token: admin, body: { tool: 'twice' } });
      const id = (started.body.import as ImportBody).import_id;
      pipeline.runtime.queue.publish('imports', [
        {
          Records: [
            { eventName: 'ObjectCreated:Put', s3: { object: { key: `imports/${TEAM}/other.csv`, size: 1 } } },
          ],
        },
      ]);
      await pipeline.runtime.queue.drain();
      expect((await pipeline.call('GET', `/imports/${id}`, { token: admin })).body.state).toBe('pending');
    });
  });
});
