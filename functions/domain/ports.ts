import type { Breakdowns } from './metrics';
import type {
  DayState,
  Integration,
  LedgerDay,
  LedgerEntry,
  SeatSnapshot,
  StoredDeveloperDay,
  SyncJob,
} from './model';
import type { Roster } from './roster';
import type { DayAttribution, DayDigest, DayPeople, GroupRollup } from './day-attribution';
import type { BlockRef, IdentityBlock } from './identity-blocks';
import type { ImportRecord, ImportState } from './imports';
import type { IngestToken } from './ingest-tokens';
import type { SeriesState } from './telemetry/series';

/**
 * Interfaces the use cases need; adapters implement them (DynamoDB, KMS + Secrets Manager, SQS, local).
 * Each use case names the members it uses (`Pick<IntegrationRepository, 'get' | 'save'>`), so a handler
 * wires exactly those and the compiler says what a function may touch. The provider port is in provider.ts.
 */
export interface IntegrationRepository {
  /**
   * Writes the integration if the stored one is still the version before it (none, for version 1): false, writing
   * nothing, when another writer created or moved it first — read it again and decide anew.
   */
  save(integration: Integration): Promise<boolean>;
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
  /** The day's ledger entry, with its sums (`metrics`, `active_developers`) and the rows' fingerprint. */
  ledger: LedgerEntry;
  /** The day's breakdowns (capped), written as the level-0 breakdown block beside the identity block. */
  breakdowns: Breakdowns;
  /** The provider's answer for the day, kept (compressed) to rebuild rows later. */
  raw: unknown;
  /** The day's identity block (level 0); its stamp also marks the day's digest of rows. */
  block: IdentityBlock;
}

export interface UsageRepository {
  /** Replaces an integration's seat snapshot (compressed, split in parts like raw answers). */
  replaceSeats(snapshot: SeatSnapshot): Promise<void>;
  /** The latest seat snapshot of every integration of a team. */
  getSeats(teamId: string): Promise<SeatSnapshot[]>;
  /** Makes the stored day exactly `rows` (stale rows removed), then writes its ledger entry (its sums). */
  replaceDay(replacement: DayReplacement): Promise<void>;
  /**
   * Records the fingerprint of days a sync stored, once everything above them is refreshed — only where the
   * day is still the one that sync stored (its `sync_id`).
   */
  confirmDays(
    entry: Pick<LedgerEntry, 'team_id' | 'integration_id' | 'sync_id'>,
    days: readonly { date: string; content_hash: string }[],
  ): Promise<void>;
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
  /**
   * Integrations' day states over a period (state, and when a day not stored was last marked), each in date order
   * and in the order the integrations were given, from their month items: what the daily run needs to find days
   * to repair — a few small reads per integration whatever the team's size, asked for many integrations at once.
   */
  getDayStates(
    integrations: readonly { teamId: string; integrationId: string }[],
    startDate: string,
    endDate: string,
  ): Promise<Pick<LedgerEntry, 'date' | 'state' | 'updated_at'>[][]>;
  /** The ledger of a period as a page reads it: each day's state and sums, none of the writers' bookkeeping. */
  getLedgerDays(teamId: string, startDate: string, endDate: string): Promise<LedgerDay[]>;
  getDeveloperDays(teamId: string, dates: string[]): Promise<StoredDeveloperDay[]>;
  getRaw(teamId: string, integrationId: string, date: string): Promise<unknown | undefined>;
}

export interface IntegrationRef {
  integration_id: string;
  provider: string;
}

