import { buildJobs, dailyDates } from '../sync-plan';
import type { SyncJob } from '../../schemas/sync-job';
import type { Dependencies } from './dependencies';

/**
 * The daily run of one provider: one job per active, sync-enabled integration (read from a sparse
 * index, no Scan), days marked pending where nothing is known yet, jobs sent ten per batch.
 */
export async function scheduleProvider(
  providerId: string,
  deps: Dependencies,
): Promise<{ integrations: number; jobs: number }> {
  const provider = deps.registry.get(providerId);
  const now = deps.clock.now();
  const days = dailyDates(provider.manifest, now);
  const syncId = deps.ids.newId('sync');
  let integrations = 0;
  let pending: SyncJob[] = [];
  let sent = 0;
  const flush = async () => {
    await deps.queue.enqueue(providerId, pending);
    sent += pending.length;
    pending = [];
  };
  for await (const item of deps.integrations.listSchedulable(providerId)) {
    integrations++;
    await deps.usage.markPending(
      days.map((date) => ({
        team_id: item.team_id,
        integration_id: item.integration_id,
        provider: providerId,
        date,
        sync_id: syncId,
        updated_at: now.toISOString(),
      })),
    );
    pending.push(
      ...buildJobs(
        { teamId: item.team_id, integrationId: item.integration_id, provider: providerId },
        days,
        provider.manifest,
        'scheduled',
        syncId,
        deps.ids,
        now,
      ),
    );
    if (pending.length >= 100) await flush();
  }
  if (pending.length) await flush();
  deps.log.info('provider sync scheduled', { provider: providerId, integrations, jobs: sent, days });
  return { integrations, jobs: sent };
}
