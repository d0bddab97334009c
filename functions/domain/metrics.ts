/**
 * The one metric vocabulary every provider is normalised into (see docs/metrics.md).
 * All figures are non-negative integers; units are in the names (cost in US cents, tokens, lines, seconds).
 * Append only: identity blocks keep sums as vectors in this order, and a block stored before a metric was
 * appended reads it as 0 (`vector[index] ?? 0`); the fingerprint hashes an appended metric only when it is not 0
 * (functions/domain/stored-day.ts).
 */
export const METRIC_NAMES = [
  'interactions',
  'sessions',
  'requests',
  'chat_turns',
  'suggestions_shown',
  'suggestions_accepted',
  'lines_added',
  'lines_removed',
  'lines_suggested',
  'lines_accepted',
  'commits',
  'pull_requests',
  'tokens_input',
  'tokens_output',
  'tokens_cache_read',
  'tokens_cache_creation',
  'cost_cents',
  'active_seconds',
] as const;

export type MetricName = (typeof METRIC_NAMES)[number];
export type UsageMetrics = Record<MetricName, number>;
/** A breakdown entry carries only the figures the provider reports for that dimension. */
export type PartialMetrics = Partial<UsageMetrics>;

export const BREAKDOWN_DIMENSIONS = ['editors', 'languages', 'models'] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];
export type Breakdowns = Record<BreakdownDimension, Record<string, PartialMetrics>>;

export type DeveloperKind = 'user' | 'service';

/** Who did the work, as far as the provider tells. `key` is stable per provider account. */
export interface DeveloperRef {
  key: string;
  kind: DeveloperKind;
  email?: string;
  login?: string;
  display_name?: string;
}

export type ExtraValue = number | string | boolean;

/** One developer's usage of one tool (integration) on one UTC day. */
export interface DeveloperDayUsage {
  date: string;
  developer: DeveloperRef;
  active: boolean;
  metrics: UsageMetrics;
  breakdowns: Breakdowns;
  /** Provider-specific figures that have no place in the vocabulary (kept, never summed blindly). */
  extras: Record<string, ExtraValue>;
  /** The provider's teams the developer belonged to that day (GitHub team slugs), where it says. */
  teams?: string[];
}

export const zeroMetrics = (): UsageMetrics =>
  Object.fromEntries(METRIC_NAMES.map((name) => [name, 0])) as UsageMetrics;

export const emptyBreakdowns = (): Breakdowns => ({ editors: {}, languages: {}, models: {} });

export function addMetrics(target: PartialMetrics, source: PartialMetrics): void {
  for (const name of METRIC_NAMES) {
    const value = source[name];
    if (value !== undefined) target[name] = (target[name] ?? 0) + value;
  }
}

export function mergeBreakdowns(target: Breakdowns, source: Breakdowns): void {
  for (const dimension of BREAKDOWN_DIMENSIONS) {
    for (const [name, figures] of Object.entries(source[dimension])) {
      const entry = (target[dimension][name] ??= {});
      addMetrics(entry, figures);
    }
  }
}

/**
 * Acceptance, in one place: the share of shown suggestions that were accepted, or null when nothing was shown —
 * of ONE tool's figures (the tool over a period, a day or week of it, its sources summed). Tools count a
 * "suggestion" differently (Copilot a completion shown, Cursor a tab offered, Claude Code an edit decision), so
 * figures summed over several tools have no acceptance rate: the dashboard gives it per tool and per tool in its
 * series, a person's figures per tool (`tools[].acceptance_rate`), and a person's rate across tools is null
 * (decisions 68 and 93). Still summed over tools: the deprecated `acceptance_trend` (decision 68), and a breakdown
 * row's rate where two tools report the same editor or language.
 */
export function acceptanceRate(metrics: PartialMetrics): number | null {
  const shown = metrics.suggestions_shown ?? 0;
  if (shown === 0) return null;
  return Math.round(((metrics.suggestions_accepted ?? 0) / shown) * 10_000) / 10_000;
}

/** Numbers add up, flags are true if either is, other values keep the first seen. */
export function mergeExtras(target: Record<string, ExtraValue>, source: Record<string, ExtraValue>): void {
  for (const [key, value] of Object.entries(source)) {
    const current = target[key];
    if (typeof current === 'number' && typeof value === 'number') target[key] = current + value;
    else if (typeof current === 'boolean' && typeof value === 'boolean') target[key] = current || value;
    else target[key] = current ?? value;
  }
}

/**
 * One row per developer: providers may report one developer in several records a day (per terminal,
 * per report file); figures, breakdowns, extras and teams are merged. Sorted by developer key.
 */
export function mergeByDeveloper(rows: readonly DeveloperDayUsage[]): DeveloperDayUsage[] {
  const byDeveloper = new Map<string, DeveloperDayUsage>();
  for (const usage of rows) {
    const existing = byDeveloper.get(usage.developer.key);
    if (!existing) {
      byDeveloper.set(usage.developer.key, usage);
      continue;
    }
    existing.active = existing.active || usage.active;
    addMetrics(existing.metrics, usage.metrics);
    mergeBreakdowns(existing.breakdowns, usage.breakdowns);
    mergeExtras(existing.extras, usage.extras);
    if (usage.teams) existing.teams = [...new Set([...(existing.teams ?? []), ...usage.teams])].sort();
  }
  return [...byDeveloper.values()].sort((a, b) => a.developer.key.localeCompare(b.developer.key));
}
