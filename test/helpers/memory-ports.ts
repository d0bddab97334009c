import { z } from 'zod';
import { NO_INTEGRATION, NotFoundError } from '../../functions/domain/errors';
import { emptyBreakdowns, zeroMetrics, type Breakdowns } from '../../functions/domain/metrics';
import type {
  Integration,
  LedgerEntry,
  SeatSnapshot,
  StoredDeveloperDay,
  SyncJob,
} from '../../functions/domain/model';
import type { DayAttribution, DayDigest, GroupRollup } from '../../functions/domain/day-attribution';
import { blockKey, type BlockRef, type IdentityBlock } from '../../functions/domain/identity-blocks';
import { emptyRoster, type Roster } from '../../functions/domain/roster';
import type {
  AttributionQueue,
  AttributionStore,
  Clock,
  DayReplacement,
  IntegrationRef,
  ReattributionRequest,
  RosterRepository,
  IdGenerator,
  IntegrationRepository,
  Log,
  SecretScope,
  SecretStore,
  SyncQueue,
  UsageRepository,
} from '../../functions/domain/ports';
import type {
  DayFetchResult,
  ProviderCatalog,
  SeatsFetchResult,
  UsageProvider,
} from '../../functions/domain/provider';
import type { ProviderManifest } from '../../functions/domain/provider-manifest';
import { createManifestCatalog } from '../../functions/providers/manifests';

/**
 * Plain in-memory implementations of the domain's ports, for use-case unit tests: no network, no SDK,
 * no module mocking. They keep the rules the real adapters keep where a use case relies on them (a
 * ledger day that holds data is never downgraded; optimistic updates; a secret opens only for its scope).
 */

export class MemoryIntegrations implements IntegrationRepository {
  readonly items = new Map<string, Integration>();
  /** Every write, in order: lets a test count how often a use case wrote an integration. */
  readonly writes: { op: 'save' | 'update' | 'claim' | 'delete'; integration_id: string }[] = [];

  private static key(teamId: string, integrationId: string) {
    return `${teamId}|${integrationId}`;
  }

  async save(integration: Integration): Promise<boolean> {
    const key = MemoryIntegrations.key(integration.team_id, integration.integration_id);
    // The store's condition: the version before this one is stored (none, for version 1).
    const stored = this.items.get(key);
    if (integration.version <= 1 ? stored !== undefined : stored?.version !== integration.version - 1) {
      return false;
    }
    this.items.set(key, structuredClone(integration));
    this.writes.push({ op: 'save', integration_id: integration.integration_id });
    return true;
  }

  async get(teamId: string, integrationId: string): Promise<Integration | undefined> {
    const found = this.items.get(MemoryIntegrations.key(teamId, integrationId));
    return found ? structuredClone(found) : undefined;
  }

  async list(teamId: string): Promise<Integration[]> {
    return [...this.items.values()]
      .filter((item) => item.team_id === teamId)
      .sort((a, b) => a.created_at.localeCompare(b.created_at))
      .map((item) => structuredClone(item));
  }

  async *listSchedulable(provider: string): AsyncIterable<{ team_id: string; integration_id: string }> {
    for (const item of this.items.values()) {
      if (item.provider === provider && item.status === 'active' && item.sync_enabled) {
        yield { team_id: item.team_id, integration_id: item.integration_id };
      }
    }
  }

  async update(
    teamId: string,
    integrationId: string,
    change: (current: Integration) => Partial<Integration>,
  ): Promise<Integration> {
    const key = MemoryIntegrations.key(teamId, integrationId);
    const current = this.items.get(key);
    if (!current) throw new NotFoundError(NO_INTEGRATION);
    const next = {
      ...current,
      ...change(structuredClone(current)),
      version: current.version + 1,
    } as Integration;
    for (const [field, value] of Object.entries(next)) {
      if (value === undefined) delete (next as unknown as Record<string, unknown>)[field];
    }
    this.items.set(key, next);
    this.writes.push({ op: 'update', integration_id: integrationId });
    return structuredClone(next);
  }

