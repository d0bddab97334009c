import { toMicroCents, wholeCents } from './money';
import type { ManifestCatalog } from './provider';
import type { SeatAssignment, SeatSnapshot } from './model';

/**
 * Seat rules, in one place: when a licence counts as used, the dashboard's seat summary per tool, the
 * developers view's seat list, and the teams that hold seats but are missing from the usage rows.
 */

export interface SeatSummary {
  assigned: number;
  /** Seats whose last activity falls in the period. */
  active_in_period: number;
  inactive_in_period: number;
  /** Seats with no activity ever (a seat idle since the provider's activity window began is inactive, not this). */
  never_active: number;
  utilisation: number | null;
  /** On-demand spend of the seats in their current billing cycle, whole cents; null when the tool reports none. */
  cycle_spend_cents: number | null;
  taken_at: string;
}

/**
 * A seat counts as used in the period when the provider's last activity for it falls in the period
 * (GitHub: completions, chat, CLI, github.com — wider than the usage reports). One rule for the
 * dashboard's seat summary and the developers view's seat list.
 */
export function seatActiveSince(seat: SeatAssignment, periodStart: string): boolean {
  return seat.last_activity_at != null && seat.last_activity_at.slice(0, 10) >= periodStart;
}

/** Seat use over the period from the providers' seat snapshots (one per integration). */
export function seatSummary(snapshots: readonly SeatSnapshot[], periodStart: string): SeatSummary | null {
  if (snapshots.length === 0) return null;
  let assigned = 0;
  let active = 0;
  let never = 0;
  let spendMicroCents: number | null = null;
  for (const snapshot of snapshots) {
    for (const seat of snapshot.seats) {
      assigned++;
      if (!seat.last_activity_at && !seat.activity_known_since) never++;
      else if (seatActiveSince(seat, periodStart)) active++;
      if (seat.cycle_spend_cents !== undefined) {
        spendMicroCents = (spendMicroCents ?? 0) + toMicroCents(seat.cycle_spend_cents);
      }
    }
  }
  return {
    assigned,
    active_in_period: active,
    inactive_in_period: assigned - active,
    never_active: never,
    utilisation: assigned === 0 ? null : Math.round((active / assigned) * 10_000) / 10_000,
    cycle_spend_cents: spendMicroCents === null ? null : wholeCents(spendMicroCents),
    taken_at: snapshots.map((snapshot) => snapshot.taken_at).sort()[0] as string,
  };
}

/** One licence of a seat-based tool, with whether it was used in the period (as the dashboard counts it). */
export interface SeatView {
  provider: string;
  /** The row of the developers view this seat belongs to (a person `p_…`, or an identity `i_…`). */
  developer_id: string;
  developer: SeatAssignment['developer'];
  assigned_at: string | null;
  last_activity_at: string | null;
  last_activity_editor: string | null;
  plan_type: string | null;
  assigning_team: string | null;
  pending_cancellation_date: string | null;
  active_in_period: boolean;
  /** Activity is known only since this day (see SeatAssignment); null when the provider reports all of it. */
  activity_known_since: string | null;
  /** On-demand spend of the current billing cycle, whole cents; null when the tool reports none. */
  cycle_spend_cents: number | null;
  cycle_started_at: string | null;
}

/** Every seat of the latest snapshots, unused ones first (the ones an admin may reassign). */
export function seatViews(
  snapshots: readonly SeatSnapshot[],
  periodStart: string,
  developerId: (snapshot: SeatSnapshot, seat: SeatAssignment) => string,
): SeatView[] {
  return snapshots
    .flatMap((snapshot) =>
      snapshot.seats.map((seat) => ({
        provider: snapshot.provider,
        developer_id: developerId(snapshot, seat),
        developer: seat.developer,
        assigned_at: seat.assigned_at ?? null,
        last_activity_at: seat.last_activity_at ?? null,
        last_activity_editor: seat.last_activity_editor ?? null,
        plan_type: seat.plan_type ?? null,
        assigning_team: seat.assigning_team ?? null,
        pending_cancellation_date: seat.pending_cancellation_date ?? null,
        active_in_period: seatActiveSince(seat, periodStart),
        activity_known_since: seat.activity_known_since ?? null,
        cycle_spend_cents:
          seat.cycle_spend_cents === undefined ? null : wholeCents(toMicroCents(seat.cycle_spend_cents)),
        cycle_started_at: seat.cycle_started_at ?? null,
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
 * A provider may leave small teams out of its team report; saying so (in the provider's own words, from
 * its manifest) is better than drawing such a team as idle.
 */
export function unreportedTeams(
  /** `<provider>|<team>` of every provider team named in the period's usage. */
  reported: ReadonlySet<string>,
  snapshots: readonly SeatSnapshot[],
  manifests: ManifestCatalog,
): UnreportedTeam[] {
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
          manifests.find(provider)?.notes?.unreportedTeam ??
          'The provider reports no usage for this team in the period. Its members still appear individually.',
      };
    })
    .sort((a, b) => a.provider.localeCompare(b.provider) || a.team.localeCompare(b.team));
}

/** The idle spans a seat view counts: seats without activity in the last 14, 30 and 60 days. */
export const IDLE_SPANS = [14, 30, 60] as const;

/** Whole days since a seat's last activity (to today); null when it was never active. */
export function idleDays(seat: Pick<SeatView, 'last_activity_at'>, today: string): number | null {
  if (!seat.last_activity_at) return null;
  return Math.max(
    0,
    Math.round(
      (Date.parse(`${today}T00:00:00Z`) - Date.parse(`${seat.last_activity_at.slice(0, 10)}T00:00:00Z`)) /
        86_400_000,
    ),
  );
}

export interface SeatToolSummary {
  provider: string;
  assigned: number;
  active_in_period: number;
  /** Seats without activity for at least 14 / 30 / 60 days; a seat never active counts in each. */
  idle_14: number;
  idle_30: number;
  idle_60: number;
  never_active: number;
  /** On-demand spend of the seats' current cycles, whole cents; null when the tool reports none. */
  cycle_spend_cents: number | null;
}

/** Per tool: how many seats, how many idle for 14 / 30 / 60 days, and what they cost where known. */
export function seatToolSummaries(seats: readonly SeatView[], today: string): SeatToolSummary[] {
  const byTool = new Map<string, SeatToolSummary>();
  for (const seat of seats) {
    const summary = byTool.get(seat.provider) ?? {
      provider: seat.provider,
      assigned: 0,
      active_in_period: 0,
      idle_14: 0,
      idle_30: 0,
      idle_60: 0,
      never_active: 0,
      cycle_spend_cents: null,
    };
    const idle = idleDays(seat, today);
    summary.assigned++;
    if (seat.active_in_period) summary.active_in_period++;
    if (idle === null) summary.never_active++;
    if (idle === null || idle >= 14) summary.idle_14++;
    if (idle === null || idle >= 30) summary.idle_30++;
    if (idle === null || idle >= 60) summary.idle_60++;
    if (seat.cycle_spend_cents !== null) {
      summary.cycle_spend_cents = (summary.cycle_spend_cents ?? 0) + seat.cycle_spend_cents;
    }
    byTool.set(seat.provider, summary);
  }
  return [...byTool.values()].sort((a, b) => a.provider.localeCompare(b.provider));
}
