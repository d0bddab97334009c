import { addDays, toIsoDay } from '../dates';
import { summarizeDeadLetters, type DeadLetterSummary } from '../dead-letters';
import { NO_INTEGRATION, NotFoundError } from '../errors';
import type { Caller, DayState, Integration, LastSync } from '../model';
import type { Clock, IntegrationRepository, Log, SecretStore, UsageRepository } from '../ports';
import { toolNamer, type ManifestCatalog } from '../provider';
import { requireAdmin } from './authorization';
import { refuseForImports } from './import-usage';

export const LEDGER_SUMMARY_DAYS = 90;

/** What the API shows of an integration: everything but where its key lives. */
export interface IntegrationView {
  integration_id: string;
  provider: string;
  provider_name: string;
  name: string;
  account: { id: string; name: string };
  options: Record<string, unknown>;
  status: Integration['status'];
  status_message: string | null;
  sync_enabled: boolean;
  created_at: string;
  updated_at: string;
  last_sync: LastSync | null;
  /** Its sync jobs in the dead-letter queue, as far as the pipeline knows; null when none. */
  dead_letters: DeadLetterSummary | null;
}

export interface LedgerSummary {
  window: { start_date: string; end_date: string; days: number };
  days: Record<DayState | 'not_fetched', number>;
  last_failure: { date: string; reason: string; attempts: number } | null;
  oldest_pending: string | null;
}

/** The integration as the API shows it at `now` (dead-lettered jobs the queue no longer keeps are left out). */
export function toView(integration: Integration, manifests: ManifestCatalog, now: Date): IntegrationView {
  return {
    integration_id: integration.integration_id,
    provider: integration.provider,
    provider_name: toolNamer(manifests, [integration])(integration.provider),
    name: integration.name,
    account: integration.account,
    options: integration.options,
    status: integration.status,
    status_message: integration.status_message ?? null,
    sync_enabled: integration.sync_enabled,
    created_at: integration.created_at,
    updated_at: integration.updated_at,
    last_sync: integration.last_sync ?? null,
    dead_letters: summarizeDeadLetters(integration.dead_letters, now),
  };
}

async function getOwned(
  caller: Caller,
  integrationId: string,
  integrations: Pick<IntegrationRepository, 'get'>,
): Promise<Integration> {
  // Keys are scoped by the caller's team: another team's id is simply not found (404, not 403).
  const integration = await integrations.get(caller.teamId, integrationId);
  if (!integration) throw new NotFoundError(NO_INTEGRATION);
  return integration;
}

export interface ListIntegrationsPorts {
  integrations: Pick<IntegrationRepository, 'list'>;
  manifests: ManifestCatalog;
  clock: Clock;
}

export async function listIntegrations(
  caller: Caller,
  ports: ListIntegrationsPorts,
): Promise<IntegrationView[]> {
  const items = await ports.integrations.list(caller.teamId);
  const now = ports.clock.now();
  return items.map((item) => toView(item, ports.manifests, now));
}

export interface GetIntegrationPorts {
  integrations: Pick<IntegrationRepository, 'get'>;
  usage: Pick<UsageRepository, 'getLedger'>;
  manifests: ManifestCatalog;
  clock: Clock;
}

/** One integration with a summary of its ledger over the last LEDGER_SUMMARY_DAYS days. */
export async function getIntegration(
  caller: Caller,
  integrationId: string,
  ports: GetIntegrationPorts,
): Promise<IntegrationView & { ledger: LedgerSummary }> {
  const integration = await getOwned(caller, integrationId, ports.integrations);
  const now = ports.clock.now();
  const end = toIsoDay(now);
  const start = addDays(end, -(LEDGER_SUMMARY_DAYS - 1));
  const entries = await ports.usage.getLedger(caller.teamId, start, end, integrationId);
  const days: LedgerSummary['days'] = {
    ok: 0,
    no_activity: 0,
    pending: 0,
    failed: 0,
    not_available: 0,
    not_fetched: 0,
  };
  let lastFailure: LedgerSummary['last_failure'] = null;
  let oldestPending: string | null = null;
  for (const entry of entries) {
    days[entry.state]++;
    if (entry.state === 'failed' && (!lastFailure || entry.date > lastFailure.date)) {
      lastFailure = { date: entry.date, reason: entry.reason ?? 'unknown', attempts: entry.attempts };
    }
    if (entry.state === 'pending' && (oldestPending === null || entry.date < oldestPending))
      oldestPending = entry.date;
  }
  days.not_fetched = LEDGER_SUMMARY_DAYS - entries.length;
  return {
    ...toView(integration, ports.manifests, now),
    ledger: {
      window: { start_date: start, end_date: end, days: LEDGER_SUMMARY_DAYS },
      days,
      last_failure: lastFailure,
      oldest_pending: oldestPending,
    },
  };
}

export interface SetSyncEnabledPorts {
  integrations: Pick<IntegrationRepository, 'get' | 'update'>;
  manifests: ManifestCatalog;
  clock: Clock;
}

export async function setSyncEnabled(
  caller: Caller,
  integrationId: string,
  syncEnabled: boolean,
  ports: SetSyncEnabledPorts,
): Promise<IntegrationView> {
  requireAdmin(caller);
  refuseForImports(await getOwned(caller, integrationId, ports.integrations), 'sync');
  const now = ports.clock.now();
  const updated = await ports.integrations.update(caller.teamId, integrationId, () => ({
    sync_enabled: syncEnabled,
    updated_at: now.toISOString(),
  }));
  return toView(updated, ports.manifests, now);
}

export interface DeleteIntegrationPorts {
  integrations: Pick<IntegrationRepository, 'get' | 'delete'>;
  secrets: Pick<SecretStore, 'remove'>;
  log: Log;
}

/**
 * Disconnects an integration: its secret is deleted and it leaves the schedule. Usage already stored
 * stays (history); connecting the same account again resumes the same integration.
 */
export async function deleteIntegration(
  caller: Caller,
  integrationId: string,
  ports: DeleteIntegrationPorts,
): Promise<void> {
  requireAdmin(caller);
  const integration = await getOwned(caller, integrationId, ports.integrations);
  // Secret first: if that fails nothing has changed and the caller can retry; the reverse order
  // could leave a key behind with no integration pointing at it. Imports and telemetry have no key.
  if (integration.source !== 'import' && integration.source !== 'telemetry') {
    await ports.secrets.remove(integration.secret_ref, {
      teamId: caller.teamId,
      integrationId,
      provider: integration.provider,
    });
  }
  await ports.integrations.delete(caller.teamId, integrationId);
  ports.log.info('integration deleted', { team_id: caller.teamId, integration_id: integrationId });
}