  async claimManualSync(
    teamId: string,
    integrationId: string,
    now: Date,
    windowSeconds: number,
  ): Promise<{ claimed: true } | { claimed: false; retryAfterSeconds: number }> {
    const current = this.items.get(MemoryIntegrations.key(teamId, integrationId));
    if (!current) throw new NotFoundError(NO_INTEGRATION);
    const last = current.last_manual_sync_at ? Date.parse(current.last_manual_sync_at) : undefined;
    if (last !== undefined && now.getTime() - last < windowSeconds * 1000) {
      return {
        claimed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((last + windowSeconds * 1000 - now.getTime()) / 1000)),
      };
    }
    current.last_manual_sync_at = now.toISOString();
    current.version++;
    this.writes.push({ op: 'claim', integration_id: integrationId });
    return { claimed: true };
  }

  async delete(teamId: string, integrationId: string): Promise<void> {
    this.items.delete(MemoryIntegrations.key(teamId, integrationId));
    this.writes.push({ op: 'delete', integration_id: integrationId });
  }
}

const DATA_STATES = new Set(['ok', 'no_activity']);

export class MemoryUsage implements UsageRepository {
  /** Ledger entries by `team|integration|date`. */
  readonly ledger = new Map<string, LedgerEntry>();
  /** Level-0 breakdown blocks of stored days, by the same key as rows. */
  readonly dayBreakdowns = new Map<string, { stamp: string; breakdowns: Breakdowns }>();
  readonly rows = new Map<string, StoredDeveloperDay[]>();
  readonly raw = new Map<string, unknown>();
  readonly seats = new Map<string, SeatSnapshot>();
  /** Level-0 identity blocks of stored days, by the same key as rows. */
  readonly dayBlocks = new Map<string, IdentityBlock>();
  /** `team` → `provider|integration` of every integration that stored a day. */
  readonly blockIndex = new Map<string, Set<string>>();
  /** Days replaced, in order (`integration|date`). */
  readonly replaced: string[] = [];

  private static key(teamId: string, integrationId: string, date: string) {
    return `${teamId}|${integrationId}|${date}`;
  }

  entry(teamId: string, integrationId: string, date: string) {
    return this.ledger.get(MemoryUsage.key(teamId, integrationId, date));
  }

  async replaceSeats(snapshot: SeatSnapshot): Promise<void> {
    this.seats.set(`${snapshot.team_id}|${snapshot.integration_id}`, structuredClone(snapshot));
  }

  async getSeats(teamId: string): Promise<SeatSnapshot[]> {
    return [...this.seats.values()].filter((snapshot) => snapshot.team_id === teamId);
  }

  async replaceDay(day: DayReplacement): Promise<void> {
    const key = MemoryUsage.key(day.teamId, day.integrationId, day.date);
    this.rows.set(key, structuredClone(day.rows));
    this.raw.set(key, structuredClone(day.raw));
    this.dayBreakdowns.set(key, { stamp: day.block.stamp, breakdowns: structuredClone(day.breakdowns) });
    this.ledger.set(key, structuredClone(day.ledger));
    this.dayBlocks.set(key, structuredClone(day.block));
    const index = this.blockIndex.get(day.teamId) ?? new Set<string>();
    index.add(`${day.provider}|${day.integrationId}`);
    this.blockIndex.set(day.teamId, index);
    this.replaced.push(`${day.integrationId}|${day.date}`);
  }

  async confirmDays(
    entry: Parameters<UsageRepository['confirmDays']>[0],
    days: Parameters<UsageRepository['confirmDays']>[1],
  ): Promise<void> {
    for (const day of days) {
      const current = this.ledger.get(MemoryUsage.key(entry.team_id, entry.integration_id, day.date));
      if (current?.sync_id === entry.sync_id) current.content_hash = day.content_hash;
    }
  }

