import { ProviderHttpError } from '../../providers/http-client';
import type { SyncJob } from '../../schemas/sync-job';
import type { Provider, ProviderContext, ProviderCredentials } from '../../providers/types';
import type { LastSync, LedgerEntry, StoredDeveloperDay, SyncOutcome } from '../model';
import { summarizeDay } from '../rollup';
import type { Dependencies } from './dependencies';

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
 * Refreshes the integration's seat snapshot. A token that may read usage but not seats is not an
 * invalid credential: the snapshot is skipped and the reason kept in the result.
 */
async function refreshSeats(
  job: SyncJob,
  provider: Provider<never>,
  credentials: ProviderCredentials<never>,
  ctx: ProviderContext,
  deps: Dependencies,
  result: JobResult,
): Promise<RetryLaterError | undefined> {
  try {
    const seats = await (provider.fetchSeats as NonNullable<Provider<never>['fetchSeats']>)(credentials, ctx);
    if (seats.kind === 'ok') {
      result.requests += seats.requests;
      result.seats = seats.seats.length;
      await deps.usage.replaceSeats({
        team_id: job.team_id,
        integration_id: job.integration_id,
        provider: job.provider,
        taken_at: deps.clock.now().toISOString(),
        seats: seats.seats,
      });
      return undefined;
    }
    result.reason = seats.message;
    if (seats.scope === 'integration') {
      result.outcome = 'not_available';
      await deps.integrations.update(job.team_id, job.integration_id, () => ({
        status: 'not_available',
        status_message: seats.message,
      }));
    }
    return undefined;
  } catch (error) {
    if (!(error instanceof ProviderHttpError)) throw error;
    result.reason = `seats: ${error.kind} (${error.status}): ${error.message}`;
    deps.log.warn('seat snapshot not refreshed', { job_id: job.job_id, reason: result.reason });
    return error.retryable ? new RetryLaterError(result.reason, error.retryAfterSeconds) : undefined;
  }
}

export interface JobResult {
  job_id: string;
  outcome: SyncOutcome | 'skipped';
  days_ok: number;
  days_failed: number;
  days_pending: number;
  requests: number;
  seats?: number;
  reason?: string;
}

const DONE_STATES = new Set(['ok', 'no_activity']);

/**
 * Runs one queue message: for each day, fetch → normalise → replace the stored day (rows, rollup,
 * ledger). Idempotent: a day is always replaced whole, and on redelivery days this sync already
 * stored are skipped. Credentials refused → integration marked invalid_credentials, no retry.
 * Retryable provider failures → the day is marked failed (attempts counted) and RetryLaterError is thrown.
 */
