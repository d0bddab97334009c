import { createHash } from 'node:crypto';
import {
  addMetrics,
  emptyBreakdowns,
  zeroMetrics,
  type DeveloperDayUsage,
  type DeveloperRef,
  type PartialMetrics,
} from '../metrics';
import { dayOfNanos, type MetricPoint, type Temporality } from './otlp-points';

/**
 * Claude Code's OpenTelemetry metrics as series kept per developer-day, and the rules that make re-sent and
 * replayed data count once:
 *
 * - cumulative points: one series per metric + attributes + start time; its state is the value at the latest
 *   time seen. A counter re-reported every minute, or a replayed request, moves nothing; an older point than the
 *   one kept is dropped; a restart (a new start time) is a new series.
 * - delta points: keyed by series + the point's time, so a duplicate delivery overwrites itself.
 *
 * A cumulative series that crosses UTC midnight: the day a point falls on counts what the series added on that
 * day — all of it when the series started that day, else the growth since its first point of the day (what it
 * added between its last point before midnight and its first after is not counted: at most one export
 * interval, 60 s; never counted twice).
 */
export const CLAUDE_CODE_METRICS = [
  'claude_code.session.count',
  'claude_code.lines_of_code.count',
  'claude_code.pull_request.count',
  'claude_code.commit.count',
  'claude_code.cost.usage',
  'claude_code.token.usage',
  'claude_code.code_edit_tool.decision',
  'claude_code.active_time.total',
] as const;
export type ClaudeCodeMetric = (typeof CLAUDE_CODE_METRICS)[number];
const KNOWN = new Set<string>(CLAUDE_CODE_METRICS);

/** The point attributes a developer-day row uses (the rest — session.id, terminal, versions — are not kept). */
const KEPT_ATTRIBUTES = ['type', 'model', 'decision', 'language', 'tool', 'terminal.type'] as const;

/** A series' state on one developer-day: what the per-series item holds. */
export interface SeriesState {
  date: string;
  developer: DeveloperRef;
  /** SHA-256 of metric, attributes and start time (+ the point's time for a delta point), base64url. */
  series: string;
  metric: ClaudeCodeMetric;
  attributes: Partial<Record<(typeof KEPT_ATTRIBUTES)[number], string>>;
  temporality: Temporality;
  startNanos: string;
  /** The latest point kept: its time and value. */
  timeNanos: string;
  value: number;
  /** The series' first point on this day (cumulative): its value counts as already there unless it started today. */
  firstValue: number;
}

export type PointVerdict =
  { kind: 'series'; state: SeriesState } | { kind: 'unknown-metric' } | { kind: 'no-identity' };

/** Who a point is of: `user.email` (lower-cased, as the Admin API provider keys it), else `user.account_id`. */
export function developerOfPoint(attributes: MetricPoint['attributes']): DeveloperRef | undefined {
  const email = attributes['user.email'];
  if (typeof email === 'string' && email.includes('@')) {
    const lower = email.trim().toLowerCase();
    return { key: `email:${lower}`, kind: 'user', email: lower };
  }
  const account = attributes['user.account_id'];
  if (typeof account === 'string' && account.trim()) return { key: `claude:${account.trim()}`, kind: 'user' };
  return undefined;
}

