import { pointsOf, type MetricPoint } from '../../../../functions/domain/telemetry/otlp-points';
import {
  dayContribution,
  mergeSeries,
  rowsFromSeries,
  seriesOfPoint,
  type SeriesState,
} from '../../../../functions/domain/telemetry/series';

const MINUTE = 60_000_000_000n;
const at = (iso: string) => (BigInt(Date.parse(iso)) * 1_000_000n).toString();
const later = (nanos: string, minutes: number) => (BigInt(nanos) + BigInt(minutes) * MINUTE).toString();

const START = at('2026-11-20T09:00:00Z');
const point = (overrides: Partial<MetricPoint> = {}): MetricPoint => ({
  metric: 'claude_code.lines_of_code.count',
  attributes: { 'user.email': 'Ana@Example.com', 'session.id': 's1', type: 'added' },
  startNanos: START,
  timeNanos: later(START, 1),
  value: 10,
  temporality: 'cumulative',
  ...overrides,
});
const state = (p: MetricPoint): SeriesState => {
  const verdict = seriesOfPoint(p);
  if (verdict.kind !== 'series') throw new Error(verdict.kind);
  return verdict.state;
};
/** Applies points in order as the store would, returning each series' final state. */
const apply = (points: MetricPoint[]): SeriesState[] => {
  const kept = new Map<string, SeriesState>();
  for (const p of points) {
    const incoming = state(p);
    const key = `${incoming.date}|${incoming.developer.key}|${incoming.series}`;
    const next = mergeSeries(kept.get(key), incoming);
    if (next) kept.set(key, next);
  }
  return [...kept.values()];
};

describe('temporality rules', () => {
  it('a cumulative counter re-reported every minute counts its latest value once', () => {
    const states = apply([
      point({ value: 10 }),
      point({ value: 10, timeNanos: later(START, 2) }),
      point({ value: 25, timeNanos: later(START, 3) }),
    ]);
    expect(states).toHaveLength(1);
    expect(rowsFromSeries(states)[0]?.metrics.lines_added).toBe(25);
  });

  it('a replayed (older) cumulative point changes nothing', () => {
    const newest = state(point({ value: 25, timeNanos: later(START, 3) }));
    expect(mergeSeries(newest, state(point({ value: 10, timeNanos: later(START, 1) })))).toBeUndefined();
    expect(mergeSeries(newest, state(point({ value: 25, timeNanos: later(START, 3) })))).toBeUndefined();
  });

  it('a restart (new start time) is a new series, added to the old one', () => {
    const restart = later(START, 30);
    const states = apply([
      point({ value: 25, timeNanos: later(START, 3) }),
      point({ value: 4, startNanos: restart, timeNanos: later(restart, 1) }),
    ]);
    expect(states).toHaveLength(2);
    expect(rowsFromSeries(states)[0]?.metrics.lines_added).toBe(29);
  });

  it('delta points add up, and a duplicate delivery overwrites itself', () => {
    const delta = (minute: number, value: number) =>
      point({
        temporality: 'delta',
        startNanos: later(START, minute - 1),
        timeNanos: later(START, minute),
        value,
      });
    const states = apply([delta(1, 3), delta(2, 5), delta(2, 5), delta(1, 3)]);
    expect(states).toHaveLength(2);
    expect(rowsFromSeries(states)[0]?.metrics.lines_added).toBe(8);
  });

  it('a cumulative series that crosses UTC midnight counts each day its own growth, never twice', () => {
    const evening = at('2026-11-20T23:00:00Z');
    const states = apply([
      point({ startNanos: evening, timeNanos: later(evening, 58), value: 40 }),
      point({ startNanos: evening, timeNanos: later(evening, 61), value: 45 }),
      point({ startNanos: evening, timeNanos: later(evening, 90), value: 60 }),
    ]);
    const byDay = Object.fromEntries(states.map((s) => [s.date, dayContribution(s)]));
    expect(byDay).toEqual({ '2026-11-20': 40, '2026-11-21': 15 });
  });
});

