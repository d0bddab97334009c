import { UnauthorizedError } from '../../../../functions/domain/errors';
import { hashIngestToken, newIngestToken } from '../../../../functions/domain/ingest-tokens';
import type {
  DeveloperSeries,
  TelemetryRebuildQueue,
  TelemetryRebuildRequest,
  TelemetrySeriesRepository,
} from '../../../../functions/domain/ports';
import type { SeriesState } from '../../../../functions/domain/telemetry/series';
import {
  authenticateIngestToken,
  ingestTelemetry,
  type IngestTelemetryPorts,
} from '../../../../functions/domain/use-cases/ingest-telemetry';
import {
  rebuildTelemetryDay,
  type RebuildTelemetryPorts,
} from '../../../../functions/domain/use-cases/rebuild-telemetry-day';
import { manifestCatalog } from '../../../../functions/providers/manifests';
import {
  MemoryAttributionStore,
  MemoryIntegrations,
  MemoryRoster,
  MemoryUsage,
  failure,
  fixedClock,
  memoryLog,
} from '../../../helpers/memory-ports';

/** Series in memory with the store's conditions: a developer-day is written only at the version read. */
class MemorySeries implements TelemetrySeriesRepository {
  readonly days = new Map<string, DeveloperSeries>();
  readonly marks = new Map<string, string>();
  writes = 0;
  async getDay(teamId: string, integrationId: string, date: string): Promise<SeriesState[]> {
    return [...this.days]
      .filter(([key]) => key.startsWith(`${teamId}|${integrationId}|${date}|`))
      .flatMap(([, day]) => structuredClone(day.states));
  }
  async getDeveloperDay(teamId: string, integrationId: string, date: string, developer: string) {
    return structuredClone(this.days.get(`${teamId}|${integrationId}|${date}|${developer}`));
  }
  async putDeveloperDay(
    teamId: string,
    integrationId: string,
    date: string,
    developer: string,
    states: readonly SeriesState[],
    version: number,
  ) {
    const key = `${teamId}|${integrationId}|${date}|${developer}`;
    if ((this.days.get(key)?.version ?? 0) !== version) return false;
    this.days.set(key, { states: structuredClone([...states]), version: version + 1 });
    this.writes++;
    return true;
  }
  async markForRebuild(
    teamId: string,
    integrationId: string,
    date: string,
    now: string,
    staleBefore: string,
  ) {
    const key = `${teamId}|${integrationId}|${date}`;
    const mark = this.marks.get(key);
    if (mark !== undefined && mark >= staleBefore) return undefined;
    this.marks.set(key, now);
    return now;
  }
  async isMarkedForRebuild(teamId: string, integrationId: string, date: string) {
    return this.marks.has(`${teamId}|${integrationId}|${date}`);
  }
  async clearRebuildMark(teamId: string, integrationId: string, date: string) {
    this.marks.delete(`${teamId}|${integrationId}|${date}`);
  }
}

/** The rebuild queue: requests kept in order until `flush` runs them one at a time, as one day's group is. */
class MemoryRebuilds implements TelemetryRebuildQueue {
  readonly requests: TelemetryRebuildRequest[] = [];
  sent = 0;
  refuse = false;
  async requestRebuild(request: TelemetryRebuildRequest) {
    if (this.refuse) throw new Error('the queue is unavailable');
    this.requests.push(request);
    this.sent++;
  }
}

const TEAM = 'team-a';
const NOW = '2026-11-20T18:00:00Z';
const nanos = (iso: string) => (BigInt(Date.parse(iso)) * 1_000_000n).toString();
const START = nanos('2026-11-20T09:00:00Z');

type Attr = Record<string, string>;
const kv = (attributes: Attr) =>
  Object.entries(attributes).map(([key, value]) => ({ key, value: { stringValue: value } }));

/** An ExportMetricsServiceRequest in the JSON encoding's shape, one Sum metric a call. */
function request(
  metrics: {
    name: string;
    temporality?: 1 | 2;
    points: { attributes?: Attr; value: number; at: string; start?: string }[];
  }[],
  resource: Attr = { 'user.email': 'Ana@Example.com', 'service.name': 'claude-code' },
) {
  return {
    resourceMetrics: [
      {
        resource: { attributes: kv(resource) },
        scopeMetrics: [
          {
            scope: { name: 'com.anthropic.claude_code' },
            metrics: metrics.map((metric) => ({
              name: metric.name,
              sum: {
                aggregationTemporality: metric.temporality ?? 2,
                isMonotonic: true,
                dataPoints: metric.points.map((point) => ({
                  attributes: kv(point.attributes ?? {}),
                  startTimeUnixNano: point.start ?? START,
                  timeUnixNano: nanos(point.at),
                  asDouble: point.value,
                })),
              },
            })),
          },
        ],
      },
    ],
  };
}

