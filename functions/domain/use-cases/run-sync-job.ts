import type { Integration, LastSync, LedgerEntry, SeatSnapshot, SyncJob, SyncOutcome } from '../model';
import { identityLinks } from '../attribution';
import type {
  AttributionQueue,
  AttributionStore,
  Clock,
  IntegrationRepository,
  Log,
  RosterRepository,
  SecretStore,
  UsageRepository,
} from '../ports';
import {
  ProviderCallError,
  type DayFetchResult,
  type ProviderCatalog,
  type ProviderCredentials,
  type UsageProvider,
} from '../provider';
import { dayReplacement, rowsFingerprint } from '../stored-day';
import { refreshAfterStoring } from './refresh-attribution';

/** Thrown when some days failed for reasons that may pass (rate limit, outage): the queue redelivers. */
export class RetryLaterError extends Error {
  override name = 'RetryLaterError';
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/**
 * How a sync failure is worded wherever it is kept (a day's reason, a dead-lettered job): a provider's own
 * wording of a failed call or of a job to retry, which never carries the key; else the error's message.
 */
export function syncErrorText(error: unknown): string {
  if (error instanceof ProviderCallError || error instanceof RetryLaterError) return error.message;
  return `error: ${error instanceof Error ? error.message : String(error)}`;
}

export interface SyncJobPorts {
  providers: ProviderCatalog;
  integrations: Pick<IntegrationRepository, 'get' | 'update'>;
  secrets: Pick<SecretStore, 'read'>;
  usage: Pick<
    UsageRepository,
    'getLedger' | 'replaceDay' | 'confirmDays' | 'recordDayState' | 'replaceSeats' | 'getSeats'
  >;
  /** Per-person and per-group pre-aggregates, refreshed for the days the job stored. */
  attribution: AttributionStore;
  roster: Pick<RosterRepository, 'get'>;
  /** Asked to attribute stored days again when a seat snapshot links identities to other e-mails. */
  reattribution: AttributionQueue;
  clock: Clock;
  log: Log;
}

export interface JobResult {
  job_id: string;
  outcome: SyncOutcome | 'skipped';
  days_ok: number;
  days_failed: number;
  days_pending: number;
  /** Of the days ok, those whose rows were the same as stored: nothing was written for them. */
  days_unchanged?: number;
  requests: number;
  seats?: number;
  reason?: string;
}

const DONE_STATES = new Set(['ok', 'no_activity']);

/** A day state that carries no data: what is known of a day that could not be stored. */
type MarkedState = 'pending' | 'failed' | 'not_available';

/** One job in progress: what it has learned, and the single change it will make to its integration. */
class JobRun {
  readonly result: JobResult;
  /** Set once nothing more can be fetched in this job: every later day gets this state. */
  stop: { state: 'failed' | 'not_available'; reason: string } | undefined;
  retryLater: RetryLaterError | undefined;
  /** Days this sync has stored (now or in an earlier delivery): their attribution is refreshed. */
  readonly stored: string[] = [];
  /** Fingerprints of the days stored now, recorded once what is above them is refreshed. */
  readonly fingerprints: { date: string; content_hash: string }[] = [];
  /** Status to record on the integration, written once with the job's last_sync. */
  status: Pick<Integration, 'status' | 'status_message'> | undefined;

  constructor(
    readonly job: SyncJob,
    readonly provider: UsageProvider<never>,
    readonly credentials: ProviderCredentials<never>,
    readonly known: ReadonlyMap<string, LedgerEntry>,
    private readonly ports: SyncJobPorts,
  ) {
    this.result = {
      job_id: job.job_id,
      outcome: 'ok',
      days_ok: 0,
      days_failed: 0,
      days_pending: 0,
      requests: 0,
    };
  }

  private get identity() {
    const { team_id, integration_id, provider, sync_id } = this.job;
    return { team_id, integration_id, provider, sync_id };
  }

  now(): string {
    return this.ports.clock.now().toISOString();
  }

  /** Whether this sync already stored the day (a redelivered job does not fetch it again). */
  storedBySync(date: string): boolean {
    const previous = this.known.get(date);
    return previous !== undefined && previous.sync_id === this.job.sync_id && DONE_STATES.has(previous.state);
  }