describe('attribution and the row', () => {
  it('keys a developer by lower-cased e-mail, else by account id, else rejects the point', () => {
    expect(state(point()).developer).toEqual({
      key: 'email:ana@example.com',
      kind: 'user',
      email: 'ana@example.com',
    });
    expect(
      state(point({ attributes: { 'user.account_id': 'user_01ABC', type: 'added' } })).developer.key,
    ).toBe('claude:user_01ABC');
    expect(seriesOfPoint(point({ attributes: { type: 'added' } })).kind).toBe('no-identity');
    expect(seriesOfPoint(point({ metric: 'claude_code.something_new' })).kind).toBe('unknown-metric');
  });

  it('maps every Claude Code metric into the vocabulary', () => {
    const common = { 'user.email': 'ben@example.com', 'session.id': 's9' };
    const p = (metric: string, value: number, attributes: Record<string, string> = {}) =>
      point({ metric, value, attributes: { ...common, ...attributes } });
    const [row] = rowsFromSeries(
      apply([
        p('claude_code.session.count', 2),
        p('claude_code.lines_of_code.count', 120, { type: 'added' }),
        p('claude_code.lines_of_code.count', 30, { type: 'removed' }),
        p('claude_code.pull_request.count', 1),
        p('claude_code.commit.count', 3),
        p('claude_code.cost.usage', 1.2345, { model: 'claude-sonnet-4-5' }),
        p('claude_code.token.usage', 1000, { type: 'input', model: 'claude-sonnet-4-5' }),
        p('claude_code.token.usage', 200, { type: 'output', model: 'claude-sonnet-4-5' }),
        p('claude_code.token.usage', 5000, { type: 'cacheRead', model: 'claude-sonnet-4-5' }),
        p('claude_code.token.usage', 700, { type: 'cacheCreation', model: 'claude-sonnet-4-5' }),
        p('claude_code.code_edit_tool.decision', 4, { decision: 'accept', language: 'TypeScript' }),
        p('claude_code.code_edit_tool.decision', 1, { decision: 'reject', language: 'TypeScript' }),
        p('claude_code.active_time.total', 930.4),
      ]),
    );
    expect(row?.metrics).toMatchObject({
      sessions: 2,
      lines_added: 120,
      lines_accepted: 120,
      lines_removed: 30,
      pull_requests: 1,
      commits: 3,
      cost_cents: 123,
      tokens_input: 1000,
      tokens_output: 200,
      tokens_cache_read: 5000,
      tokens_cache_creation: 700,
      suggestions_shown: 5,
      suggestions_accepted: 4,
      interactions: 7,
      active_seconds: 930,
    });
    expect(row?.breakdowns.models['claude-sonnet-4-5']).toMatchObject({
      tokens_input: 1000,
      cost_cents: 123,
    });
    expect(row?.breakdowns.languages.TypeScript).toEqual({ suggestions_shown: 5, suggestions_accepted: 4 });
    expect(row?.extras).toEqual({ source: 'otlp' });
  });

  it('sums active time of both types into active_seconds and rounds it once per row', () => {
    const p = (type: string, session: string, value: number) =>
      point({
        metric: 'claude_code.active_time.total',
        value,
        attributes: { 'user.email': 'ana@example.com', 'session.id': session, type },
      });
    // Rounded per series, 600.4 + 0.4 would be 600 s and 0.3 + 0.3 would be 0 s.
    const [row] = rowsFromSeries(apply([p('user', 's1', 600.4), p('cli', 's1', 0.4)]));
    expect(row?.metrics.active_seconds).toBe(601);
    const [brief] = rowsFromSeries(apply([p('user', 's1', 0.3), p('cli', 's2', 0.3)]));
    expect(brief?.metrics.active_seconds).toBe(1);
    // Active time alone is no interaction: the headline figure stays sessions + decisions.
    expect(row?.metrics.interactions).toBe(0);
    expect(row?.extras).not.toHaveProperty('active_time_seconds');
  });

  it('leaves active_seconds 0 for a developer whose Claude Code sent no active time', () => {
    const [row] = rowsFromSeries(apply([point()]));
    expect(row?.metrics.active_seconds).toBe(0);
  });
});

describe('OTLP JSON → points', () => {
  it('reads sums with the resource attributes, counts other kinds and malformed points', () => {
    const decoded = pointsOf({
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'user.email', value: { stringValue: 'ana@example.com' } }] },
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'claude_code.commit.count',
                  sum: {
                    aggregationTemporality: 2,
                    isMonotonic: true,
                    dataPoints: [
                      { startTimeUnixNano: START, timeUnixNano: later(START, 1), asInt: '2' },
                      { startTimeUnixNano: START, asInt: '2' },
                    ],
                  },
                },
                { name: 'other.gauge', gauge: { dataPoints: [{ timeUnixNano: START, asDouble: 1 }] } },
              ],
            },
          ],
        },
      ],
    });
    expect(decoded.points).toEqual([
      {
        metric: 'claude_code.commit.count',
        attributes: { 'user.email': 'ana@example.com' },
        startNanos: START,
        timeNanos: later(START, 1),
        value: 2,
        temporality: 'cumulative',
      },
    ]);
    expect(decoded.malformed).toBe(1);
    expect(decoded.ignoredKinds).toBe(1);
  });
});
