import { usageTable } from '../../functions/adapters/dynamodb/table-definitions';
import { TELEMETRY_REBUILD_QUEUE } from '../../local/in-process-queue';
import { startPipeline, type TestPipeline } from '../helpers/pipeline';

/**
 * The telemetry write path under load, on real parts (decisions 91 and 92): requests only merge developer-days'
 * series, and a changed day is rebuilt once for all the requests that changed it before its rebuild ran; many
 * requests merging one developer's day at once lose no point; a team over its request limit gets 429 with
 * Retry-After, and other teams do not notice.
 */
const NOW = new Date().toISOString();
const TODAY = NOW.slice(0, 10);
const startNanos = `${Date.parse(`${TODAY}T00:00:30Z`)}000000`;
const LIMIT = 5;

/** One developer's cumulative lines-added counter at `value`, in the OTLP JSON encoding. */
function linesAdded(email: string, value: number, second: number) {
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'user.email', value: { stringValue: email } }] },
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'claude_code.lines_of_code.count',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [
                    {
                      attributes: [{ key: 'type', value: { stringValue: 'added' } }],
                      startTimeUnixNano: startNanos,
                      timeUnixNano: `${Date.parse(`${TODAY}T00:01:00Z`) + second * 1000}000000`,
                      asInt: String(value),
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  });
}

describe('the telemetry write path', () => {
  let pipeline: TestPipeline;
  const tokens: Record<string, string> = {};

  const send = (team: string, body: string) =>
    pipeline.call('POST', '/otlp/v1/metrics', {
      headers: { authorization: `Bearer ${tokens[team]}`, 'content-type': 'application/json' },
      rawBody: body,
    });
  const linesOf = async (team: string) => {
    await pipeline.runtime.queue.drain();
    const rows = (await pipeline.scanTable(usageTable.envVar)).filter(
      (item) => item.team_id === team && String(item.sk).startsWith('USAGE#'),
    );
    return Object.fromEntries(
      rows.map((row) => [
        (row.developer as { email: string }).email,
        (row.metrics as { lines_added: number }).lines_added,
      ]),
    );
  };
  const rebuildsQueued = () => pipeline.runtime.queue.stats(TELEMETRY_REBUILD_QUEUE).enqueued;

  beforeAll(async () => {
    pipeline = await startPipeline({
      now: NOW,
      env: { TELEMETRY_REQUESTS_PER_MINUTE: String(LIMIT) },
      // Long enough for a burst of requests to meet one waiting rebuild.
      telemetryRebuildDelayMs: 1_500,
    });
    for (const team of ['team-busy', 'team-quiet', 'team-race']) {
      const admin = await pipeline.token(team, 'admin');
      const made = await pipeline.call('POST', '/ingest-tokens', {
        token: admin,
        body: { name: 'machines' },
      });
      tokens[team] = String(made.body.token);
    }
  }, 60_000);
  afterAll(async () => pipeline?.close());

  it('rebuilds a day once for a burst of requests that changed it, and again for the next change', async () => {
    const queuedBefore = rebuildsQueued();
    const answers = await Promise.all(
      ['ana', 'bo', 'cy', 'di', 'ed'].map((name, i) =>
        send('team-busy', linesAdded(`${name}@example.com`, 10 * (i + 1), 0)),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    // Five requests, five developers' series written, one rebuild waiting.
    expect(rebuildsQueued() - queuedBefore).toBe(1);
    expect(await linesOf('team-busy')).toEqual({
      'ana@example.com': 10,
      'bo@example.com': 20,
      'cy@example.com': 30,
      'di@example.com': 40,
      'ed@example.com': 50,
    });
    pipeline.clock.advance(60);
    expect((await send('team-busy', linesAdded('ana@example.com', 15, 60))).status).toBe(200);
    expect(rebuildsQueued() - queuedBefore).toBe(2);
    expect((await linesOf('team-busy'))['ana@example.com']).toBe(15);
  });

  it('refuses a team over its limit with 429 and Retry-After, writing nothing, while another team goes on', async () => {
    pipeline.clock.advance(60);
    const statuses: number[] = [];
    for (let i = 1; i <= LIMIT; i++) {
      statuses.push((await send('team-busy', linesAdded('fay@example.com', i, 100 + i))).status);
    }
    expect(statuses).toEqual(Array(LIMIT).fill(200));
    await pipeline.runtime.queue.drain();
    const before = (await linesOf('team-busy'))['fay@example.com'];
    const refused = await send('team-busy', linesAdded('fay@example.com', 99, 200));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.body.type).toBe('urn:ai-usage:problem:too-many-requests');
    const wait = Number(refused.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    expect((await linesOf('team-busy'))['fay@example.com']).toBe(before);
    // Another team's machines are not held up.
    expect((await send('team-quiet', linesAdded('gus@example.com', 3, 200))).status).toBe(200);
    // The next window admits the team again.
    pipeline.clock.advance(wait);
    expect((await send('team-busy', linesAdded('fay@example.com', 99, 260))).status).toBe(200);
    expect((await linesOf('team-busy'))['fay@example.com']).toBe(99);
  });

  it('loses no point when requests merge one developer’s day at once', async () => {
    pipeline.clock.advance(60);
    // Five requests at once (the limit), each a later export of the same cumulative counter.
    const answers = await Promise.all(
      [1, 2, 3, 4, 5].map((minute) =>
        send('team-race', linesAdded('hal@example.com', minute * 7, minute * 60)),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    expect((await linesOf('team-race'))['hal@example.com']).toBe(35);
  });
});
