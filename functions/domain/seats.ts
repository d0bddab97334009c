import { toMicroCents, wholeCents } from './money';
import type { ManifestCatalog } from './provider';
import type { ActiveUserCounts, SeatAssignment, SeatOrganisationCounts, SeatSnapshot } from './model';

/**
 * Seat rules, in one place: when a licence counts as used, the dashboard's seat summary per tool, the
 * developers view's seat list, and the teams that hold seats but are missing from the usage rows.
 */

/** People active per window, summed over organisations; null where one of them does not report the window. */
export interface ActiveUserSummary {
  daily: number | null;
  weekly: number | null;
  monthly: number | null;
}

/** The organisations' own counts behind a tool's seats (see SeatOrganisationCounts), summed over them. */
export interface OrganisationSeatSummary {
  /** The oldest day the counts describe. */
  as_of: string;
  assigned_seats: number | null;
  pending_invites: number | null;
  active_users: ActiveUserSummary;
  tool_active_users: ActiveUserSummary;
}

export interface SeatSummary {
  /** Seats held: per snapshot the organisation's assigned seats where it reports them, else the seats listed. */
  assigned: number;
  /** Where `assigned` comes from: the listed seats, the organisations' counts, or both (several integrations). */
  assigned_from: 'listed' | 'organisation' | 'mixed';
  /** Seats listed one by one, with a holder the page can name. */
  listed: number;
  /** Listed seats whose last activity falls in the period (never more than the seats held). */
  active_in_period: number;
  /** Seats held and not active in the period: listed ones idle, and every seat the listing leaves out. */
  inactive_in_period: number;
  /** Seats with no activity ever (a seat idle since the provider's activity window began is inactive, not this). */
  never_active: number;
  utilisation: number | null;
  /** On-demand spend of the seats in their current billing cycle, whole cents; null when the tool reports none. */
  cycle_spend_cents: number | null;
  taken_at: string;
  /** The organisations' counts, where the provider reports them (Claude Enterprise); null otherwise. */
  organisation: OrganisationSeatSummary | null;
}

/**
 * A seat counts as used in the period when the provider's last activity for it falls in the period
 * (GitHub: completions, chat, CLI, github.com — wider than the usage reports). One rule for the
 * dashboard's seat summary and the developers view's seat list.
 */
export function seatActiveSince(seat: SeatAssignment, periodStart: string): boolean {
  return seat.last_activity_at != null && seat.last_activity_at.slice(0, 10) >= periodStart;
}

/**
 * The seats of some people only (a group's view): the listed seats `keep` keeps, without the organisation's
 * counts, which describe the whole organisation and never a group of it.
 */
export function seatsOfSome(
  snapshots: readonly SeatSnapshot[],
  keep: (snapshot: SeatSnapshot, seat: SeatAssignment) => boolean,
): SeatSnapshot[] {
  return snapshots.map(({ organisation: _whole, ...snapshot }) => ({
    ...snapshot,
    seats: snapshot.seats.filter((seat) => keep(snapshot, seat)),
  }));
}

/** A count summed over organisations, null unless every one of them reports it. */
function sumOfAll(counts: readonly (number | undefined)[]): number | null {
  return counts.every((count): count is number => count !== undefined)
    ? counts.reduce((sum, count) => sum + count, 0)
    : null;
}

function activeSummary(counts: readonly (ActiveUserCounts | undefined)[]): ActiveUserSummary {
  return {
    daily: sumOfAll(counts.map((c) => c?.daily)),
    weekly: sumOfAll(counts.map((c) => c?.weekly)),
    monthly: sumOfAll(counts.map((c) => c?.monthly)),
  };
}

/** The organisation counts of the snapshots that have them, summed; null when none has. */
function organisationSummary(snapshots: readonly SeatSnapshot[]): OrganisationSeatSummary | null {
  const counts = snapshots.flatMap((snapshot) => snapshot.organisation ?? []) as SeatOrganisationCounts[];
  if (counts.length === 0) return null;
  return {
    as_of: counts.map((c) => c.as_of).sort()[0] as string,
    assigned_seats: sumOfAll(counts.map((c) => c.assigned_seats)),
    pending_invites: sumOfAll(counts.map((c) => c.pending_invites)),
    active_users: activeSummary(counts.map((c) => c.active_users)),
    tool_active_users: activeSummary(counts.map((c) => c.tool_active_users)),
  };
}

/**
 * Seat use over the period from the providers' seat snapshots (one per integration). Seats held are what the
 * organisation pays for: where a snapshot carries the organisation's assigned-seat count (a provider whose
 * listing need not name every holder, as Claude Enterprise's activity roll-up), that count; else the seats it
 * lists. Activity is known only for listed seats, so active and never-active seats are counted among them,
 * capped at the seats held (a seat passed on within the period is one seat); every other seat held is inactive.
 */