  async markPending(entries: Parameters<UsageRepository['markPending']>[0]): Promise<void> {
    for (const entry of entries) {
      const key = MemoryUsage.key(entry.team_id, entry.integration_id, entry.date);
      const current = this.ledger.get(key);
      // Never downgrade a day whose data is known, or that the provider does not serve.
      if (current && current.state !== 'pending' && current.state !== 'failed') continue;
      this.ledger.set(key, {
        ...current,
        ...entry,
        state: 'pending',
        attempts: current?.attempts ?? 0,
        developers: current?.developers ?? 0,
        interactions: current?.interactions ?? 0,
      });
    }
  }

  async recordDayState(entry: Parameters<UsageRepository['recordDayState']>[0]): Promise<void> {
    const key = MemoryUsage.key(entry.team_id, entry.integration_id, entry.date);
    const current = this.ledger.get(key);
    if (current && DATA_STATES.has(current.state)) {
      // A failed re-fetch never hides data already stored: the error is kept beside it.
      current.attempts++;
      current.last_error = `${entry.state}: ${entry.reason ?? ''}`;
      return;
    }
    this.ledger.set(key, {
      ...entry,
      attempts: (current?.attempts ?? 0) + 1,
      developers: current?.developers ?? 0,
      interactions: current?.interactions ?? 0,
    });
  }

  async getLedger(
    teamId: string,
    startDate: string,
    endDate: string,
    integrationId?: string,
  ): Promise<LedgerEntry[]> {
    return [...this.ledger.values()]
      .filter(
        (entry) =>
          entry.team_id === teamId &&
          entry.date >= startDate &&
          entry.date <= endDate &&
          (integrationId === undefined || entry.integration_id === integrationId),
      )
      .sort((a, b) => a.date.localeCompare(b.date) || a.integration_id.localeCompare(b.integration_id))
      .map((entry) => structuredClone(entry));
  }

  async getDayStates(
    integrations: readonly { teamId: string; integrationId: string }[],
    startDate: string,
    endDate: string,
  ) {
    return Promise.all(
      integrations.map(async ({ teamId, integrationId }) =>
        (await this.getLedger(teamId, startDate, endDate, integrationId)).map(
          ({ date, state, updated_at }) => ({
            date,
            state,
            updated_at,
          }),
        ),
      ),
    );
  }

  async getLedgerDays(teamId: string, startDate: string, endDate: string) {
    return this.getLedger(teamId, startDate, endDate);
  }

  async getDeveloperDays(teamId: string, dates: string[]): Promise<StoredDeveloperDay[]> {
    const wanted = new Set(dates);
    return [...this.rows.values()].flat().filter((row) => row.team_id === teamId && wanted.has(row.date));
  }

  async getRaw(teamId: string, integrationId: string, date: string): Promise<unknown> {
    return this.raw.get(MemoryUsage.key(teamId, integrationId, date));
  }
}

/** Identity blocks, digests and day attributions over a MemoryUsage's stored days (level 0 comes from it). */
export class MemoryAttributionStore implements AttributionStore {
  readonly blocks = new Map<string, IdentityBlock>();
  readonly breakdownBlocks = new Map<string, { stamp: string; breakdowns: Breakdowns }>();
  readonly days = new Map<string, DayAttribution>();
  readonly groupRollups = new Map<string, GroupRollup>();

  constructor(readonly usage: MemoryUsage) {}

  private block(teamId: string, integrationId: string, block: BlockRef): IdentityBlock | undefined {
    if (block.level === 0) return this.usage.dayBlocks.get(`${teamId}|${integrationId}|${block.start}`);
    return this.blocks.get(`${teamId}|${integrationId}|${blockKey(block)}`);
  }

  async blockIntegrations(teamId: string): Promise<IntegrationRef[]> {
    return [...(this.usage.blockIndex.get(teamId) ?? [])].sort().map((member) => {
      const [provider, integration_id] = member.split('|') as [string, string];
      return { provider, integration_id };
    });
  }

  async getBlocks(teamId: string, wanted: readonly (IntegrationRef & { block: BlockRef })[]) {
    return wanted.flatMap((want) => {
      const found = this.block(teamId, want.integration_id, want.block);
      return found ? [structuredClone(found)] : [];
    });
  }

