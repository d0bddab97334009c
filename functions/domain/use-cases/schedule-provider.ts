import type { IntegrationRepository, Log, UsageRepository } from '../ports';
import type { ManifestCatalog } from '../provider';
import { daysToRepair, historyWindow } from '../repair-plan';
import { dailyDates, planSync, type JobTarget, type SyncPlanPorts } from '../sync-plan';

export interface ScheduleProviderPorts extends SyncPlanPorts {
  manifests: ManifestCatalog;
  integrations: Pick<IntegrationRepository, 'listSchedulable'>;
  usage: Pick<UsageRepository, 'markPending' | 'getDayStates'>;
  log: Log;
}

/** Day states a `pending` mark never replaces (the ledger's condition): the scheduler does not ask for them. */
const SETTLED: ReadonlySet<string> = new Set(['ok', 'no_activity', 'not_available']);

/** Integrations planned per call: bounds memory, and keeps the queue's batches full. */
const PAGE = 100;

/**
 * The daily run of one provider: every active, sync-enabled integration (read from a sparse index, no
 * Scan) gets the provider's daily days planned — one sync id for the whole run, page by page — and, where its
 * ledger holds days that failed or were left pending inside the provider's history window, those days too
 * (functions/domain/repair-plan.ts): a day that failed during a backfill heals without anyone pressing sync.
 */
export async function scheduleProvider(
  providerId: string,
  ports: ScheduleProviderPorts,
): Promise<{ integrations: number; jobs: number; repairs: number }> {
  const manifest = ports.manifests.find(providerId);
  if (!manifest) throw new Error(`no provider ${providerId} is registered`);
  const now = ports.clock.now();
  const days = dailyDates(manifest, now);
  const daily = new Set(days);
  const window = historyWindow(manifest, now);
  const syncId = ports.ids.newId('sync');
  let integrations = 0;
  let jobs = 0;
  let repairs = 0;
  let page: Omit<JobTarget, 'provider'>[] = [];
  const flush = async () => {
    // Integrations with days to repair get a plan of their own; the rest share the daily one.
    const plain: Omit<JobTarget, 'provider'>[] = [];
    // The page's day states at once: its integrations' month items, 100 keys a BatchGetItem.
    const states = await ports.usage.getDayStates(page, window.start, window.end);
    // Days stored already (the day before yesterday, usually) are not marked again: the mark would be refused.
    const settled = new Set(
      page.flatMap((target, index) =>
        (states[index] ?? [])
          .filter((day) => SETTLED.has(day.state))
          .map((day) => `${target.integrationId}|${day.date}`),
      ),
    );
    for (const [index, target] of page.entries()) {
      const repair = daysToRepair(states[index] ?? [], manifest, now, daily);
      if (repair.length === 0) {
        plain.push(target);
        continue;
      }
      repairs += repair.length;
      const plan = {
        manifest,
        targets: [target],
        days: [...days, ...repair],
        trigger: 'scheduled' as const,
        syncId,
        settled,
      };
      jobs += (await planSync(plan, ports)).jobs;
    }
    if (plain.length) {
      jobs += (
        await planSync({ manifest, targets: plain, days, trigger: 'scheduled', syncId, settled }, ports)
      ).jobs;
    }
    page = [];
  };
  for await (const item of ports.integrations.listSchedulable(providerId)) {
    integrations++;
    page.push({ teamId: item.team_id, integrationId: item.integration_id });
    if (page.length >= PAGE) await flush();
  }
  if (page.length) await flush();
  ports.log.info('provider sync scheduled', { provider: providerId, integrations, jobs, days, repairs });
  return { integrations, jobs, repairs };
}