/**
 * Seats one snapshot holds: the organisation's assigned-seat count where the provider reports it (its listing
 * need not name every holder), else the seats it lists.
 */
export const seatsHeld = (snapshot: SeatSnapshot): number =>
  snapshot.organisation?.assigned_seats ?? snapshot.seats.length;

export function seatSummary(snapshots: readonly SeatSnapshot[], periodStart: string): SeatSummary | null {
  if (snapshots.length === 0) return null;
  let assigned = 0;
  let listed = 0;
  let active = 0;
  let never = 0;
  let fromOrganisation = 0;
  let spendMicroCents: number | null = null;
  for (const snapshot of snapshots) {
    let activeListed = 0;
    let neverListed = 0;
    for (const seat of snapshot.seats) {
      if (!seat.last_activity_at && !seat.activity_known_since) neverListed++;
      else if (seatActiveSince(seat, periodStart)) activeListed++;
      if (seat.cycle_spend_cents !== undefined) {
        spendMicroCents = (spendMicroCents ?? 0) + toMicroCents(seat.cycle_spend_cents);
      }
    }
    if (snapshot.organisation?.assigned_seats !== undefined) fromOrganisation++;
    const held = seatsHeld(snapshot);
    const activeHeld = Math.min(activeListed, held);
    assigned += held;
    listed += snapshot.seats.length;
    active += activeHeld;
    never += Math.min(neverListed, held - activeHeld);
  }
  return {
    assigned,
    assigned_from:
      fromOrganisation === 0 ? 'listed' : fromOrganisation === snapshots.length ? 'organisation' : 'mixed',
    listed,
    active_in_period: active,
    inactive_in_period: assigned - active,
    never_active: never,
    utilisation: assigned === 0 ? null : Math.round((active / assigned) * 10_000) / 10_000,
    cycle_spend_cents: spendMicroCents === null ? null : wholeCents(spendMicroCents),
    taken_at: snapshots.map((snapshot) => snapshot.taken_at).sort()[0] as string,
    organisation: organisationSummary(snapshots),
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
  /** Seats held, as the dashboard's seat summary counts them (seatSummary): the organisation's count where reported. */
  assigned: number;
  assigned_from: SeatSummary['assigned_from'];
  /** Seats listed one by one, with a holder (the `seats` of the view). */
  listed: number;
  active_in_period: number;
  /**
   * Seats held without activity for at least 14 / 30 / 60 days: listed seats by their last activity (a seat never
   * active in each), and every seat held that the listing does not name, whose activity is unknown.
   */
  idle_14: number;
  idle_30: number;
  idle_60: number;
  never_active: number;
  /** On-demand spend of the seats' current cycles, whole cents; null when the tool reports none. */
  cycle_spend_cents: number | null;
}

/**
 * Per provider (seats stay per source, decision 87), from its integrations' snapshots: the seats held, used and
 * never used by the dashboard's rule (seatSummary), and how many of the seats held were idle 14 / 30 / 60 days to
 * `today`. A seat held but not listed has no known activity, so it counts as not used in each span, as it counts
 * inactive on the dashboard. Pass a member's own seats through `seatsOfSome`: the organisation's counts are the
 * whole organisation's, never one person's.
 */
export function seatToolSummaries(
  snapshots: readonly SeatSnapshot[],
  periodStart: string,
  today: string,
): SeatToolSummary[] {
  const byProvider = new Map<string, SeatSnapshot[]>();
  for (const snapshot of snapshots) {
    byProvider.set(snapshot.provider, [...(byProvider.get(snapshot.provider) ?? []), snapshot]);
  }
  return [...byProvider.entries()]
    .map(([provider, ofProvider]) => {
      const summary = seatSummary(ofProvider, periodStart) as SeatSummary;
      const idle = IDLE_SPANS.map((span) =>
        ofProvider.reduce((sum, snapshot) => {
          const held = seatsHeld(snapshot);
          const idleListed = snapshot.seats.filter((seat) => {
            const days = idleDays({ last_activity_at: seat.last_activity_at ?? null }, today);
            return days === null || days >= span;
          }).length;
          return sum + Math.min(held, idleListed + Math.max(0, held - snapshot.seats.length));
        }, 0),
      ) as [number, number, number];
      return {
        provider,
        assigned: summary.assigned,
        assigned_from: summary.assigned_from,
        listed: summary.listed,
        active_in_period: summary.active_in_period,
        idle_14: idle[0],
        idle_30: idle[1],
        idle_60: idle[2],
        never_active: summary.never_active,
        cycle_spend_cents: summary.cycle_spend_cents,
      };
    })
    .sort((a, b) => a.provider.localeCompare(b.provider));
}