  /** Records what is known of a day that could not be stored as data (attempts counted). */
  async mark(date: string, state: MarkedState, reason: string): Promise<void> {
    await this.ports.usage.recordDayState({ ...this.identity, date, state, reason, updated_at: this.now() });
    if (state === 'failed') this.result.days_failed++;
    if (state === 'pending') this.result.days_pending++;
  }

  /**
   * Replaces the stored day with the provider's answer (rows, raw, blocks, then the ledger entry with its sums)
   * — unless the rows are the ones already stored and confirmed, when nothing is written at all.
   */
  async store(date: string, raw: unknown): Promise<void> {
    const rows = this.provider.normalizeDay(raw, date);
    const fingerprint = rowsFingerprint(rows);
    const previous = this.known.get(date);
    this.result.days_ok++;
    const same =
      previous !== undefined &&
      DONE_STATES.has(previous.state) &&
      previous.content_hash === fingerprint &&
      previous.last_error === undefined;
    if (same) {
      this.result.days_unchanged = (this.result.days_unchanged ?? 0) + 1;
      return;
    }
    await this.ports.usage.replaceDay(
      dayReplacement({
        ...this.identity,
        date,
        rows,
        raw,
        attempts: previous?.attempts ?? 0,
        now: this.now(),
      }),
    );
    this.stored.push(date);
    this.fingerprints.push({ date, content_hash: fingerprint });
  }

  /** Nothing will come until someone acts (a policy, seats): say so on the integration, stop asking. */
  notAvailable(message: string): void {
    this.stop = { state: 'not_available', reason: message };
    this.result.outcome = 'not_available';
    this.status = { status: 'not_available', status_message: message };
  }

