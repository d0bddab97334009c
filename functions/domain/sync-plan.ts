import type { ProviderManifest } from './provider-manifest';
import type { SyncJob } from '../schemas/sync-job';
import { addDays, chunk, toIsoDay } from './dates';
import type { SyncTrigger } from './model';
import type { IdGenerator } from './ports';

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
