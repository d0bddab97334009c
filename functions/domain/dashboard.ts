import { lastDays } from './dates';
import {
  BREAKDOWN_DIMENSIONS,
  acceptanceRate,
  addMetrics,
  zeroMetrics,
  type BreakdownDimension,
  type PartialMetrics,
  type UsageMetrics,
} from './metrics';
import type { Breakdowns } from './metrics';
import type { DayState, DayTotals, LedgerDay } from './model';
import type { SeatSnapshot } from './model';
import type { ActivePeople } from './day-attribution';
import { seatSummary, type SeatSummary } from './seats';
import { buildSeries, type DayFigures, type Grain, type SeriesPoint } from './series';

/** Pure aggregation of a period's daily sums, breakdowns and ledger into what a team page shows (docs/api.md, GET /dashboard). */
export type HeatmapState =
  'ok' | 'no_activity' | 'partial' | 'pending' | 'failed' | 'not_available' | 'not_fetched';

export interface HeatmapDay {
  date: string;
  /**
   * Interactions that day: what is known of it (a `partial` day counts only the tools that have it), and 0
   * where nothing is known. `state` says which, so a gap is never read as a quiet day.
   */
  count: number;
  state: HeatmapState;
}

export interface ToolSummary {
  /** The tool's id (`toolOf` of its sources' providers: `claude_code` for both of Claude Code's sources). */
  provider: string;
  name: string;
  /** The providers whose figures are summed here (one tool can have two sources: decision 87). */
  sources: string[];
  interactions: number;
  active_days: number;
  /** Most distinct people active with the tool on one day (across its integrations, people attributed). */
  max_daily_active_developers: number;
  /** Interactions attributed to roster people, and their share; null where not measured (group views). */
  matched_interactions: number | null;
  match_rate: number | null;
  sessions: number;
  requests: number;
  chat_turns: number;
  suggestions_shown: number;
  suggestions_accepted: number;
  acceptance_rate: number | null;
  lines_added: number;
  lines_removed: number;
  lines_suggested: number;
  lines_accepted: number;
  commits: number;
  pull_requests: number;
  tokens: { input: number; output: number; cache_read: number; cache_creation: number };
  cost_cents: number;
  /**
   * Active time with the tool, in seconds: reported only by Claude Code's telemetry; 0 for a tool none of whose
   * sources report it (docs/metrics.md), which the page leaves out as it leaves out a cost of 0.
   */
  active_seconds: number;
  /** Licences of seat-based tools (latest snapshot); null for tools without seats. */
  seats: SeatSummary | null;
}

export interface BreakdownRow extends PartialMetrics {
  name: string;
  acceptance_rate?: number | null;
}

export interface Dashboard {
  period: { start_date: string; end_date: string; days: number };
  total_interactions: number;
  active_days: number;
  top_tool: { provider: string; name: string; requests: number } | null;
  tools: ToolSummary[];
  heatmap_data: HeatmapDay[];
  acceptance_trend: {
    date: string;
    suggestions_shown: number;
    suggestions_accepted: number;
    acceptance_rate: number | null;
  }[];
  breakdowns: Record<BreakdownDimension, BreakdownRow[]>;
  /** The period by day or by week: interactions and state, people active, per-tool figures and acceptance. */
  series: { grain: Grain; points: SeriesPoint[] };
  sync: { days_fetched: number; days_pending: number; days_failed: number; days_not_fetched: number };
}

const FETCHED: ReadonlySet<DayState> = new Set(['ok', 'no_activity']);

export function heatmapState(entries: readonly Pick<LedgerDay, 'state'>[], count: number): HeatmapState {
  if (entries.length === 0) return 'not_fetched';
  const fetched = entries.filter((entry) => FETCHED.has(entry.state));
  if (fetched.length === entries.length) return count > 0 ? 'ok' : 'no_activity';
  if (fetched.length > 0) return 'partial';
  if (entries.some((entry) => entry.state === 'failed')) return 'failed';
  if (entries.some((entry) => entry.state === 'pending')) return 'pending';
  return 'not_available';
}

/** One heatmap entry per day: the count where something is known of it, 0 and the reason where not. */
export function heatmapDays(
  dates: readonly string[],
  ledgerByDate: ReadonlyMap<string, readonly Pick<LedgerDay, 'state'>[]>,
  countByDate: ReadonlyMap<string, number>,
): HeatmapDay[] {
  return dates.map((date) => {
    const entries = ledgerByDate.get(date) ?? [];
    const count = countByDate.get(date) ?? 0;
    const state = heatmapState(entries, count);
    const known = state === 'ok' || state === 'no_activity' || state === 'partial';
    return { date, count: known ? count : 0, state };
  });
}