  /** The stored key no longer works: every remaining day fails with this reason, which is returned. */
  credentialsRefused(reason: string): string {
    this.stop = { state: 'failed', reason: `invalid_credentials: the provider refused the key (${reason})` };
    this.result.outcome = 'invalid_credentials';
    this.status = {
      status: 'invalid_credentials',
      status_message: `${this.provider.manifest.displayName} refused the stored key (${reason}). Connect again with a valid key.`,
    };
    return this.stop.reason;
  }
}

/** Why a job does nothing, if it should not run (checked before the key is even read). */
async function skipRules(
  job: SyncJob,
  integration: Integration | undefined,
  ports: SyncJobPorts,
): Promise<JobResult | undefined> {
  const skipped = (reason: string, extra: Partial<JobResult> = {}): JobResult => ({
    job_id: job.job_id,
    outcome: 'skipped',
    days_ok: 0,
    days_failed: 0,
    days_pending: 0,
    requests: 0,
    reason,
    ...extra,
  });
  if (!integration || integration.provider !== job.provider) {
    ports.log.warn('sync job skipped: integration no longer exists', {
      job_id: job.job_id,
      integration_id: job.integration_id,
    });
    return skipped('integration_deleted');
  }
  if (job.trigger === 'scheduled' && !integration.sync_enabled) return skipped('sync_disabled');
  // Stays quiet until re-authorised (connect) or re-synced by hand (POST /sync clears the state).
  if (job.trigger === 'scheduled' && integration.status === 'not_available') return skipped('not_available');
  if (integration.status === 'invalid_credentials') {
    const { team_id, integration_id, provider, sync_id } = job;
    for (const date of job.dates) {
      await ports.usage.recordDayState({
        team_id,
        integration_id,
        provider,
        sync_id,
        date,
        state: 'failed',
        reason: 'invalid_credentials: reconnect with a valid key',
        updated_at: ports.clock.now().toISOString(),
      });
    }
    return {
      ...skipped('invalid_credentials'),
      outcome: 'invalid_credentials',
      days_failed: job.dates.length,
    };
  }
  return undefined;
}

/** Opens the job: the provider, the decrypted key, and what the ledger already knows of its days. */
async function startRun(job: SyncJob, integration: Integration, ports: SyncJobPorts): Promise<JobRun> {
  const provider = ports.providers.get(job.provider);
  const scope = { teamId: job.team_id, integrationId: job.integration_id, provider: job.provider };
  const credentials = {
    apiKey: await ports.secrets.read(integration.secret_ref, scope),
    options: integration.options as never,
    teamId: job.team_id,
  };
  const dates = [...job.dates].sort();
  const ledger = await ports.usage.getLedger(
    job.team_id,
    dates[0] as string,
    dates[dates.length - 1] as string,
    job.integration_id,
  );
  return new JobRun(
    { ...job, dates },
    provider,
    credentials,
    new Map(ledger.map((entry) => [entry.date, entry])),
    ports,
  );
}

/** A day's answer fetched ahead, or the error the call that fetched it failed with. */
type Prefetched = ReadonlyMap<string, DayFetchResult | Error>;

/**
 * Providers that answer date ranges get all the days the job still needs in one call (the provider splits it
 * into requests as its API allows). A failure of that call is every day's failure, handled day by day below.
 */
async function prefetch(run: JobRun): Promise<Prefetched | undefined> {
  const { fetchDays } = run.provider;
  if (!fetchDays) return undefined;
  const outstanding = run.job.dates.filter((date) => !run.storedBySync(date));
  if (!outstanding.length) return new Map();
  try {
    const fetched = await fetchDays(run.credentials, outstanding);
    run.result.requests += fetched.requests;
    return new Map(
      outstanding.map((date) => [
        date,
        fetched.days.get(date) ?? new Error(`the provider gave no answer for ${date}`),
      ]),
    );
  } catch (error) {
    return new Map(
      outstanding.map((date) => [date, error instanceof Error ? error : new Error(String(error))]),
    );
  }
}

async function answerFor(
  run: JobRun,
  date: string,
  prefetched: Prefetched | undefined,
): Promise<DayFetchResult> {
  if (prefetched) {
    const answer = prefetched.get(date);
    if (!answer || answer instanceof Error) throw answer ?? new Error(`no answer fetched for ${date}`);
    return answer;
  }
  if (!run.provider.fetchDay) throw new Error(`${run.job.provider} fetches neither single days nor ranges`);
  return run.provider.fetchDay(run.credentials, date);
}

/** One day: fetch (or take its prefetched answer) → store, or record why not. False: stop asking. */
async function syncDay(
  run: JobRun,
  date: string,
  prefetched: Prefetched | undefined,
  log: Log,
): Promise<boolean> {
  if (run.stop) {
    await run.mark(date, run.stop.state, run.stop.reason);
    return true;
  }
  if (run.storedBySync(date)) {
    // A redelivery of this sync: the day is already stored (its attribution is refreshed again).
    run.stored.push(date);
    run.result.days_ok++;
    return true;
  }
  try {
    const fetched = await answerFor(run, date, prefetched);
    if (fetched.kind === 'not_ready') {
      await run.mark(date, 'pending', fetched.message);
    } else if (fetched.kind === 'not_available') {
      await run.mark(date, 'not_available', fetched.message);
      if (fetched.scope === 'integration') run.notAvailable(fetched.message);
    } else {
      run.result.requests += fetched.requests;
      await run.store(date, fetched.raw);
    }
    return true;
  } catch (error) {
    if (error instanceof ProviderCallError && error.outcome === 'credentials_refused') {
      await run.mark(date, 'failed', run.credentialsRefused(error.message));
      return true;
    }
    const reason = syncErrorText(error);
    await run.mark(date, 'failed', reason);
    if (error instanceof ProviderCallError && error.outcome === 'retry_later') {
      // The provider is limiting or down: stop asking, leave later days pending, let the queue redeliver.
      run.retryLater = new RetryLaterError(`${run.job.provider} ${date}: ${reason}`, error.retryAfterSeconds);
      return false;
    }
    log.error('day could not be stored', { job_id: run.job.job_id, date, reason });
    return true;
  }
}

/**
 * Refreshes the integration's seat snapshot. A key that may read usage but not seats is not an
 * invalid credential: the snapshot is skipped and the reason kept in the result.
 */
async function refreshSeats(run: JobRun, ports: SyncJobPorts): Promise<void> {
  const fetchSeats = run.provider.fetchSeats;
  if (!fetchSeats || !run.job.with_seats || run.stop) return;
  try {
    const seats = await fetchSeats(run.credentials);
    if (seats.kind === 'not_available') {
      run.result.reason = seats.message;
      if (seats.scope === 'integration') run.notAvailable(seats.message);
      return;
    }
    run.result.requests += seats.requests;
    run.result.seats = seats.seats.length;
    const snapshot: SeatSnapshot = {
      team_id: run.job.team_id,
      integration_id: run.job.integration_id,
      provider: run.job.provider,
      taken_at: run.now(),
      seats: seats.seats,
      ...(seats.organisation ? { organisation: seats.organisation } : {}),
    };
    const before = (await ports.usage.getSeats(run.job.team_id)).filter(
      (stored) => stored.integration_id === run.job.integration_id,
    );
    await ports.usage.replaceSeats(snapshot);
    // Seats may link identities to e-mails (GitHub SAML): when the links change, so do people and groups.
    const links = (list: typeof before) => JSON.stringify([...identityLinks(list)].sort());
    if (links(before) !== links([snapshot])) {
      const roster = await ports.roster.get(run.job.team_id);
      await ports.reattribution.requestReattribution({
        team_id: run.job.team_id,
        roster_version: roster.version,
        requested_at: run.now(),
      });
    }
  } catch (error) {
    if (!(error instanceof ProviderCallError)) throw error;
    run.result.reason = `seats: ${error.message}`;
    ports.log.warn('seat snapshot not refreshed', { job_id: run.job.job_id, reason: run.result.reason });
    if (error.outcome === 'retry_later') {
      run.retryLater ??= new RetryLaterError(run.result.reason, error.retryAfterSeconds);
    }
  }
}

/**
 * The per-person blocks above the stored days, then the days' attribution to people and groups. A failure
 * here fails the job (the queue redelivers it; the days themselves are not fetched again).
 */
async function refreshAttribution(run: JobRun, ports: SyncJobPorts): Promise<void> {
  const { team_id, integration_id, provider, sync_id } = run.job;
  await refreshAfterStoring(team_id, { integration_id, provider }, run.stored, {
    ...ports,
    manifests: ports.providers,
  });
  await ports.usage.confirmDays({ team_id, integration_id, sync_id }, run.fingerprints);
}

/** Closes the job: its outcome, and the one write to its integration (status, if it changed, and last_sync). */
async function finish(run: JobRun, ports: SyncJobPorts): Promise<JobResult> {
  const { result, job } = run;
  if (result.outcome !== 'invalid_credentials' && result.outcome !== 'not_available') {
    result.outcome = result.days_failed === 0 ? 'ok' : result.days_ok > 0 ? 'partial' : 'failed';
  }
  const lastSync: LastSync = {
    sync_id: job.sync_id,
    trigger: job.trigger,
    finished_at: run.now(),
    outcome: result.outcome as SyncOutcome,
    days_ok: result.days_ok,
    days_failed: result.days_failed,
    days_pending: result.days_pending,
    ...(run.retryLater ? { message: run.retryLater.message } : {}),
  };
  await ports.integrations
    .update(job.team_id, job.integration_id, () => ({ ...run.status, last_sync: lastSync }))
    .catch((error: unknown) => {
      // The integration may have been deleted meanwhile; the stored days stand on their own.
      ports.log.warn('could not record last sync', { job_id: job.job_id, error: (error as Error).name });
    });
  ports.log.info('sync job finished', {
    ...result,
    provider: job.provider,
    integration_id: job.integration_id,
  });
  if (run.retryLater) throw run.retryLater;
  return result;
}

/**
 * Runs one queue message: skip rules → the days, fetched in one call where the provider answers ranges →
 * each day (normalise → replace the stored day, or record why not) → seats → per-person and per-group
 * pre-aggregates of the stored days → finish. Idempotent: a day is always replaced whole, and on redelivery the days this
 * sync already stored are skipped. A refused key marks the integration invalid_credentials (no retry); a
 * provider that is limiting or down fails the day (attempts counted) and RetryLaterError is thrown after
 * the integration is written, so the queue redelivers the job.
 */
export async function runSyncJob(job: SyncJob, ports: SyncJobPorts): Promise<JobResult> {
  const integration = await ports.integrations.get(job.team_id, job.integration_id);
  const skipped = await skipRules(job, integration, ports);
  if (skipped) return skipped;
  const run = await startRun(job, integration as Integration, ports);
  const prefetched = await prefetch(run);
  for (const date of run.job.dates) {
    if (!(await syncDay(run, date, prefetched, ports.log))) break;
  }
  await refreshSeats(run, ports);
  await refreshAttribution(run, ports);
  return finish(run, ports);
}
