import {
  acceptanceRate,
  addMetrics,
  zeroMetrics,
  type DeveloperRef,
  type UsageMetrics,
} from '../../functions/domain/metrics';
import type { StoredDeveloperDay } from '../../functions/domain/model';

/**
 * The baseline of the per-person benchmark: the developers view as it was built before identity blocks — every
 * developer-day row of the period read and summed per developer key (no roster, no people). Kept here, out of
 * the product, so `npm run bench` can run it side by side with the current view.
 */
export interface DeveloperUsage {
  developer: DeveloperRef;
  active_days: number;
  interactions: number;
  acceptance_rate: number | null;
  cost_cents: number;
  /** Provider teams seen for the developer in the period (GitHub team slugs); empty when none say. */
  teams: string[];
  tools: { provider: string; name: string; active_days: number; metrics: UsageMetrics }[];
}

/**
 * Developers are matched across tools by their key (e-mail where the provider gives one). Tools that
 * only know a login (GitHub) stay separate rows until a roster maps logins to e-mails.
 */
export function buildDeveloperUsage(
  rows: readonly StoredDeveloperDay[],
  toolName: (provider: string) => string,
): DeveloperUsage[] {
  const byDeveloper = new Map<
    string,
    {
      ref: DeveloperRef;
      days: Set<string>;
      teams: Set<string>;
      tools: Map<string, { days: Set<string>; metrics: UsageMetrics }>;
    }
  >();
  for (const row of rows) {
    const entry = byDeveloper.get(row.developer.key) ?? {
      ref: row.developer,
      days: new Set(),
      teams: new Set(),
      tools: new Map(),
    };
    for (const team of row.teams ?? []) entry.teams.add(team);
    const tool = entry.tools.get(row.provider) ?? { days: new Set<string>(), metrics: zeroMetrics() };
    addMetrics(tool.metrics, row.metrics);
    if (row.active) {
      tool.days.add(row.date);
      entry.days.add(row.date);
    }
    entry.tools.set(row.provider, tool);
    byDeveloper.set(row.developer.key, entry);
  }
  return [...byDeveloper.values()]
    .map(({ ref, days, teams, tools }) => {
      const total = zeroMetrics();
      for (const tool of tools.values()) addMetrics(total, tool.metrics);
      return {
        developer: ref,
        active_days: days.size,
        interactions: total.interactions,
        acceptance_rate: acceptanceRate(total),
        cost_cents: total.cost_cents,
        teams: [...teams].sort(),
        tools: [...tools.entries()]
          .map(([provider, tool]) => ({
            provider,
            name: toolName(provider),
            active_days: tool.days.size,
            metrics: tool.metrics,
          }))
          .sort((a, b) => b.metrics.interactions - a.metrics.interactions),
      };
    })
    .sort((a, b) => b.interactions - a.interactions || a.developer.key.localeCompare(b.developer.key));
}
