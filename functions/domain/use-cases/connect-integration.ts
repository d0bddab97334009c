import { daysBetween } from '../dates';
import { ConflictError, fieldIssues, ValidationError } from '../errors';
import { integrationIdFor } from '../integration-id';
import type { Caller, Integration } from '../model';
import type { IntegrationRepository, Log, SecretStore } from '../ports';
import type { ProviderAccount, ProviderCatalog, UsageProvider } from '../provider';
import { backfillRange, planSync, type SyncPlanPorts } from '../sync-plan';
import { requireAdmin } from './authorization';

export interface ConnectInput {
  provider: string;
  apiKey: string;
  name?: string | undefined;
  options: Record<string, unknown>;
  /** Days to backfill instead of the provider's default; never before the earliest day it serves. */
  backfillDays?: number | undefined;
}

export interface ConnectResult {
  created: boolean;
  integration: Integration;
  backfill: { sync_id: string; start_date: string; end_date: string; days: number; jobs: number };
}

export interface ConnectPorts extends SyncPlanPorts {
  providers: ProviderCatalog;
  integrations: Pick<IntegrationRepository, 'get' | 'save'>;
  secrets: Pick<SecretStore, 'save'>;
  log: Log;
}

/** The provider's own options (400 naming each field), then the key's format (400), without network. */
function checkInput(provider: UsageProvider<never>, input: ConnectInput): Record<string, unknown> {
  const options = provider.connectOptionsSchema.safeParse(input.options);
  if (!options.success) {
    throw ValidationError.listing(
      `Invalid options for ${provider.manifest.displayName}`,
      fieldIssues(options.error.issues),
    );
  }
  const formatProblem = provider.checkKeyFormat(input.apiKey);
  if (formatProblem) throw new ValidationError(formatProblem, [{ field: 'api_key', message: formatProblem }]);
  return options.data as Record<string, unknown>;
}

function integrationRecord(
  caller: Caller,
  provider: UsageProvider<never>,
  input: ConnectInput,
  found: { id: string; account: ProviderAccount; options: Record<string, unknown>; secretRef: string },
  existing: Integration | undefined,
  now: Date,
): Integration {
  const { displayName, id } = provider.manifest;
  return {
    team_id: caller.teamId,
    integration_id: found.id,
    provider: id,
    name: input.name ?? existing?.name ?? `${displayName} · ${found.account.name || found.account.id}`,
    account: found.account,
    options: found.options,
    status: 'active',
    // Reconnecting (a new key) re-authorises; it does not undo an admin's choice to pause syncs.
    sync_enabled: existing?.sync_enabled ?? true,
    secret_ref: found.secretRef,
    created_at: existing?.created_at ?? now.toISOString(),
    created_by: existing?.created_by ?? caller.subject,
    updated_at: now.toISOString(),
    version: (existing?.version ?? 0) + 1,
    ...(existing?.last_sync ? { last_sync: existing.last_sync } : {}),
    // A new key does not lift the one-manual-sync-a-minute limit.
    ...(existing?.last_manual_sync_at ? { last_manual_sync_at: existing.last_manual_sync_at } : {}),
    // Its jobs stay in the dead-letter queue whatever the key: a redrive after reconnecting clears them.
    ...(existing?.dead_letters ? { dead_letters: existing.dead_letters } : {}),
  };
}

/**
 * Connects a provider account to the caller's team.
 * Steps: admin only → provider options and key format (400) → live check with the provider (422 when
 * refused) → key encrypted into the secret store under the team/integration/provider context →
 * integration saved (a reconnect of the same account replaces its key) → backfill planned (days
 * pending, jobs queued). The key is never logged, returned or stored anywhere but the secret store.
 */
/** Reads and writes of the integration before connect gives up on a record that keeps changing (409). */
const SAVE_ATTEMPTS = 5;

export async function connectIntegration(
  caller: Caller,
  input: ConnectInput,
  ports: ConnectPorts,
): Promise<ConnectResult> {
  requireAdmin(caller);
  const provider = ports.providers.get(input.provider);
  const options = checkInput(provider, input);
  const account = await provider.verifyCredentials({
    apiKey: input.apiKey,
    options: options as never,
    teamId: caller.teamId,
  });

  const integrationId = integrationIdFor(caller.teamId, provider.manifest.id, account.id);
  const scope = { teamId: caller.teamId, integrationId, provider: provider.manifest.id };
  const secretRef = await ports.secrets.save(scope, input.apiKey);
  const now = ports.clock.now();
  // Built on the integration as read, and written only if it is still that one: a fetcher recording a sync, or a
  // second connect of the same account, between the read and the write would otherwise be overwritten.
  let existing: Integration | undefined;
  let integration: Integration | undefined;
  for (let attempt = 1; !integration; attempt++) {
    existing = await ports.integrations.get(caller.teamId, integrationId);
    const next = integrationRecord(
      caller,
      provider,
      input,
      { id: integrationId, account, options, secretRef },
      existing,
      now,
    );
    if (await ports.integrations.save(next)) integration = next;
    else if (attempt >= SAVE_ATTEMPTS) {
      throw new ConflictError(
        'The integration changed while it was being connected; send the request again.',
      );
    }
  }

  const earliest = provider.earliestDay?.(options as never, now);
  const range = backfillRange(provider.manifest, now, earliest, input.backfillDays);
  const days = daysBetween(range.start, range.end);
  const planned = await planSync(
    {
      manifest: provider.manifest,
      targets: [{ teamId: caller.teamId, integrationId }],
      days,
      trigger: 'backfill',
    },
    ports,
  );
  ports.log.info('integration connected', {
    team_id: caller.teamId,
    integration_id: integrationId,
    provider: provider.manifest.id,
    reconnected: existing !== undefined,
    backfill_days: days.length,
  });
  return {
    created: existing === undefined,
    integration,
    backfill: {
      sync_id: planned.syncId,
      start_date: range.start,
      end_date: range.end,
      days: days.length,
      jobs: planned.jobs,
    },
  };
}
