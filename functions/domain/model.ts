import type { Breakdowns, DeveloperDayUsage, DeveloperRef, UsageMetrics } from './metrics';

/** Entities of the system, as the use cases see them (storage keys live in the adapters). */
export type IntegrationStatus = 'active' | 'invalid_credentials' | 'not_available';
export type Role = 'admin' | 'member';

export interface Caller {
  teamId: string;
  role: Role;
  subject: string;
  /** The caller's e-mail, only when the identity provider verified it ("my usage" is resolved from it). */
  email?: string;
}

export type SyncOutcome = 'ok' | 'partial' | 'failed' | 'invalid_credentials' | 'not_available';

export interface LastSync {
  sync_id: string;
  trigger: SyncTrigger;
  finished_at: string;
  outcome: SyncOutcome;
  days_ok: number;
  days_failed: number;
  days_pending: number;
  message?: string;
}

/**
 * A sync job of the integration that failed on its last allowed receive, so its queue moved it to the dead-letter
 * queue: what the fetcher knew of it then. Removed when the job later succeeds (a redrive).
 */
export interface DeadLetteredJob {
  job_id: string;
  sync_id: string;
  trigger: SyncTrigger;
  /** The UTC days the job covered, ascending. */
  dates: string[];
  dead_lettered_at: string;
  /** Its last error, worded as sync failures are (never a key). */
  error: string;
}

export interface Integration {
  team_id: string;
  integration_id: string;
  provider: string;
  name: string;
  account: { id: string; name: string };
  /** Non-secret connect options (e.g. a GitHub organisation). */
  options: Record<string, unknown>;
  status: IntegrationStatus;
  status_message?: string;
  sync_enabled: boolean;
  /** Where the encrypted key lives (a Secrets Manager ARN, or a local store id). Never the key. */
  secret_ref: string;
  created_at: string;
  created_by: string;
  updated_at: string;
  last_sync?: LastSync;
  last_manual_sync_at?: string;
  /** Its jobs in the dead-letter queue as far as the pipeline knows, oldest first; absent when none. */
  dead_letters?: DeadLetteredJob[];
  /** Optimistic-locking counter. */
  version: number;
  /**
   * Where its usage comes from: the provider's API (absent: before imports existed), files and typed rows, or
   * telemetry the team's machines push (Claude Code's OpenTelemetry metrics).
   */
  source?: IntegrationSource;
}

export type IntegrationSource = 'api' | 'import' | 'telemetry';

export type DayState = 'pending' | 'ok' | 'no_activity' | 'failed' | 'not_available';

/** The sync ledger: what is known of one integration's day. */
export interface LedgerEntry {
  team_id: string;
  integration_id: string;
  provider: string;
  date: string;
  state: DayState;
  reason?: string;
  attempts: number;
  sync_id: string;
  updated_at: string;
  /** Rows and interactions written for the day (0 unless ok). */
  developers: number;
  interactions: number;
  /** On a day stored as data, why a later re-fetch failed (the stored data stands). */
  last_error?: string;
  last_error_at?: string;
  /**
   * The day's sums, on a day stored as data (`ok`, `no_activity`): what the dashboard reads per day. The day's
   * breakdowns are kept apart, in breakdown blocks (functions/domain/identity-blocks.ts), so a period's read stays
   * small whatever the variety of languages, editors and models.
   */
  metrics?: UsageMetrics;
  active_developers?: number;
  /**
   * Fingerprint of the rows stored for the day (functions/domain/stored-day.ts), set once the blocks and
   * attribution above the day are refreshed too: a later sync that brings the same rows writes nothing.
   */
  content_hash?: string;
}

/** What a page reads of a ledger entry: the day's state and, on a stored day, its sums. */
export type LedgerDay = Pick<
  LedgerEntry,
  | 'integration_id'
  | 'provider'
  | 'date'
  | 'state'
  | 'developers'
  | 'interactions'
  | 'metrics'
  | 'active_developers'
>;

/** One integration's sums of one day (a stored day's ledger entry, or a group's rollup). */
export type DayTotals = Omit<DailyRollup, 'breakdowns'>;

/** Per team × day × integration totals with the day's breakdowns (a group's day: functions/domain/day-attribution.ts). */
export interface DailyRollup {
  team_id: string;
  integration_id: string;
  provider: string;
  date: string;
  active_developers: number;
  developers: number;
  metrics: UsageMetrics;
  breakdowns: Breakdowns;
}

export type SyncTrigger = 'backfill' | 'scheduled' | 'manual';

export interface StoredDeveloperDay extends DeveloperDayUsage {
  team_id: string;
  integration_id: string;
  provider: string;
}

/** One queue message: a batch of days of one integration for its provider's fetcher. */
export interface SyncJob {
  version: 1;
  job_id: string;
  sync_id: string;
  team_id: string;
  integration_id: string;
  provider: string;
  trigger: SyncTrigger;
  /** Ascending UTC days, at most the manifest's `maxDaysPerJob`. */
  dates: string[];
  enqueued_at: string;
  /** Also refresh the seat snapshot (set on the newest job of a sync, for seat-based providers). */
  with_seats: boolean;
}

/** One licence as the provider reports it (a snapshot of now, not of a day). */
export interface SeatAssignment {
  developer: DeveloperRef;
  assigned_at?: string;
  last_activity_at?: string | null;
  last_activity_editor?: string | null;
  plan_type?: string;
  pending_cancellation_date?: string | null;
  assigning_team?: string | null;
  /**
   * The provider reports activity only since this day (Cursor: the last 30 days): a seat with no last activity
   * was idle since then, not necessarily never used.
   */
  activity_known_since?: string;
  /** On-demand spend of the current billing cycle, in cents as the provider sends them (may be fractional). */
  cycle_spend_cents?: number;
  /** Start of that billing cycle (ISO). */
  cycle_started_at?: string;
}

/** People active on a day, and in the 7 and the 30 days up to it (rolling windows), as a provider counts them. */
export interface ActiveUserCounts {
  daily?: number;
  weekly?: number;
  monthly?: number;
}

/**
 * Counts a provider reports for the whole organisation behind a seat snapshot, naming no one (Claude Enterprise:
 * the newest published day of `summaries`). A provider that lists every licence leaves them out.
 */
export interface SeatOrganisationCounts {
  /** The UTC day the counts describe. */
  as_of: string;
  /** Seats assigned to members, whether or not the snapshot lists their holders. */
  assigned_seats?: number;
  /** Invitations to join the organisation not accepted yet (they hold no seat yet). */
  pending_invites?: number;
  /** People active with any of the provider's products. */
  active_users?: ActiveUserCounts;
  /** People active with the tool itself, where the provider breaks its counts down by product. */
  tool_active_users?: ActiveUserCounts;
}

/** The latest seat assignments of one integration. */
export interface SeatSnapshot {
  team_id: string;
  integration_id: string;
  provider: string;
  taken_at: string;
  seats: SeatAssignment[];
  /** The organisation's own counts, where the provider reports them (absent in snapshots stored before). */
  organisation?: SeatOrganisationCounts;
}