  async getBlockStamps(teamId: string, wanted: readonly (IntegrationRef & { block: BlockRef })[]) {
    const stamps = new Map<string, string>();
    for (const want of wanted) {
      const found = this.block(teamId, want.integration_id, want.block);
      if (found) stamps.set(`${want.integration_id}|${blockKey(want.block)}`, found.stamp);
    }
    return stamps;
  }

  async getBreakdownBlocks(teamId: string, wanted: readonly (IntegrationRef & { block: BlockRef })[]) {
    const found = new Map<string, { stamp: string; breakdowns: Breakdowns }>();
    for (const want of wanted) {
      const block =
        want.block.level === 0
          ? this.usage.dayBreakdowns.get(`${teamId}|${want.integration_id}|${want.block.start}`)
          : this.breakdownBlocks.get(`${teamId}|${want.integration_id}|${blockKey(want.block)}`);
      if (block) found.set(`${want.integration_id}|${blockKey(want.block)}`, structuredClone(block));
    }
    return found;
  }

  async putBlock(teamId: string, block: IdentityBlock, breakdowns: Breakdowns): Promise<void> {
    const key = `${teamId}|${block.integration_id}|${blockKey(block)}`;
    this.blocks.set(key, structuredClone(block));
    this.breakdownBlocks.set(key, { stamp: block.stamp, breakdowns: structuredClone(breakdowns) });
  }

  async getDayDigests(
    teamId: string,
    date: string,
    integrations: readonly IntegrationRef[],
  ): Promise<DayDigest[]> {
    return integrations.flatMap((integration) => {
      const key = `${teamId}|${integration.integration_id}|${date}`;
      const block = this.usage.dayBlocks.get(key);
      const rows = this.usage.rows.get(key);
      return block && rows ? [{ ...integration, stamp: block.stamp, rows: structuredClone(rows) }] : [];
    });
  }

  async getDigestStamps(teamId: string, date: string, integrations: readonly IntegrationRef[]) {
    const stamps: Record<string, string> = {};
    for (const integration of integrations) {
      const block = this.usage.dayBlocks.get(`${teamId}|${integration.integration_id}|${date}`);
      if (block) stamps[integration.integration_id] = block.stamp;
    }
    return stamps;
  }

  async putDayAttribution(day: DayAttribution, rollups: readonly GroupRollup[]): Promise<boolean> {
    const key = `${day.team_id}|${day.date}`;
    const previous = this.days.get(key);
    if (previous && previous.roster_version > day.roster_version) return false;
    this.days.set(key, structuredClone(day));
    for (const [rollupKey, rollup] of this.groupRollups) {
      if (rollup.team_id === day.team_id && rollup.date === day.date) this.groupRollups.delete(rollupKey);
    }
    for (const rollup of rollups) {
      this.groupRollups.set(
        `${day.team_id}|${rollup.group}|${rollup.date}|${rollup.integration_id}`,
        structuredClone(rollup),
      );
    }
    return true;
  }

  async getDayAttributions(teamId: string, startDate: string, endDate: string) {
    return [...this.days.values()]
      .filter((day) => day.team_id === teamId && day.date >= startDate && day.date <= endDate)
      .map((day) => structuredClone(day));
  }

  async getDayPeople(teamId: string, startDate: string, endDate: string, group?: string) {
    return (await this.getDayAttributions(teamId, startDate, endDate)).map((day) => {
      const people = group === undefined ? undefined : day.groups[group];
      return {
        date: day.date,
        roster_version: day.roster_version,
        team: day.team,
        matched: day.matched,
        ...(people ? { group: people } : {}),
      };
    });
  }

  async getGroupRollups(teamId: string, group: string, startDate: string, endDate: string) {
    return [...this.groupRollups.values()]
      .filter((r) => r.team_id === teamId && r.group === group && r.date >= startDate && r.date <= endDate)
      .map((rollup) => structuredClone(rollup));
  }