function toolSummary(
  provider: string,
  name: string,
  sources: string[],
  metrics: UsageMetrics,
  activeDays: number,
  maxActive: number,
  seats: SeatSummary | null,
  matched: number | null,
): ToolSummary {
  return {
    provider,
    name,
    sources,
    interactions: metrics.interactions,
    active_days: activeDays,
    max_daily_active_developers: maxActive,
    matched_interactions: matched,
    match_rate:
      matched === null || metrics.interactions === 0
        ? null
        : Math.round((matched / metrics.interactions) * 10_000) / 10_000,
    sessions: metrics.sessions,
    requests: metrics.requests,
    chat_turns: metrics.chat_turns,
    suggestions_shown: metrics.suggestions_shown,
    suggestions_accepted: metrics.suggestions_accepted,
    acceptance_rate: acceptanceRate(metrics),
    lines_added: metrics.lines_added,
    lines_removed: metrics.lines_removed,
    lines_suggested: metrics.lines_suggested,
    lines_accepted: metrics.lines_accepted,
    commits: metrics.commits,
    pull_requests: metrics.pull_requests,
    tokens: {
      input: metrics.tokens_input,
      output: metrics.tokens_output,
      cache_read: metrics.tokens_cache_read,
      cache_creation: metrics.tokens_cache_creation,
    },
    cost_cents: metrics.cost_cents,
    active_seconds: metrics.active_seconds,
    seats,
  };
}

export function sortedBreakdown(entries: Map<string, PartialMetrics>): BreakdownRow[] {
  return [...entries.entries()]
    .map(([name, figures]) => {
      const row: BreakdownRow = { name, ...figures };
      if (figures.suggestions_shown !== undefined) row.acceptance_rate = acceptanceRate(figures);
      return row;
    })
    .sort(
      (a, b) =>
        (b.interactions ?? 0) - (a.interactions ?? 0) ||
        (b.tokens_input ?? 0) + (b.tokens_output ?? 0) - ((a.tokens_input ?? 0) + (a.tokens_output ?? 0)) ||
        a.name.localeCompare(b.name),
    );
}

