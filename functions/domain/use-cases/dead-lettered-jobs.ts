import {
  deadLetteredDayReason,
  keptError,
  unfinishedLastTryError,
  withDeadLetter,
  withoutDeadLetter,
} from '../dead-letters';
import type { DayState, DeadLetteredJob, SyncJob } from '../model';
import type { Clock, IntegrationRepository, Log, UsageRepository } from '../ports';
import { syncErrorText } from './run-sync-job';

export interface DeadLetterPorts {
  integrations: Pick<IntegrationRepository, 'get' | 'update'>;
  usage: Pick<UsageRepository, 'getLedger' | 'recordDayState'>;
  clock: Clock;
  log: Log;
}

/** Days a dead-lettered job leaves as they are: they hold data, or the provider will never serve them. */
const SETTLED: ReadonlySet<DayState> = new Set(['ok', 'no_activity', 'not_available']);

/**
 * A sync job failed on its last allowed receive: its queue moves it to the dead-letter queue next.
 * Input: the job, the error it failed with and the receives it had. Steps: the integration (gone, or another
 * provider's: nothing to record) → the job's days that hold nothing yet marked `failed` with a reason that says
 * the job was dead-lettered and how the days recover (the daily run asks for failed days again) → the job added
 * to the integration's `dead_letters`, under the integration's optimistic lock.
 */
export async function recordDeadLetteredJob(
  job: SyncJob,
  failure: { error: unknown; receives: number },
  ports: DeadLetterPorts,
): Promise<void> {
  const { team_id, integration_id, provider, sync_id } = job;
  const integration = await ports.integrations.get(team_id, integration_id);
  if (!integration || integration.provider !== provider) return;
  const now = ports.clock.now();
  const error = keptError(syncErrorText(failure.error));
  const dates = [...job.dates].sort();
  const ledger = await ports.usage.getLedger(
    team_id,
    dates[0] as string,
    dates[dates.length - 1] as string,
    integration_id,
  );
  const settled = new Set(ledger.filter((entry) => SETTLED.has(entry.state)).map((entry) => entry.date));
  const reason = deadLetteredDayReason(failure.receives, error);
  const waiting = dates.filter((date) => !settled.has(date));
  for (const date of waiting) {
    await ports.usage.recordDayState({
      team_id,
      integration_id,
      provider,
      sync_id,
      date,
      state: 'failed',
      reason,
      updated_at: now.toISOString(),
    });
  }
  const entry: DeadLetteredJob = {
    job_id: job.job_id,
    sync_id,
    trigger: job.trigger,
    dates,
    dead_lettered_at: now.toISOString(),
    error,
  };
  await ports.integrations.update(team_id, integration_id, (current) => ({
    dead_letters: withDeadLetter(current.dead_letters, entry, now),
  }));
  ports.log.warn('sync job dead-lettered', {
    job_id: job.job_id,
    integration_id,
    provider,
    receives: failure.receives,
    days_failed: waiting.length,
  });
}

/**
 * A sync job begins its last allowed try: it is listed on the integration's `dead_letters` first, so that a try the
 * function cannot finish (timeout, out of memory: no error to catch, and SQS dead-letters the message) still leaves
 * its record. The try's end replaces it: a success removes it (forgetDeadLetteredJob), a failure records its error
 * and fails its days (recordDeadLetteredJob). Its days stay as they are meanwhile: pending days are asked for again
 * by the daily run.
 */
export async function noteLastTry(
  job: SyncJob,
  receives: number,
  ports: Pick<DeadLetterPorts, 'integrations' | 'clock'>,
): Promise<void> {
  const integration = await ports.integrations.get(job.team_id, job.integration_id);
  if (!integration || integration.provider !== job.provider) return;
  const now = ports.clock.now();
  const entry: DeadLetteredJob = {
    job_id: job.job_id,
    sync_id: job.sync_id,
    trigger: job.trigger,
    dates: [...job.dates].sort(),
    dead_lettered_at: now.toISOString(),
    error: unfinishedLastTryError(receives),
  };
  await ports.integrations.update(job.team_id, job.integration_id, (current) => ({
    dead_letters: withDeadLetter(current.dead_letters, entry, now),
  }));
}

/**
 * A sync job succeeded: if it was dead-lettered (a redrive), it leaves the integration's `dead_letters`, which
 * disappear when nothing is left. Writes only then. True when the job was listed.
 */
export async function forgetDeadLetteredJob(
  job: SyncJob,
  ports: Pick<DeadLetterPorts, 'integrations' | 'clock' | 'log'>,
): Promise<boolean> {
  const integration = await ports.integrations.get(job.team_id, job.integration_id);
  if (!integration?.dead_letters?.some((listed) => listed.job_id === job.job_id)) return false;
  const now = ports.clock.now();
  await ports.integrations.update(job.team_id, job.integration_id, (current) => ({
    dead_letters: withoutDeadLetter(current.dead_letters, job.job_id, now),
  }));
  ports.log.info('dead-lettered sync job succeeded', {
    job_id: job.job_id,
    integration_id: job.integration_id,
    provider: job.provider,
  });
  return true;
}