  async getDeveloperRows(
    teamId: string,
    wanted: readonly { date: string; integration_id: string; key: string }[],
  ): Promise<StoredDeveloperDay[]> {
    return wanted.flatMap((want) => {
      const rows = this.usage.rows.get(`${teamId}|${want.integration_id}|${want.date}`) ?? [];
      return rows.filter((row) => row.developer.key === want.key).map((row) => structuredClone(row));
    });
  }
}

export class MemoryRoster implements RosterRepository {
  readonly rosters = new Map<string, Roster>();

  async get(teamId: string): Promise<Roster> {
    return structuredClone(this.rosters.get(teamId) ?? emptyRoster(teamId));
  }

  async version(teamId: string): Promise<number> {
    return this.rosters.get(teamId)?.version ?? 0;
  }

  async save(roster: Roster): Promise<boolean> {
    const current = this.rosters.get(roster.team_id);
    if ((current?.version ?? 0) !== roster.version - 1) return false;
    this.rosters.set(roster.team_id, structuredClone(roster));
    return true;
  }
}

export class MemoryAttributionQueue implements AttributionQueue {
  readonly requests: ReattributionRequest[] = [];

  async requestReattribution(request: ReattributionRequest): Promise<void> {
    this.requests.push(structuredClone(request));
  }
}

export class MemorySecrets implements SecretStore {
  readonly stored = new Map<string, { scope: SecretScope; secret: string }>();
  private version = 0;

  async save(scope: SecretScope, secret: string): Promise<string> {
    const ref = `memory:${scope.teamId}/${scope.integrationId}#${++this.version}`;
    this.stored.set(`${scope.teamId}/${scope.integrationId}`, { scope, secret });
    return ref;
  }

  async read(ref: string, scope: SecretScope): Promise<string> {
    const found = this.stored.get(ref.slice('memory:'.length, ref.lastIndexOf('#')));
    if (!found || JSON.stringify(found.scope) !== JSON.stringify(scope)) throw new Error('secret not found');
    return found.secret;
  }

  async remove(ref: string): Promise<void> {
    this.stored.delete(ref.slice('memory:'.length, ref.lastIndexOf('#')));
  }
}

export class MemoryQueue implements SyncQueue {
  readonly sent: { provider: string; job: SyncJob }[] = [];

  async enqueue(provider: string, jobs: SyncJob[]): Promise<void> {
    for (const job of jobs) this.sent.push({ provider, job: structuredClone(job) });
  }

  jobs(): SyncJob[] {
    return this.sent.map((entry) => entry.job);
  }
}

export function fixedClock(iso: string): Clock & { set(iso: string): void; advance(seconds: number): void } {
  let current = new Date(iso);
  return {
    now: () => new Date(current),
    set: (next) => void (current = new Date(next)),
    advance: (seconds) => void (current = new Date(current.getTime() + seconds * 1000)),
  };
}

export function sequentialIds(): IdGenerator {
  let next = 0;
  return { newId: (prefix) => `${prefix}_${++next}` };
}

