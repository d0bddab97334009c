import { addDays, chunk, toIsoDay } from './dates';
import type { SyncJob, SyncTrigger } from './model';
import type { Clock, IdGenerator, SyncQueue, UsageRepository } from './ports';
import type { ProviderManifest } from './provider-manifest';

/**
 * Which days a backfill covers: `days` (default: the manifest's depth) ending with the newest day the
 * provider serves, never before the earliest day it serves (when the provider says).
 */
export function backfillRange(
  manifest: ProviderManifest,
  now: Date,
  earliest?: string,
  days: number = manifest.sync.backfillDays,
): { start: string; end: string } {
  const end = addDays(toIsoDay(now), -manifest.sync.newestOffset);
  const start = addDays(end, -(days - 1));
  return { start: earliest && earliest > start ? earliest : start, end };
}

/** The days the daily run asks a provider for. */
export function dailyDates(manifest: ProviderManifest, now: Date): string[] {
  const today = toIsoDay(now);
  return [...new Set(manifest.sync.dailyOffsets.map((offset) => addDays(today, -offset)))].sort();
}

export interface JobTarget {
  teamId: string;
  integrationId: string;
  provider: string;
}

/** Splits days into queue messages of at most `maxDaysPerJob`, newest chunk first (fresh data lands first). */
export function buildJobs(
  target: JobTarget,
  days: string[],
  manifest: ProviderManifest,
  trigger: SyncTrigger,
  syncId: string,
  ids: IdGenerator,
  now: Date,
): SyncJob[] {
  const sorted = [...new Set(days)].sort();
  return chunk(sorted, manifest.sync.maxDaysPerJob)
    .reverse()
    .map((dates, index) => ({
      version: 1,
      job_id: ids.newId('job'),
      sync_id: syncId,
      team_id: target.teamId,
      integration_id: target.integrationId,
      provider: target.provider,
      trigger,
      dates,
      enqueued_at: now.toISOString(),
      with_seats: index === 0,
    }));
}

export interface SyncPlanPorts {
  usage: Pick<UsageRepository, 'markPending'>;
  queue: SyncQueue;
  ids: IdGenerator;
  clock: Clock;
}

export interface SyncPlan {
  manifest: ProviderManifest;
  /** Integrations of the manifest's provider to sync. */
  targets: readonly Omit<JobTarget, 'provider'>[];
  days: readonly string[];
  trigger: SyncTrigger;
  /** Continues a sync begun by an earlier call (the scheduler plans page by page); a new one otherwise. */
  syncId?: string;
  /**
   * Days known to hold what a `pending` mark never replaces (stored, quiet, not served), as
   * `<integration id>|<date>`: not marked, since the mark would be refused (the scheduler read them just before).
   */
  settled?: ReadonlySet<string>;
}

/**
 * Starts a sync — the one step behind connect (backfill), POST /sync and the daily scheduler:
 * 1. every day of every target is marked `pending` in the ledger where nothing better is known, so the
 *    dashboard says "waiting" rather than "no activity" until a fetcher answers;
 * 2. the days are cut into jobs of at most `maxDaysPerJob`, newest first, one carrying the seat refresh;
 * 3. the jobs go to the provider's queue (ten per batch).
 */
export async function planSync(
  plan: SyncPlan,
  ports: SyncPlanPorts,
): Promise<{ syncId: string; jobs: number }> {
  const provider = plan.manifest.id;
  const syncId = plan.syncId ?? ports.ids.newId('sync');
  const now = ports.clock.now();
  const marks = plan.targets.flatMap((target) =>
    plan.days
      .filter((date) => !plan.settled?.has(`${target.integrationId}|${date}`))
      .map((date) => ({
        team_id: target.teamId,
        integration_id: target.integrationId,
        provider,
        date,
        sync_id: syncId,
        updated_at: now.toISOString(),
      })),
  );
  if (marks.length > 0) await ports.usage.markPending(marks);
  const jobs = plan.targets.flatMap((target) =>
    buildJobs({ ...target, provider }, [...plan.days], plan.manifest, plan.trigger, syncId, ports.ids, now),
  );
  await ports.queue.enqueue(provider, jobs);
  return { syncId, jobs: jobs.length };
}
