import {
  BREAKDOWN_DIMENSIONS,
  addMetrics,
  emptyBreakdowns,
  mergeBreakdowns,
  zeroMetrics,
  type Breakdowns,
  type DeveloperDayUsage,
} from './metrics';

/** Longest breakdown kept per dimension; the tail is folded into "other" so items stay bounded. */
export const MAX_BREAKDOWN_ENTRIES = 50;
export const OTHER = 'other';

/** Keeps the `max` largest entries (by interactions, then tokens) and folds the rest into "other". */
export function capBreakdowns(breakdowns: Breakdowns, max = MAX_BREAKDOWN_ENTRIES): Breakdowns {
  const capped = emptyBreakdowns();
  for (const dimension of BREAKDOWN_DIMENSIONS) {
    const entries = Object.entries(breakdowns[dimension]);
    if (entries.length <= max) {
      capped[dimension] = breakdowns[dimension];
      continue;
    }
    const weight = (figures: (typeof entries)[number][1]) =>
      (figures.interactions ?? 0) * 1e9 + (figures.tokens_input ?? 0) + (figures.tokens_output ?? 0);
    entries.sort((a, b) => weight(b[1]) - weight(a[1]) || a[0].localeCompare(b[0]));
    for (const [name, figures] of entries.slice(0, max - 1)) capped[dimension][name] = figures;
    const other = (capped[dimension][OTHER] ??= {});
    for (const [, figures] of entries.slice(max - 1)) addMetrics(other, figures);
  }
  return capped;
}

/** Breakdowns summed (a block's from its children's, a period's from its blocks'), capped like a day's. */
export function sumBreakdowns(list: readonly Breakdowns[]): Breakdowns {
  const sum = emptyBreakdowns();
  for (const breakdowns of list) mergeBreakdowns(sum, breakdowns);
  return capBreakdowns(sum);
}

/** Sums one integration's developer rows of one day. */
export function summarizeDay(rows: readonly DeveloperDayUsage[]) {
  const metrics = zeroMetrics();
  const breakdowns = emptyBreakdowns();
  let activeDevelopers = 0;
  for (const row of rows) {
    addMetrics(metrics, row.metrics);
    mergeBreakdowns(breakdowns, row.breakdowns);
    if (row.active) activeDevelopers++;
  }
  return {
    metrics,
    breakdowns: capBreakdowns(breakdowns),
    active_developers: activeDevelopers,
    developers: rows.length,
  };
}