/** A Log that keeps what it was told. */
export function memoryLog(): Log & { lines: { level: string; message: string; attributes?: unknown }[] } {
  const lines: { level: string; message: string; attributes?: unknown }[] = [];
  const at = (level: string) => (message: string, attributes?: Record<string, unknown>) =>
    void lines.push({ level, message, attributes });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

/** A manifest for a test provider, close to the real ones. */
export function testManifest(overrides: Partial<ProviderManifest> = {}): ProviderManifest {
  return {
    id: 'fake',
    displayName: 'Fake Tool',
    baseUrlEnv: 'FAKE_API_BASE_URL',
    defaultBaseUrl: 'https://fake.example',
    scheduleCron: 'cron(0 3 * * ? *)',
    sync: { backfillDays: 30, dailyOffsets: [1, 2], newestOffset: 1, maxDaysPerJob: 10 },
    limits: { maxConcurrency: 2, fetcherTimeoutSeconds: 60, maxAttempts: 3, maxRetryAfterSeconds: 30 },
    local: { keyEnv: 'FAKE_KEY' },
    ...overrides,
  };
}

export interface ScriptedProviderOptions {
  manifest?: ProviderManifest;
  /** What each day answers (a function may throw a ProviderCallError). Unknown days fail the test. */
  days?: Record<string, () => DayFetchResult>;
  seats?: () => SeatsFetchResult;
  /** The account the key belongs to, or an error to throw from verifyCredentials. */
  account?: { id: string; name: string } | Error;
  optionsSchema?: z.ZodType<unknown>;
  /** Answer date ranges in one call (fetchDays) instead of one day per call; `rangeError` fails that call. */
  ranged?: boolean;
  rangeError?: () => Error | undefined;
  keyFormat?: (apiKey: string) => string | null;
  earliestDay?: string;
}

/**
 * A provider whose answers a test writes day by day. Raw answers are `{ users: string[] }`; each user is one
 * active developer with one interaction. Records every call, never the key.
 */
export function scriptedProvider(options: ScriptedProviderOptions = {}) {
  const calls: string[] = [];
  const provider: UsageProvider<never> = {
    manifest: options.manifest ?? testManifest(),
    connectOptionsSchema: (options.optionsSchema ?? z.object({}).strict()) as z.ZodType<never>,
    checkKeyFormat: options.keyFormat ?? (() => null),
    async verifyCredentials() {
      calls.push('verify');
      if (options.account instanceof Error) throw options.account;
      return options.account ?? { id: 'acct-1', name: 'Acme' };
    },
    ...(options.ranged
      ? {
          async fetchDays(_credentials: unknown, days: readonly string[]) {
            calls.push(`days:${days.join(',')}`);
            const error = options.rangeError?.();
            if (error) throw error;
            const answers = new Map<string, DayFetchResult>();
            for (const day of days) {
              const step = options.days?.[day];
              if (!step) throw new Error(`unexpected day ${day}`);
              const answer = step();
              // The call's requests are counted once, for the whole range.
              answers.set(day, answer.kind === 'ok' ? { ...answer, requests: 0 } : answer);
            }
            return { days: answers, requests: 1 };
          },
        }
      : {
          async fetchDay(_credentials: unknown, day: string) {
            calls.push(`day:${day}`);
            const step = options.days?.[day];
            if (!step) throw new Error(`unexpected day ${day}`);
            return step();
          },
        }),
    normalizeDay: (raw, day) =>
      (raw as { users: string[] }).users.map((user) => ({
        date: day,
        developer: { key: user, kind: 'user' as const },
        active: true,
        metrics: { ...zeroMetrics(), interactions: 1 },
        breakdowns: emptyBreakdowns(),
        extras: {},
      })),
    ...(options.earliestDay ? { earliestDay: () => options.earliestDay as string } : {}),
    ...(options.seats
      ? {
          fetchSeats: async () => {
            calls.push('seats');
            return (options.seats as () => SeatsFetchResult)();
          },
        }
      : {}),
  };
  return { provider, calls };
}

/** A catalog of the given providers (the same lookup rules as the real one). */
export function catalogOf(...providers: UsageProvider<never>[]): ProviderCatalog {
  const manifests = createManifestCatalog(providers.map((provider) => provider.manifest));
  return {
    ...manifests,
    get(id) {
      const found = providers.find((provider) => provider.manifest.id === id);
      if (!found) throw new Error(`unknown provider ${id}`);
      return found;
    },
  };
}

/** An integration record as connect would store it. */
export function integrationRecord(overrides: Partial<Integration> = {}): Integration {
  return {
    team_id: 't',
    integration_id: 'int_1',
    provider: 'fake',
    name: 'Fake Tool · Acme',
    account: { id: 'acct-1', name: 'Acme' },
    options: {},
    status: 'active',
    sync_enabled: true,
    secret_ref: 'memory:t/int_1#1',
    created_at: '2026-06-01T00:00:00.000Z',
    created_by: 'admin',
    updated_at: '2026-06-01T00:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

/** The error a call fails with (the test fails if it does not). */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}
