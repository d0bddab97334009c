import { acceptanceRate, addMetrics, zeroMetrics, type DeveloperRef, type UsageMetrics } from './metrics';
import type { StoredDeveloperDay } from './model';
import { seatActiveSince } from './dashboard';
import type { SeatSnapshot } from './ports';

/** One licence of a seat-based tool, with whether it was used in the period (as the dashboard counts it). */
export interface SeatView {
  provider: string;
  developer: SeatSnapshot['seats'][number]['developer'];
  assigned_at: string | null;
  last_activity_at: string | null;
  last_activity_editor: string | null;
  plan_type: string | null;
  assigning_team: string | null;
  pending_cancellation_date: string | null;
  active_in_period: boolean;
}

/** Every seat of the latest snapshots, unused ones first (the ones an admin may reassign). */
export function seatViews(snapshots: readonly SeatSnapshot[], periodStart: string): SeatView[] {
  return snapshots
    .flatMap((snapshot) =>
      snapshot.seats.map((seat) => ({
        provider: snapshot.provider,
        developer: seat.developer,
        assigned_at: seat.assigned_at ?? null,
        last_activity_at: seat.last_activity_at ?? null,
        last_activity_editor: seat.last_activity_editor ?? null,
        plan_type: seat.plan_type ?? null,
        assigning_team: seat.assigning_team ?? null,
        pending_cancellation_date: seat.pending_cancellation_date ?? null,
        active_in_period: seatActiveSince(seat, periodStart),
      })),
    )
    .sort(
      (a, b) =>
        Number(a.active_in_period) - Number(b.active_in_period) ||
        (a.last_activity_at ?? '').localeCompare(b.last_activity_at ?? '') ||
        a.developer.key.localeCompare(b.developer.key),
    );
}

/** A team that holds seats but appears in no developer's usage rows: its provider does not report it. */
export interface UnreportedTeam {
  provider: string;
  team: string;
  seats: number;
  reason: string;
}

/**
 * Teams known from seat assignments (GitHub: `assigning_team`) that no usage row names over the period.
 * GitHub leaves teams with fewer than five Copilot users out of its team report; saying so is better
 * than drawing such a team as idle.
 */
export function unreportedTeams(
  rows: readonly StoredDeveloperDay[],
  snapshots: readonly SeatSnapshot[],
): UnreportedTeam[] {
  const reported = new Set(rows.flatMap((row) => (row.teams ?? []).map((team) => `${row.provider}|${team}`)));
  const seats = new Map<string, number>();
  for (const snapshot of snapshots) {
    for (const seat of snapshot.seats) {
      if (!seat.assigning_team) continue;
      const key = `${snapshot.provider}|${seat.assigning_team}`;
      seats.set(key, (seats.get(key) ?? 0) + 1);
    }
  }
  return [...seats.entries()]
    .filter(([key]) => !reported.has(key))
    .map(([key, count]) => {
      const [provider, team] = key.split('|') as [string, string];
      return {
        provider,
        team,
        seats: count,
        reason:
          'The provider reports no usage for this team in the period: GitHub leaves teams with fewer than five ' +
          'Copilot users out of its team report. Its members still appear individually.',
      };
    })
    .sort((a, b) => a.provider.localeCompare(b.provider) || a.team.localeCompare(b.team));
}

/** Per-developer usage across tools over a period (GET /dashboard/developers). */
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