export async function runSyncJob(job: SyncJob, deps: Dependencies): Promise<JobResult> {
  const result: JobResult = {
    job_id: job.job_id,
    outcome: 'ok',
    days_ok: 0,
    days_failed: 0,
    days_pending: 0,
    requests: 0,
  };
  const integration = await deps.integrations.get(job.team_id, job.integration_id);
  const base = {
    team_id: job.team_id,
    integration_id: job.integration_id,
    provider: job.provider,
    sync_id: job.sync_id,
  };
  const stamp = () => deps.clock.now().toISOString();
  /** Records what is known of a day that could not be stored as data. */
  const markDay = (date: string, state: 'pending' | 'failed' | 'not_available', reason: string) =>
    deps.usage.recordDayState({ ...base, date, state, reason, updated_at: stamp() });

  if (!integration || integration.provider !== job.provider) {
    deps.log.warn('sync job skipped: integration no longer exists', {
      job_id: job.job_id,
      integration_id: job.integration_id,
    });
    return { ...result, outcome: 'skipped', reason: 'integration_deleted' };
  }
  if (job.trigger === 'scheduled' && !integration.sync_enabled) {
    return { ...result, outcome: 'skipped', reason: 'sync_disabled' };
  }
  if (integration.status === 'not_available' && job.trigger === 'scheduled') {
    // Stays quiet until re-authorised (connect) or re-synced by hand (POST /sync clears the state).
    return { ...result, outcome: 'skipped', reason: 'not_available' };
  }
  if (integration.status === 'invalid_credentials') {
    for (const date of job.dates) {
      await markDay(date, 'failed', 'invalid_credentials: reconnect with a valid key');
    }
    return {
      ...result,
      outcome: 'invalid_credentials',
      days_failed: job.dates.length,
      reason: 'invalid_credentials',
    };
  }

  const provider = deps.registry.get(job.provider);
  const scope = { teamId: job.team_id, integrationId: job.integration_id, provider: job.provider };
  const credentials = {
    apiKey: await deps.secrets.read(integration.secret_ref, scope),
    options: integration.options as never,
  };
  const ctx = deps.providerContext(provider.manifest);
  const sorted = [...job.dates].sort();
  const known = new Map(
    (
      await deps.usage.getLedger(
        job.team_id,
        sorted[0] as string,
        sorted[sorted.length - 1] as string,
        job.integration_id,
      )
    ).map((entry) => [entry.date, entry]),
  );

  let retryLater: RetryLaterError | undefined;
  let stop: { state: 'failed' | 'not_available'; reason: string } | undefined;

  for (const date of sorted) {
    if (stop) {
      await markDay(date, stop.state, stop.reason);
      if (stop.state === 'failed') result.days_failed++;
      continue;
    }
    const previous = known.get(date);
    if (previous && previous.sync_id === job.sync_id && DONE_STATES.has(previous.state)) {
      result.days_ok++;
      continue;
    }
    try {
      const fetched = await provider.fetchDay(credentials, date, ctx);
      if (fetched.kind === 'not_ready') {
        await markDay(date, 'pending', fetched.message);
        result.days_pending++;
        continue;
      }
      if (fetched.kind === 'not_available') {
        await markDay(date, 'not_available', fetched.message);
        if (fetched.scope === 'integration') {
          // Nothing will come until someone acts (enables a policy, buys seats): say so, stop asking.
          stop = { state: 'not_available', reason: fetched.message };
          result.outcome = 'not_available';
          await deps.integrations.update(job.team_id, job.integration_id, () => ({
            status: 'not_available',
            status_message: fetched.message,
          }));
        }
        continue;
      }
      result.requests += fetched.requests;
      const usage = provider.normalizeDay(fetched.raw, date);
      const rows: StoredDeveloperDay[] = usage.map((row) => ({
        ...row,
        team_id: job.team_id,
        integration_id: job.integration_id,
        provider: job.provider,
      }));
      const summary = summarizeDay(rows);
      const ledger: LedgerEntry = {
        ...base,
        date,
        state: summary.active_developers > 0 || summary.metrics.interactions > 0 ? 'ok' : 'no_activity',
        attempts: (previous?.attempts ?? 0) + 1,
        updated_at: stamp(),
        developers: summary.developers,
        interactions: summary.metrics.interactions,
      };
      await deps.usage.replaceDay({
        teamId: job.team_id,
        integrationId: job.integration_id,
        provider: job.provider,
        date,
        rows,
        rollup: { ...base, date, ...summary },
        ledger,
        raw: fetched.raw,
      });
      result.days_ok++;
    } catch (error) {
      if (error instanceof ProviderHttpError && (error.kind === 'auth' || error.kind === 'forbidden')) {
        const reason = `invalid_credentials: the provider refused the key (${error.status}: ${error.message})`;
        await markDay(date, 'failed', reason);
        result.days_failed++;
        stop = { state: 'failed', reason };
        await deps.integrations.update(job.team_id, job.integration_id, () => ({
          status: 'invalid_credentials',
          status_message: `${provider.manifest.displayName} refused the stored key (${error.status}: ${error.message}). Connect again with a valid key.`,
        }));
        result.outcome = 'invalid_credentials';
        continue;
      }
      const reason =
        error instanceof ProviderHttpError
          ? `${error.kind} (${error.status}): ${error.message}`
          : `error: ${(error as Error).message}`;
      await markDay(date, 'failed', reason);
      result.days_failed++;
      if (error instanceof ProviderHttpError && error.retryable) {
        // The provider is limiting or down: stop asking, leave later days pending, let the queue redeliver.
        retryLater = new RetryLaterError(`${job.provider} ${date}: ${reason}`, error.retryAfterSeconds);
        break;
      }
      deps.log.error('day could not be stored', { job_id: job.job_id, date, reason });
    }
  }

  if (job.with_seats && provider.fetchSeats && !stop) {
    retryLater = (await refreshSeats(job, provider, credentials, ctx, deps, result)) ?? retryLater;
  }

  if (result.outcome !== 'invalid_credentials' && result.outcome !== 'not_available') {
    result.outcome = result.days_failed === 0 ? 'ok' : result.days_ok > 0 ? 'partial' : 'failed';
  }
  const lastSync: LastSync = {
    sync_id: job.sync_id,
    trigger: job.trigger,
    finished_at: stamp(),
    outcome: result.outcome as SyncOutcome,
    days_ok: result.days_ok,
    days_failed: result.days_failed,
    days_pending: result.days_pending,
    ...(retryLater ? { message: retryLater.message } : {}),
  };
  await deps.integrations
    .update(job.team_id, job.integration_id, () => ({ last_sync: lastSync }))
    .catch((error: unknown) => {
      // The integration may have been deleted meanwhile; the stored days stand on their own.
      deps.log.warn('could not record last sync', { job_id: job.job_id, error: (error as Error).name });
    });
  deps.log.info('sync job finished', {
    ...result,
    provider: job.provider,
    integration_id: job.integration_id,
  });
  if (retryLater) throw retryLater;
  return result;
}