/** Pre-aggregates of per-person and per-group figures (see functions/domain/identity-blocks.ts). */
export interface AttributionStore {
  /** Integrations that stored days of identity blocks (deleted ones included: their history stays). */
  blockIntegrations(teamId: string): Promise<IntegrationRef[]>;
  /** The blocks that exist of those asked for. `consistent` for a writer that must see the latest. */
  getBlocks(
    teamId: string,
    wanted: readonly (IntegrationRef & { block: BlockRef })[],
    options?: { consistent?: boolean },
  ): Promise<IdentityBlock[]>;
  /** Stamps of blocks (read consistently), by `<integration id>|<blockKey>`; absent blocks are left out. */
  getBlockStamps(
    teamId: string,
    wanted: readonly (IntegrationRef & { block: BlockRef })[],
  ): Promise<Map<string, string>>;
  /**
   * Breakdown blocks (a block's breakdowns over its days, same levels and stamps as the identity blocks), by
   * `<integration id>|<blockKey>`; absent blocks are left out. `consistent` for a writer.
   */
  getBreakdownBlocks(
    teamId: string,
    wanted: readonly (IntegrationRef & { block: BlockRef })[],
    options?: { consistent?: boolean },
  ): Promise<Map<string, { stamp: string; breakdowns: Breakdowns }>>;
  /** Writes an identity block and the breakdown block of the same days, under the block's stamp. */
  putBlock(teamId: string, block: IdentityBlock, breakdowns: Breakdowns): Promise<void>;
  /** The rows each integration stored for a day, as digests (integrations without the day are left out). */
  getDayDigests(teamId: string, date: string, integrations: readonly IntegrationRef[]): Promise<DayDigest[]>;
  /** Stamps of the day's digests (read consistently), by integration id. */
  getDigestStamps(
    teamId: string,
    date: string,
    integrations: readonly IntegrationRef[],
  ): Promise<Record<string, string>>;
  /** Writes the day's attribution and group rollups, unless one of a newer roster version is stored (false). */
  putDayAttribution(day: DayAttribution, rollups: readonly GroupRollup[]): Promise<boolean>;
  getDayAttributions(teamId: string, startDate: string, endDate: string): Promise<DayAttribution[]>;
  /** Of each day's attribution, only what a dashboard shows (the team's, or `group`'s, people). */
  getDayPeople(teamId: string, startDate: string, endDate: string, group?: string): Promise<DayPeople[]>;
  getGroupRollups(teamId: string, group: string, startDate: string, endDate: string): Promise<GroupRollup[]>;
  /** Developer rows by key (one person's days), never a query over the team's days. */
  getDeveloperRows(
    teamId: string,
    wanted: readonly { date: string; integration_id: string; key: string }[],
  ): Promise<StoredDeveloperDay[]>;
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

export interface RosterRepository {
  /** The team's roster; an empty one (version 0) before the first. */
  get(teamId: string): Promise<Roster>;
  /** The roster's version alone (0 before the first): a small read, for pages that need no people. */
  version(teamId: string): Promise<number>;
  /** Stores `roster` if the stored version is still `roster.version - 1`; false when another change came first. */
  save(roster: Roster): Promise<boolean>;
}

export interface ReattributionRequest {
  team_id: string;
  /** The roster version that asked (days already attributed with it, or a newer one, are skipped). */
  roster_version: number;
  requested_at: string;
  /** A continuation: only days before this one are left (each message moves it back, so work always ends). */
  before?: string;
}

export interface AttributionQueue {
  /** Asks for the team's stored days to be attributed again (after a roster change), asynchronously. */
  requestReattribution(request: ReattributionRequest): Promise<void>;
}

export interface ImportRepository {
  create(record: ImportRecord): Promise<void>;
  get(teamId: string, importId: string): Promise<ImportRecord | undefined>;
  /** The team's latest imports, newest first. */
  list(teamId: string, limit: number): Promise<ImportRecord[]>;
  /** Applies `change` if the import is in one of `from` (a conditional write); false when it is not. */
  transition(
    teamId: string,
    importId: string,
    from: readonly ImportState[],
    change: Partial<ImportRecord>,
  ): Promise<boolean>;
}

/** A line of an uploaded file, as text fields; the header is the first. */
export interface FileLine {
  line: number;
  values: string[];
}

/** Uploaded import files (S3 in AWS, an S3-compatible local server locally). */
export interface ImportFiles {
  /** Where the file is uploaded: a presigned PUT that expires. */
  uploadTarget(
    key: string,
    expiresInSeconds: number,
  ): Promise<{ method: 'PUT'; url: string; headers: Record<string, string>; expires_at: string }>;
  /** The file's size in bytes, or undefined when nothing was uploaded. */
  size(key: string): Promise<number | undefined>;
  /** The file's lines as CSV fields, streamed. Throws ImportFileError where the text is not CSV. */
  lines(key: string): AsyncIterable<FileLine>;
}

/** A team's ingest tokens: a record per token in the team's partition and a lookup item by the token's hash. */
export interface IngestTokenRepository {
  /** Writes the record and its lookup item together. */
  create(token: IngestToken): Promise<void>;
  list(teamId: string): Promise<IngestToken[]>;
  /** Deletes the record and its lookup item together; false when the team has no such token. */
  revoke(teamId: string, tokenId: string): Promise<boolean>;
  /** The team and token a hash belongs to (one GetItem on the lookup item), if it is not revoked. */
  resolve(tokenHash: string): Promise<{ team_id: string; token_id: string } | undefined>;
  /** Sets last_used_at unless it was set less than `resolutionSeconds` ago (a conditional write, so cheap). */
  touch(teamId: string, tokenId: string, at: Date, resolutionSeconds: number): Promise<void>;
}

/** One developer's telemetry series of one day as stored, with the version its next write is conditioned on. */
export interface DeveloperSeries {
  states: SeriesState[];
  version: number;
}

/**
 * Telemetry series kept per team, integration and developer-day (functions/domain/telemetry/series.ts): what
 * a telemetry source's day rows are rebuilt from, and the day's rebuild mark (decision 91).
 */
export interface TelemetrySeriesRepository {
  /** Every developer's series of one integration's day, read consistently (what a rebuild reads). */
  getDay(teamId: string, integrationId: string, date: string): Promise<SeriesState[]>;
  /** One developer's series of a day, read consistently; undefined before the first. */
  getDeveloperDay(
    teamId: string,
    integrationId: string,
    date: string,
    developerKey: string,
  ): Promise<DeveloperSeries | undefined>;
  /**
   * Writes a developer-day's series on condition that its stored version is still `version` (0: none stored);
   * false, writing nothing, when another request moved it first.
   */
  putDeveloperDay(
    teamId: string,
    integrationId: string,
    date: string,
    developerKey: string,
    states: readonly SeriesState[],
    version: number,
  ): Promise<boolean>;
  /**
   * Marks the day as waiting for a rebuild. Answers the mark's time when this call made it (there was none, or
   * the one there was made before `staleBefore`), undefined when a live mark was already there.
   */
  markForRebuild(
    teamId: string,
    integrationId: string,
    date: string,
    now: string,
    staleBefore: string,
  ): Promise<string | undefined>;
  /** Whether the day carries a rebuild mark now (a consistent read). */
  isMarkedForRebuild(teamId: string, integrationId: string, date: string): Promise<boolean>;
  /** Removes the day's rebuild mark: a rebuild is about to read the day. */
  clearRebuildMark(teamId: string, integrationId: string, date: string): Promise<void>;
}

/** A telemetry day to rebuild from its series; `marked_at` is the mark that asked for it. */
export interface TelemetryRebuildRequest {
  team_id: string;
  integration_id: string;
  date: string;
  marked_at: string;
}

export interface TelemetryRebuildQueue {
  /**
   * Asks for the day to be rebuilt after the queue's delay; requests for one day are handled one at a time,
   * in order.
   */
  requestRebuild(request: TelemetryRebuildRequest): Promise<void>;
}

/** A count of requests per team and fixed window, shared by every instance of a function. */
export interface RequestCounter {
  /** Adds `count` to the team's count in the window and answers the window's total so far. */
  add(teamId: string, scope: string, windowStart: string, count: number, expiresAt: Date): Promise<number>;
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