export function buildDashboard(input: {
  today: string;
  days: number;
  /** Each integration's sums of each day with data (stored days' ledger entries, or a group's rollups). */
  totals: readonly DayTotals[];
  /** The period's breakdowns, in any number of pieces (breakdown blocks covering it, or a group's days). */
  breakdowns: readonly Breakdowns[];
  ledger: readonly LedgerDay[];
  seats?: readonly SeatSnapshot[];
  toolName: (provider: string) => string;
  /**
   * The tool a provider's figures belong to (ProviderManifest.tool); by default the provider itself. Tools, not
   * providers, are what the page shows: Claude Code's Admin API and Enterprise Analytics sources are one tool.
   */
  toolOf?: (provider: string) => string;
  /**
   * Distinct people active per day (from the days' attribution): replaces the per-integration counts of the
   * rollups, which would count one person twice across two accounts of a tool, or take only the larger one.
   */
  activePeople?: ReadonlyMap<string, ActivePeople>;
  /** Interactions attributed to roster people over the period, by tool (team view only). */
  matched?: ReadonlyMap<string, number>;
  /** The series' grain (default: day). */
  grain?: Grain;
}): Dashboard {
  const dates = lastDays(input.today, input.days);
  const toolOf = input.toolOf ?? ((provider: string) => provider);
  const sources = new Map<string, Set<string>>();
  const sourceOf = (provider: string) => {
    const tool = toolOf(provider);
    sources.set(tool, (sources.get(tool) ?? new Set<string>()).add(provider));
    return tool;
  };
  const inPeriod = new Set(dates);
  const countByDate = new Map<string, number>();
  const ledgerByDate = new Map<string, LedgerDay[]>();
  const perTool = new Map<string, { metrics: UsageMetrics; days: Set<string>; maxActive: number }>();
  const trend = new Map<string, { shown: number; accepted: number }>();
  const figures = new Map<string, DayFigures>();
  const breakdowns = Object.fromEntries(
    BREAKDOWN_DIMENSIONS.map((d) => [d, new Map<string, PartialMetrics>()]),
  ) as Record<BreakdownDimension, Map<string, PartialMetrics>>;

  for (const entry of input.ledger) {
    if (!inPeriod.has(entry.date)) continue;
    const list = ledgerByDate.get(entry.date) ?? [];
    list.push(entry);
    ledgerByDate.set(entry.date, list);
  }
  for (const sums of input.totals) {
    if (!inPeriod.has(sums.date)) continue;
    countByDate.set(sums.date, (countByDate.get(sums.date) ?? 0) + sums.metrics.interactions);
    const toolId = sourceOf(sums.provider);
    const tool = perTool.get(toolId) ?? {
      metrics: zeroMetrics(),
      days: new Set<string>(),
      maxActive: 0,
    };
    addMetrics(tool.metrics, sums.metrics);
    if (sums.metrics.interactions > 0 || sums.active_developers > 0) tool.days.add(sums.date);
    // Distinct people of the tool that day (attributed: a person in two of its sources counts once); without
    // an attribution, the busiest source's count (a lower bound).
    const people = input.activePeople?.get(sums.date)?.by_provider[toolId];
    tool.maxActive = Math.max(tool.maxActive, people ?? sums.active_developers);
    perTool.set(toolId, tool);
    const day = figures.get(sums.date) ?? { active_developers: 0, tools: new Map() };
    const point = day.tools.get(toolId) ?? {
      interactions: 0,
      active_developers: 0,
      suggestions_shown: 0,
      suggestions_accepted: 0,
    };
    point.interactions += sums.metrics.interactions;
    point.active_developers = Math.max(point.active_developers, people ?? sums.active_developers);
    point.suggestions_shown += sums.metrics.suggestions_shown;
    point.suggestions_accepted += sums.metrics.suggestions_accepted;
    day.tools.set(toolId, point);
    // Distinct people across tools where the day is attributed; else the busiest tool's (a lower bound).
    day.active_developers =
      input.activePeople?.get(sums.date)?.active_people ??
      Math.max(day.active_developers, point.active_developers);
    figures.set(sums.date, day);
    const blended = trend.get(sums.date) ?? { shown: 0, accepted: 0 };
    blended.shown += sums.metrics.suggestions_shown;
    blended.accepted += sums.metrics.suggestions_accepted;
    trend.set(sums.date, blended);
  }
  for (const piece of input.breakdowns) {
    for (const dimension of BREAKDOWN_DIMENSIONS) {
      for (const [name, figures] of Object.entries(piece[dimension])) {
        const target = breakdowns[dimension].get(name) ?? {};
        addMetrics(target, figures);
        breakdowns[dimension].set(name, target);
      }
    }
  }

  const heatmap = heatmapDays(dates, ledgerByDate, countByDate);

  const seatsByTool = new Map<string, SeatSnapshot[]>();
  for (const snapshot of input.seats ?? []) {
    const toolId = sourceOf(snapshot.provider);
    seatsByTool.set(toolId, [...(seatsByTool.get(toolId) ?? []), snapshot]);
    if (!perTool.has(toolId)) {
      perTool.set(toolId, { metrics: zeroMetrics(), days: new Set(), maxActive: 0 });
    }
  }
  const periodStart = dates[0] as string;
  const tools = [...perTool.entries()]
    .map(([provider, tool]) =>
      toolSummary(
        provider,
        input.toolName(provider),
        [...(sources.get(provider) ?? [provider])].sort(),
        tool.metrics,
        tool.days.size,
        tool.maxActive,
        seatSummary(seatsByTool.get(provider) ?? [], periodStart),
        input.matched ? (input.matched.get(provider) ?? 0) : null,
      ),
    )
    .sort((a, b) => b.interactions - a.interactions || a.provider.localeCompare(b.provider));
  const top = tools[0];
  return {
    period: { start_date: dates[0] as string, end_date: input.today, days: input.days },
    total_interactions: tools.reduce((sum, tool) => sum + tool.interactions, 0),
    active_days: heatmap.filter((day) => day.count > 0).length,
    top_tool:
      top && top.interactions > 0
        ? { provider: top.provider, name: top.name, requests: top.interactions }
        : null,
    tools,
    heatmap_data: heatmap,
    acceptance_trend: dates
      .filter((date) => trend.has(date))
      .map((date) => {
        const day = trend.get(date) as { shown: number; accepted: number };
        return {
          date,
          suggestions_shown: day.shown,
          suggestions_accepted: day.accepted,
          acceptance_rate: acceptanceRate({
            suggestions_shown: day.shown,
            suggestions_accepted: day.accepted,
          }),
        };
      }),
    breakdowns: Object.fromEntries(
      BREAKDOWN_DIMENSIONS.map((d) => [d, sortedBreakdown(breakdowns[d])]),
    ) as Record<BreakdownDimension, BreakdownRow[]>,
    series: {
      grain: input.grain ?? 'day',
      points: buildSeries({
        grain: input.grain ?? 'day',
        heatmap,
        figures,
        providers: tools.map((tool) => tool.provider),
        toolState: (date, provider, interactions) =>
          heatmapState(
            (ledgerByDate.get(date) ?? []).filter((entry) => toolOf(entry.provider) === provider),
            interactions,
          ),
      }),
    },
    sync: {
      days_fetched: heatmap.filter((d) => d.state === 'ok' || d.state === 'no_activity').length,
      days_pending: heatmap.filter((d) => d.state === 'pending').length,
      days_failed: heatmap.filter((d) => d.state === 'failed').length,
      days_not_fetched: heatmap.filter((d) => d.state === 'not_fetched').length,
    },
  };
}
