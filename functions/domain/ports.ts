import type {
  DailyRollup,
  DayState,
  Integration,
  LedgerEntry,
  SeatSnapshot,
  StoredDeveloperDay,
  SyncJob,
} from './model';

/**
 * Interfaces the use cases need; adapters implement them (DynamoDB, KMS + Secrets Manager, SQS, local).
 * Each use case names the members it uses (`Pick<IntegrationRepository, 'get' | 'save'>`), so a handler
 * wires exactly those and the compiler says what a function may touch. The provider port is in provider.ts.
 */
export interface IntegrationRepository {
  /** Creates or replaces the integration item. */
  save(integration: Integration): Promise<void>;
  get(teamId: string, integrationId: string): Promise<Integration | undefined>;
  list(teamId: string): Promise<Integration[]>;
  /** Active, sync-enabled integrations of one provider, from a sparse index (no Scan). */
  listSchedulable(provider: string): AsyncIterable<{ team_id: string; integration_id: string }>;
  /** Read-modify-write with optimistic locking; throws NotFoundError when absent. */
  update(
    teamId: string,
    integrationId: string,
    change: (current: Integration) => Partial<Integration>,
  ): Promise<Integration>;
  /**
   * Records a manual sync unless one was recorded within `windowSeconds` (conditional write).
   * Returns the seconds to wait when refused.
   */
  claimManualSync(
    teamId: string,
    integrationId: string,
    now: Date,
    windowSeconds: number,
  ): Promise<{ claimed: true } | { claimed: false; retryAfterSeconds: number }>;
  delete(teamId: string, integrationId: string): Promise<void>;
}

export interface DayReplacement {
  teamId: string;
  integrationId: string;
  provider: string;
  date: string;
  rows: StoredDeveloperDay[];
  rollup: DailyRollup;
  ledger: LedgerEntry;
  /** The provider's answer for the day, kept (compressed) to rebuild rows later. */
  raw: unknown;
}

export interface UsageRepository {
  /** Replaces an integration's seat snapshot (compressed, split in parts like raw answers). */
  replaceSeats(snapshot: SeatSnapshot): Promise<void>;
  /** The latest seat snapshot of every integration of a team. */
  getSeats(teamId: string): Promise<SeatSnapshot[]>;
  /** Makes the stored day exactly `rows` (stale rows removed), then writes rollup + ledger together. */
  replaceDay(replacement: DayReplacement): Promise<void>;
  /** Marks days `pending` where nothing better is known (never downgrades ok/no_activity). */
  markPending(
    entries: Omit<LedgerEntry, 'state' | 'attempts' | 'developers' | 'interactions'>[],
  ): Promise<void>;
  /** Records a day that could not be stored as data (failed/pending/not_available), counting attempts. */
  recordDayState(
    entry: Omit<LedgerEntry, 'attempts' | 'developers' | 'interactions'> & {
      state: Exclude<DayState, 'ok' | 'no_activity'>;
    },
  ): Promise<void>;
  getLedger(
    teamId: string,
    startDate: string,
    endDate: string,
    integrationId?: string,
  ): Promise<LedgerEntry[]>;
  getRollups(teamId: string, startDate: string, endDate: string): Promise<DailyRollup[]>;
  getDeveloperDays(teamId: string, dates: string[]): Promise<StoredDeveloperDay[]>;
  getRaw(teamId: string, integrationId: string, date: string): Promise<unknown | undefined>;
}

export interface SecretScope {
  teamId: string;
  integrationId: string;
  provider: string;
}

/** Keeps provider keys encrypted under a key bound to the scope (encryption context / AAD). */
export interface SecretStore {
  /** Stores (or replaces) the secret; returns a reference safe to keep in a table. */
  save(scope: SecretScope, secret: string): Promise<string>;
  read(ref: string, scope: SecretScope): Promise<string>;
  remove(ref: string, scope: SecretScope): Promise<void>;
}

export interface SyncQueue {
  /** Sends jobs to the provider's queue (in batches of ten). */
  enqueue(provider: string, jobs: SyncJob[]): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  newId(prefix: string): string;
}

/** A logger: structured, and never handed secrets. */
export interface Log {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}
