import type { IntegrationRepository, Log } from '../ports';
import type { ManifestCatalog } from '../provider';
import { dailyDates, planSync, type JobTarget, type SyncPlanPorts } from '../sync-plan';

export interface ScheduleProviderPorts extends SyncPlanPorts {
  manifests: ManifestCatalog;
  integrations: Pick<IntegrationRepository, 'listSchedulable'>;
  log: Log;
}

/** Integrations planned per call: bounds memory, and keeps the queue's batches full. */
const PAGE = 100;

/**
 * The daily run of one provider: every active, sync-enabled integration (read from a sparse index, no
 * Scan) gets the provider's daily days planned — one sync id for the whole run, page by page.
 */
export async function scheduleProvider(
  providerId: string,
  ports: ScheduleProviderPorts,
): Promise<{ integrations: number; jobs: number }> {
  const manifest = ports.manifests.find(providerId);
  if (!manifest) throw new Error(`no provider ${providerId} is registered`);
  const days = dailyDates(manifest, ports.clock.now());
  const syncId = ports.ids.newId('sync');
  let integrations = 0;
  let jobs = 0;
  let page: Omit<JobTarget, 'provider'>[] = [];
  const flush = async () => {
    jobs += (await planSync({ manifest, targets: page, days, trigger: 'scheduled', syncId }, ports)).jobs;
    page = [];
  };
  for await (const item of ports.integrations.listSchedulable(providerId)) {
    integrations++;
    page.push({ teamId: item.team_id, integrationId: item.integration_id });
    if (page.length >= PAGE) await flush();
  }
  if (page.length) await flush();
  ports.log.info('provider sync scheduled', { provider: providerId, integrations, jobs, days });
  return { integrations, jobs };
}
