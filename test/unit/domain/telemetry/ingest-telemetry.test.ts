import { UnauthorizedError } from '../../../../functions/domain/errors';
import { hashIngestToken, newIngestToken } from '../../../../functions/domain/ingest-tokens';
import type { SeriesChange, TelemetrySeriesRepository } from '../../../../functions/domain/ports';
import type { SeriesState } from '../../../../functions/domain/telemetry/series';
import {
  authenticateIngestToken,
  ingestTelemetry,
  type IngestTelemetryPorts,
} from '../../../../functions/domain/use-cases/ingest-telemetry';
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

/** Series in memory, with the store's condition: a write lands only on the series as it was read. */
class MemorySeries implements TelemetrySeriesRepository {
  readonly items = new Map<string, SeriesState>();
  writes = 0;
  async getDay(teamId: string, integrationId: string, date: string): Promise<SeriesState[]> {
    return [...this.items]
      .filter(([key]) => key.startsWith(`${teamId}|${integrationId}|${date}|`))
      .map(([, state]) => structuredClone(state));
  }
  async put(teamId: string, integrationId: string, changes: readonly SeriesChange[]) {
    const moved: SeriesChange[] = [];
    for (const change of changes) {
      const key = `${teamId}|${integrationId}|${change.next.date}|${change.next.series}`;
      const current = this.items.get(key);
      const same = change.previous
        ? current?.timeNanos === change.previous.timeNanos && current.value === change.previous.value
        : !current;
      if (!same) moved.push(change);
      else {
        this.items.set(key, structuredClone(change.next));
        this.writes++;
      }
    }
    return moved;
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
  const ports: IngestTelemetryPorts = {
    series,
    integrations,
    usage,
    attribution: new MemoryAttributionStore(usage),
    roster: new MemoryRoster(),
    manifests: manifestCatalog,
    clock: fixedClock(NOW),
    log: memoryLog(),
  };
  const rowsOf = (date: string) =>
    [...usage.rows]
      .filter(([key]) => key.startsWith(`${TEAM}|`) && key.endsWith(`|${date}`))
      .flatMap(([, rows]) => rows);
  return { usage, series, integrations, ports, rowsOf };
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
    const { ports, rowsOf, integrations } = setup();
    const result = await ingestTelemetry(
      TEAM,
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
      ports,
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
    const { ports, rowsOf, usage, series } = setup();
    await ingestTelemetry(TEAM, lines(10, '2026-11-20T09:01:00Z'), ports);
    await ingestTelemetry(TEAM, lines(25, '2026-11-20T09:02:00Z'), ports);
    await ingestTelemetry(TEAM, lines(40, '2026-11-20T09:03:00Z'), ports);
    expect(rowsOf('2026-11-20')[0]?.metrics.lines_added).toBe(40);
    const replaced = usage.replaced.length;
    const writes = series.writes;
    // The same request again, and an older one replayed late.
    expect((await ingestTelemetry(TEAM, lines(40, '2026-11-20T09:03:00Z'), ports)).days_changed).toBe(0);
    expect((await ingestTelemetry(TEAM, lines(10, '2026-11-20T09:01:00Z'), ports)).days_changed).toBe(0);
    expect(usage.replaced).toHaveLength(replaced);
    expect(series.writes).toBe(writes);
    expect(rowsOf('2026-11-20')[0]?.metrics.lines_added).toBe(40);
  });

  it('adds delta points once each, however often one is delivered', async () => {
    const { ports, rowsOf } = setup();
    const delta = (value: number, at: string) =>
      request([
        {
          name: 'claude_code.commit.count',
          temporality: 1,
          points: [{ value, at, start: nanos(at) }],
        },
      ]);
    await ingestTelemetry(TEAM, delta(2, '2026-11-20T09:01:00Z'), ports);
    await ingestTelemetry(TEAM, delta(3, '2026-11-20T09:02:00Z'), ports);
    await ingestTelemetry(TEAM, delta(2, '2026-11-20T09:01:00Z'), ports);
    expect(rowsOf('2026-11-20')[0]?.metrics.commits).toBe(5);
  });

  it('ignores and counts metrics it does not read, and rejects points naming nobody, malformed or outside the window', async () => {
    const { ports, rowsOf } = setup();
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
    const result = await ingestTelemetry(TEAM, body, ports);
    expect(result).toMatchObject({ accepted: 1, rejected: 3, ignored: 1, days_changed: 1 });
    expect(result.message).toMatch(
      /1 without a name, time.*1 without user\.email.*1 dated outside 2026-11-13\.\.2026-11-21/,
    );
    expect(rowsOf('2026-11-20')).toHaveLength(1);
    expect(rowsOf('2026-11-01')).toHaveLength(0);
  });

  it('writes nothing for a request without a readable point', async () => {
    const { ports, usage, integrations } = setup();
    const result = await ingestTelemetry(TEAM, { resourceMetrics: 'nonsense' }, ports);
    expect(result).toEqual({ accepted: 0, rejected: 0, ignored: 0, days_changed: 0 });
    expect(usage.replaced).toHaveLength(0);
    expect(await integrations.list(TEAM)).toHaveLength(0);
  });

  it('merges again when another request moved a series first, losing neither', async () => {
    const { ports, rowsOf, series } = setup();
    await ingestTelemetry(TEAM, lines(10, '2026-11-20T09:01:00Z'), ports);
    // Another request writes a newer point between this one's read and write.
    const put = series.put.bind(series);
    let raced = false;
    series.put = async (teamId, integrationId, changes) => {
      if (!raced) {
        raced = true;
        const [change] = changes;
        if (change)
          await put(teamId, integrationId, [
            {
              next: { ...change.next, timeNanos: nanos('2026-11-20T09:05:00Z'), value: 50 },
              previous: change.previous,
            },
          ]);
      }
      return put(teamId, integrationId, changes);
    };
    await ingestTelemetry(TEAM, lines(20, '2026-11-20T09:02:00Z'), ports);
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
