import { acceptanceRate } from './metrics';
import type { HeatmapDay, HeatmapState } from './dashboard';

/**
 * The dashboard's series over time, by day or by week: interactions and the day state, distinct people active,
 * and per tool its interactions, people and acceptance. Acceptance is per tool only: tools count a suggestion
 * differently (a completion, an accepted edit, a tab), so one rate across tools would blend unlike things.
 */
export type Grain = 'day' | 'week';
export const GRAINS: readonly Grain[] = ['day', 'week'];

export interface ToolPoint {
  provider: string;
  /** The tool's own state in the point: a tool not fetched there is a gap, not a quiet day. */
  state: HeatmapState;
  interactions: number;
  /** Distinct people active with the tool: that day, or on the busiest day of the week. */
  active_developers: number;
  suggestions_shown: number;
  suggestions_accepted: number;
  acceptance_rate: number | null;
}

export interface SeriesPoint {
  start_date: string;
  end_date: string;
  /** Days of the period in the point (a week at either end of the period may be cut). */
  days: number;
  /** Interactions known in the point (0 where nothing is known; `state` says which). */
  count: number;
  state: HeatmapState;
  /** Distinct people active with any tool: that day, or on the busiest day of the week. */
  active_developers: number;
  /** One entry per tool of the dashboard, in the dashboard's order. */
  tools: ToolPoint[];
}

/** What one day holds, per tool, before grouping. */
export interface DayFigures {
  active_developers: number;
  tools: Map<string, Omit<ToolPoint, 'provider' | 'state' | 'acceptance_rate'>>;
}

const KNOWN: ReadonlySet<HeatmapState> = new Set(['ok', 'no_activity', 'partial']);

/** A week's state from its days': fetched whole, partly, or why not at all (the most pressing reason). */
export function combinedState(states: readonly HeatmapState[], count: number): HeatmapState {
  if (states.every((state) => state === 'ok' || state === 'no_activity')) {
    return count > 0 ? 'ok' : 'no_activity';
  }
  if (states.some((state) => KNOWN.has(state))) return 'partial';
  for (const reason of ['failed', 'pending', 'not_available'] as const) {
    if (states.includes(reason)) return reason;
  }
  return 'not_fetched';
}

/** Monday of the ISO week a day is in. */
export function weekStart(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  const offset = (day.getUTCDay() + 6) % 7;
  return new Date(day.getTime() - offset * 86_400_000).toISOString().slice(0, 10);
}

export function buildSeries(input: {
  grain: Grain;
  heatmap: readonly HeatmapDay[];
  figures: ReadonlyMap<string, DayFigures>;
  providers: readonly string[];
  /** A tool's state on a day (from its integrations' ledger entries), given its interactions that day. */
  toolState: (date: string, provider: string, interactions: number) => HeatmapState;
}): SeriesPoint[] {
  const groups: HeatmapDay[][] = [];
  for (const day of input.heatmap) {
    const last = groups.at(-1);
    const sameGroup =
      last !== undefined &&
      input.grain === 'week' &&
      weekStart((last[0] as HeatmapDay).date) === weekStart(day.date);
    if (sameGroup) last.push(day);
    else groups.push([day]);
  }
  return groups.map((days) => {
    const count = days.reduce((sum, day) => sum + day.count, 0);
    const tools = input.providers.map((provider): ToolPoint => {
      const point = { interactions: 0, active_developers: 0, suggestions_shown: 0, suggestions_accepted: 0 };
      const states: HeatmapState[] = [];
      for (const day of days) {
        const figures = input.figures.get(day.date)?.tools.get(provider);
        states.push(input.toolState(day.date, provider, figures?.interactions ?? 0));
        if (!figures) continue;
        point.interactions += figures.interactions;
        point.active_developers = Math.max(point.active_developers, figures.active_developers);
        point.suggestions_shown += figures.suggestions_shown;
        point.suggestions_accepted += figures.suggestions_accepted;
      }
      return {
        provider,
        state: combinedState(states, point.interactions),
        ...point,
        acceptance_rate: acceptanceRate(point),
      };
    });
    return {
      start_date: (days[0] as HeatmapDay).date,
      end_date: (days.at(-1) as HeatmapDay).date,
      days: days.length,
      count,
      state: combinedState(
        days.map((day) => day.state),
        count,
      ),
      active_developers: Math.max(
        0,
        ...days.map((day) => input.figures.get(day.date)?.active_developers ?? 0),
      ),
      tools,
    };
  });
}