function canonicalAttributes(attributes: MetricPoint['attributes']): string {
  return JSON.stringify(Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A point → the series state it sets (or why it is not stored). */
export function seriesOfPoint(point: MetricPoint): PointVerdict {
  if (!KNOWN.has(point.metric)) return { kind: 'unknown-metric' };
  const developer = developerOfPoint(point.attributes);
  if (!developer) return { kind: 'no-identity' };
  const identity = [point.metric, canonicalAttributes(point.attributes), point.startNanos];
  if (point.temporality === 'delta') identity.push(point.timeNanos);
  const kept: SeriesState['attributes'] = {};
  for (const name of KEPT_ATTRIBUTES) {
    const value = point.attributes[name];
    if (value !== undefined) kept[name] = String(value);
  }
  return {
    kind: 'series',
    state: {
      date: dayOfNanos(point.timeNanos),
      developer,
      series: createHash('sha256').update(identity.join('\u0000')).digest('base64url'),
      metric: point.metric as ClaudeCodeMetric,
      attributes: kept,
      temporality: point.temporality,
      startNanos: point.startNanos,
      timeNanos: point.timeNanos,
      value: point.value,
      firstValue: point.value,
    },
  };
}

/**
 * The state a series has after `incoming` (same series and day) arrives, or undefined when nothing changes:
 * a delta point replaces itself; a cumulative point replaces the kept one only when it is newer, and keeps the
 * day's first value.
 */
export function mergeSeries(stored: SeriesState | undefined, incoming: SeriesState): SeriesState | undefined {
  if (!stored) return incoming;
  if (incoming.temporality === 'delta') {
    return stored.value === incoming.value ? undefined : { ...stored, value: incoming.value };
  }
  if (BigInt(incoming.timeNanos) <= BigInt(stored.timeNanos)) return undefined;
  // Re-reported at the value kept: the day's figures stay as they are, so nothing is written.
  if (incoming.value === stored.value) return undefined;
  return { ...incoming, firstValue: stored.firstValue };
}

/** What a series adds to its day (see the rules above). */
export function dayContribution(state: SeriesState): number {
  if (state.temporality === 'delta') return state.value;
  const startedToday = dayOfNanos(state.startNanos) === state.date;
  return startedToday ? state.value : Math.max(0, state.value - state.firstValue);
}

const TOKEN_METRIC: Record<string, keyof PartialMetrics> = {
  input: 'tokens_input',
  output: 'tokens_output',
  cacheRead: 'tokens_cache_read',
  cacheCreation: 'tokens_cache_creation',
};

/**
 * A developer-day's series → its row of the Claude Code tool, in the vocabulary the Admin API's rows use
 * (functions/providers/claude-code/normalizer.ts): sessions, lines (every added line is accepted), commits,
 * pull requests, tokens and cost per model, edit decisions as suggestions shown/accepted per language, and
 * interactions = sessions + decisions; and active time (`active_seconds`, both `type`s: user and cli), which only
 * this source reports.
 */
export function rowsFromSeries(states: readonly SeriesState[]): DeveloperDayUsage[] {
  const rows = new Map<string, DeveloperDayUsage & { costMicroCents: number; activeSeconds: number }>();
  for (const state of states) {
    const key = `${state.date}|${state.developer.key}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        date: state.date,
        developer: state.developer,
        active: true,
        metrics: zeroMetrics(),
        breakdowns: emptyBreakdowns(),
        extras: { source: 'otlp' },
        costMicroCents: 0,
        activeSeconds: 0,
      };
      rows.set(key, row);
    }
    const amount = dayContribution(state);
    const { type, model, decision, language } = state.attributes;
    const figures: PartialMetrics = {};
    switch (state.metric) {
      case 'claude_code.session.count':
        figures.sessions = amount;
        break;
      case 'claude_code.lines_of_code.count':
        if (type === 'added') Object.assign(figures, { lines_added: amount, lines_accepted: amount });
        else if (type === 'removed') figures.lines_removed = amount;
        break;
      case 'claude_code.pull_request.count':
        figures.pull_requests = amount;
        break;
      case 'claude_code.commit.count':
        figures.commits = amount;
        break;
      case 'claude_code.token.usage': {
        const name = type ? TOKEN_METRIC[type] : undefined;
        if (name) figures[name] = amount;
        break;
      }
      case 'claude_code.cost.usage':
        // USD; summed exactly (micro-cents) and rounded to cents once per row.
        row.costMicroCents += Math.round(amount * 100_000_000);
        if (model) {
          const entry = (row.breakdowns.models[model] ??= {});
          entry.cost_cents = (entry.cost_cents ?? 0) + amount * 100;
        }
        break;
      case 'claude_code.code_edit_tool.decision':
        figures.suggestions_shown = amount;
        if (decision === 'accept') figures.suggestions_accepted = amount;
        if (language) addMetrics((row.breakdowns.languages[language] ??= {}), { ...figures });
        break;
      case 'claude_code.active_time.total':
        // Seconds, with fractions: summed, and rounded to whole seconds once per row.
        row.activeSeconds += amount;
        break;
    }
    for (const [name, value] of Object.entries(figures))
      figures[name as keyof PartialMetrics] = Math.round(value);
    addMetrics(row.metrics, figures);
    if (model && state.metric === 'claude_code.token.usage') {
      addMetrics((row.breakdowns.models[model] ??= {}), figures);
    }
  }
  return [...rows.values()]
    .map(({ costMicroCents, activeSeconds, ...row }) => {
      row.metrics.cost_cents = Math.round(costMicroCents / 1_000_000);
      row.metrics.active_seconds = Math.round(activeSeconds);
      for (const entry of Object.values(row.breakdowns.models)) {
        if (entry.cost_cents !== undefined) entry.cost_cents = Math.round(entry.cost_cents);
      }
      row.metrics.interactions = row.metrics.sessions + row.metrics.suggestions_shown;
      return row;
    })
    .sort((a, b) => (a.developer.key < b.developer.key ? -1 : a.developer.key > b.developer.key ? 1 : 0));
}