function setup() {
  const usage = new MemoryUsage();
  const series = new MemorySeries();
  const integrations = new MemoryIntegrations();
  const rebuilds = new MemoryRebuilds();
  const clock = fixedClock(NOW);
  const ports: IngestTelemetryPorts = { series, integrations, rebuilds, clock };
  const rebuildPorts: RebuildTelemetryPorts = {
    series,
    integrations,
    usage,
    attribution: new MemoryAttributionStore(usage),
    roster: new MemoryRoster(),
    manifests: manifestCatalog,
    clock,
    log: memoryLog(),
  };
  /** Runs the queued rebuilds, as the queue delivers them after its delay. */
  const flush = async () => {
    const results = [];
    for (const request of rebuilds.requests.splice(0))
      results.push(await rebuildTelemetryDay(request, rebuildPorts));
    return results;
  };
  /** A request, then its day's rebuild. */
  const ingest = async (body: unknown) => {
    const result = await ingestTelemetry(TEAM, body, ports);
    await flush();
    return result;
  };
  const rowsOf = (date: string) =>
    [...usage.rows]
      .filter(([key]) => key.startsWith(`${TEAM}|`) && key.endsWith(`|${date}`))
      .flatMap(([, rows]) => rows);
  return { usage, series, integrations, rebuilds, ports, rowsOf, flush, ingest };
}

const lines = (value: number, at: string) =>
  request([
    {
      name: 'claude_code.lines_of_code.count',
      points: [{ attributes: { type: 'added', 'session.id': 's1' }, value, at }],
    },
  ]);

describe('ingestTelemetry', () => {
  it('stores a developer-day row of the Claude Code tool from cumulative points, keyed by the lower-cased e-mail', async () => {
    const { rowsOf, integrations, ingest } = setup();
    const result = await ingest(
      request([
        {
          name: 'claude_code.lines_of_code.count',
          points: [
            { attributes: { type: 'added' }, value: 120, at: '2026-11-20T09:01:00Z' },
            { attributes: { type: 'removed' }, value: 30, at: '2026-11-20T09:01:00Z' },
          ],
        },
        { name: 'claude_code.session.count', points: [{ value: 2, at: '2026-11-20T09:01:00Z' }] },
        {
          name: 'claude_code.token.usage',
          points: [
            {
              attributes: { type: 'input', model: 'claude-sonnet-4-5' },
              value: 5000,
              at: '2026-11-20T09:01:00Z',
            },
          ],
        },
      ]),
    );
    expect(result).toEqual({ accepted: 4, rejected: 0, ignored: 0, days_changed: 1 });
    const [row] = rowsOf('2026-11-20');
    expect(row).toMatchObject({
      developer: { key: 'email:ana@example.com', email: 'ana@example.com' },
      provider: 'claude_code',
      metrics: { lines_added: 120, lines_removed: 30, sessions: 2, tokens_input: 5000 },
    });
    const [integration] = await integrations.list(TEAM);
    expect(integration).toMatchObject({ provider: 'claude_code', source: 'telemetry', sync_enabled: false });
    expect(row?.integration_id).toBe(integration?.integration_id);
  });

  it('counts a cumulative counter re-reported every minute once, and a replayed or duplicate request changes nothing', async () => {
    const { rowsOf, usage, series, rebuilds, ingest } = setup();
    await ingest(lines(10, '2026-11-20T09:01:00Z'));
    await ingest(lines(25, '2026-11-20T09:02:00Z'));
    await ingest(lines(40, '2026-11-20T09:03:00Z'));
    expect(rowsOf('2026-11-20')[0]?.metrics.lines_added).toBe(40);
    const replaced = usage.replaced.length;
    const writes = series.writes;
    const sent = rebuilds.sent;
    // The same request again, an older one replayed late, and the counter re-reported at the same value.
    expect((await ingest(lines(40, '2026-11-20T09:03:00Z'))).days_changed).toBe(0);
    expect((await ingest(lines(10, '2026-11-20T09:01:00Z'))).days_changed).toBe(0);
    expect((await ingest(lines(40, '2026-11-20T09:04:00Z'))).days_changed).toBe(0);
    expect(usage.replaced).toHaveLength(replaced);
    expect(series.writes).toBe(writes);
    expect(rebuilds.sent).toBe(sent);
    expect(rowsOf('2026-11-20')[0]?.metrics.lines_added).toBe(40);
  });

  it('rebuilds a day once for every request that changed it before its rebuild ran', async () => {
    const { rowsOf, usage, series, rebuilds, ports, flush } = setup();
    for (let minute = 1; minute <= 5; minute++) {
      await ingestTelemetry(TEAM, lines(minute * 10, `2026-11-20T09:0${minute}:00Z`), ports);
      const other = request(
        [
          {
            name: 'claude_code.session.count',
            points: [{ value: minute, at: `2026-11-20T09:0${minute}:00Z` }],
          },
        ],
        { 'user.email': 'bo@example.com' },
      );
      await ingestTelemetry(TEAM, other, ports);
    }
    // Ten requests changed the day, two developers' series each time: one rebuild is waiting, nothing stored yet.
    expect(series.writes).toBe(10);
    expect(rebuilds.requests).toHaveLength(1);
    expect(usage.replaced).toHaveLength(0);
    expect(await flush()).toEqual([{ series: 2, rows: 2, unchanged: false }]);
    expect(usage.replaced).toHaveLength(1);
    expect(
      rowsOf('2026-11-20').map((row) => [row.developer.key, row.metrics.lines_added, row.metrics.sessions]),
    ).toEqual(
      expect.arrayContaining([
        ['email:ana@example.com', 50, 0],
        ['email:bo@example.com', 0, 5],
      ]),
    );
    // The rebuild cleared the mark: the next change asks for the next rebuild.
    await ingestTelemetry(TEAM, lines(60, '2026-11-20T09:06:00Z'), ports);
    expect(rebuilds.requests).toHaveLength(1);
    await flush();
    expect(
      rowsOf('2026-11-20').find((row) => row.developer.key === 'email:ana@example.com')?.metrics.lines_added,
    ).toBe(60);
  });

  it('a rebuild whose rows come out as stored writes nothing', async () => {
    const { usage, rebuilds, ingest, flush } = setup();
    await ingest(lines(10, '2026-11-20T09:01:00Z'));
    const replaced = usage.replaced.length;
    // The same day delivered for a rebuild again (a mark taken over, a message sent twice).
    rebuilds.requests.push({
      team_id: TEAM,
      integration_id: usage.replaced[0]?.split('|')[0] ?? '',
      date: '2026-11-20',
      marked_at: NOW,
    });
    expect(await flush()).toEqual([{ series: 1, rows: 1, unchanged: true }]);
    expect(usage.replaced).toHaveLength(replaced);
  });

  it("marks the day again when a rebuild cleared the mark between this request's mark and its write", async () => {
    const { series, rebuilds, ports, flush, rowsOf } = setup();
    const put = series.putDeveloperDay.bind(series);
    series.putDeveloperDay = async (...args) => {
      // The queued rebuild runs now: it clears the mark and reads the day before this write lands.
      await flush();
      return put(...args);
    };
    await ingestTelemetry(TEAM, lines(10, '2026-11-20T09:01:00Z'), ports);
    series.putDeveloperDay = put;
    expect(rebuilds.requests).toHaveLength(1);
    await flush();
    expect(rowsOf('2026-11-20')[0]?.metrics.lines_added).toBe(10);
  });

  it('fails the request, writing no series and leaving no mark, when the rebuild cannot be queued', async () => {
    const { series, rebuilds, ports } = setup();
    rebuilds.refuse = true;
    await expect(ingestTelemetry(TEAM, lines(10, '2026-11-20T09:01:00Z'), ports)).rejects.toThrow(
      /unavailable/,
    );
    expect(series.writes).toBe(0);
    expect(series.marks.size).toBe(0);
    // The exporter sends it again once the queue is back: nothing was lost.
    rebuilds.refuse = false;
    expect((await ingestTelemetry(TEAM, lines(10, '2026-11-20T09:01:00Z'), ports)).days_changed).toBe(1);
    expect(rebuilds.requests).toHaveLength(1);
  });

  it('adds delta points once each, however often one is delivered', async () => {
    const { rowsOf, ingest } = setup();
    const delta = (value: number, at: string) =>
      request([
        {
          name: 'claude_code.commit.count',
          temporality: 1,
          points: [{ value, at, start: nanos(at) }],
        },
      ]);
    await ingest(delta(2, '2026-11-20T09:01:00Z'));
    await ingest(delta(3, '2026-11-20T09:02:00Z'));
    await ingest(delta(2, '2026-11-20T09:01:00Z'));
    expect(rowsOf('2026-11-20')[0]?.metrics.commits).toBe(5);
  });

  it('ignores and counts metrics it does not read, and rejects points naming nobody, malformed or outside the window', async () => {
    const { rowsOf, ingest } = setup();
    const body = request([
      { name: 'claude_code.session.count', points: [{ value: 1, at: '2026-11-20T09:01:00Z' }] },
      { name: 'other_tool.requests', points: [{ value: 7, at: '2026-11-20T09:01:00Z' }] },
      { name: 'claude_code.commit.count', points: [{ value: 1, at: '2026-11-01T09:01:00Z' }] },
    ]);
    const points = body.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]?.sum.dataPoints as unknown[];
    points.push({ attributes: [], timeUnixNano: nanos('2026-11-20T09:01:00Z') }); // no value
    const anonymous = request(
      [{ name: 'claude_code.session.count', points: [{ value: 1, at: '2026-11-20T09:01:00Z' }] }],
      { 'service.name': 'claude-code' },
    );
    body.resourceMetrics.push(...anonymous.resourceMetrics);
    const result = await ingest(body);
    expect(result).toMatchObject({ accepted: 1, rejected: 3, ignored: 1, days_changed: 1 });
    expect(result.message).toMatch(
      /1 without a name, time.*1 without user\.email.*1 dated outside 2026-11-13\.\.2026-11-21/,
    );
    expect(rowsOf('2026-11-20')).toHaveLength(1);
    expect(rowsOf('2026-11-01')).toHaveLength(0);
  });

  it('writes nothing for a request without a readable point', async () => {
    const { usage, integrations, ingest } = setup();
    const result = await ingest({ resourceMetrics: 'nonsense' });
    expect(result).toEqual({ accepted: 0, rejected: 0, ignored: 0, days_changed: 0 });
    expect(usage.replaced).toHaveLength(0);
    expect(await integrations.list(TEAM)).toHaveLength(0);
  });

  it('merges again when another request moved the developer-day first, losing neither', async () => {
    const { rowsOf, series, ports, ingest, flush } = setup();
    await ingest(lines(10, '2026-11-20T09:01:00Z'));
    // Another request writes a newer point between this one's read and write.
    const put = series.putDeveloperDay.bind(series);
    let raced = false;
    series.putDeveloperDay = async (teamId, integrationId, date, developer, states, version) => {
      if (!raced) {
        raced = true;
        const newer = states.map((state) => ({
          ...state,
          timeNanos: nanos('2026-11-20T09:05:00Z'),
          value: 50,
        }));
        await put(teamId, integrationId, date, developer, newer, version);
      }
      return put(teamId, integrationId, date, developer, states, version);
    };
    await ingestTelemetry(TEAM, lines(20, '2026-11-20T09:02:00Z'), ports);
    await flush();
    // The newer point stands: the older one merged into it changes nothing.
    expect(rowsOf('2026-11-20')[0]?.metrics.lines_added).toBe(50);
  });
});

describe('authenticateIngestToken', () => {
  const token = newIngestToken();
  const tokens = {
    resolve: async (hash: string) =>
      hash === hashIngestToken(token) ? { team_id: TEAM, token_id: 'itk_1' } : undefined,
    touched: [] as string[],
    async touch(teamId: string, tokenId: string) {
      this.touched.push(`${teamId}|${tokenId}`);
    },
  };
  const ports = { ingestTokens: tokens, clock: fixedClock(NOW) };

  it('names the team of a live token and notes its use', async () => {
    expect(await authenticateIngestToken(`Bearer ${token}`, ports)).toEqual({
      team_id: TEAM,
      token_id: 'itk_1',
    });
    expect(tokens.touched).toEqual([`${TEAM}|itk_1`]);
  });

  it.each([
    ['no header', undefined],
    ['a JWT', 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln'],
    ['an unknown token', `Bearer ${newIngestToken()}`],
    ['a token without Bearer', token],
  ])('refuses %s (401) without echoing it', async (_what, header) => {
    const error = await failure(authenticateIngestToken(header, ports));
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error.message).not.toContain(token);
    if (header) expect(error.message).not.toContain(header.replace(/^Bearer /, ''));
  });
});
