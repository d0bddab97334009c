import { ValidationError } from '../errors';
import { integrationIdFor } from '../integration-id';
import type { Caller, Integration } from '../model';
import { daysBetween } from '../dates';
import { backfillRange, buildJobs } from '../sync-plan';
import type { Dependencies } from './dependencies';
import { requireAdmin } from './authorization';

export interface ConnectInput {
  provider: string;
  apiKey: string;
  name?: string;
  options: Record<string, unknown>;
  /** Days to backfill instead of the provider's default; never before the earliest day it serves. */
  backfillDays?: number | undefined;
}

export interface ConnectResult {
  created: boolean;
  integration: Integration;
  backfill: { sync_id: string; start_date: string; end_date: string; days: number; jobs: number };
}

/**
 * Connects a provider account to the caller's team.
 * Steps: admin only → provider options and key format (400) → live check with the provider (422 when
 * refused) → key encrypted into the secret store under the team/integration/provider context →
 * integration saved (a reconnect of the same account replaces its key) → backfill days marked pending
 * and enqueued. The key is never logged, returned or stored anywhere but the secret store.
 */
export async function connectIntegration(
  caller: Caller,
  input: ConnectInput,
  deps: Dependencies,
): Promise<ConnectResult> {
  requireAdmin(caller);
  const provider = deps.registry.get(input.provider);
  const parsedOptions = provider.connectOptionsSchema.safeParse(input.options);
  if (!parsedOptions.success) {
    throw new ValidationError(
      `Invalid options for ${provider.manifest.displayName}.`,
      parsedOptions.error.issues.map((issue) => ({
        field: issue.path.join('.') || 'body',
        message: issue.message,
      })),
    );
  }
  const formatProblem = provider.checkKeyFormat(input.apiKey);
  if (formatProblem) throw new ValidationError(formatProblem, [{ field: 'api_key', message: formatProblem }]);

  const credentials = { apiKey: input.apiKey, options: parsedOptions.data };
  const account = await provider.verifyCredentials(credentials, deps.providerContext(provider.manifest));

  const integrationId = integrationIdFor(caller.teamId, provider.manifest.id, account.id);
  const scope = { teamId: caller.teamId, integrationId, provider: provider.manifest.id };
  const secretRef = await deps.secrets.save(scope, input.apiKey);

  const now = deps.clock.now();
  const existing = await deps.integrations.get(caller.teamId, integrationId);
  const integration: Integration = {
    team_id: caller.teamId,
    integration_id: integrationId,
    provider: provider.manifest.id,
    name: input.name ?? existing?.name ?? `${provider.manifest.displayName} · ${account.name || account.id}`,
    account,
    options: parsedOptions.data as Record<string, unknown>,
    status: 'active',
    // Reconnecting (a new key) re-authorises; it does not undo an admin's choice to pause syncs.
    sync_enabled: existing?.sync_enabled ?? true,
    secret_ref: secretRef,
    created_at: existing?.created_at ?? now.toISOString(),
    created_by: existing?.created_by ?? caller.subject,
    updated_at: now.toISOString(),
    version: (existing?.version ?? 0) + 1,
    ...(existing?.last_sync ? { last_sync: existing.last_sync } : {}),
  };
  await deps.integrations.save(integration);

  const range = backfillRange(
    provider.manifest,
    now,
    provider.earliestDay?.(parsedOptions.data as never, now),
    input.backfillDays,
  );
  const days = daysBetween(range.start, range.end);
  const syncId = deps.ids.newId('sync');
  const target = { teamId: caller.teamId, integrationId, provider: provider.manifest.id };
  await deps.usage.markPending(
    days.map((date) => ({
      team_id: caller.teamId,
      integration_id: integrationId,
      provider: provider.manifest.id,
      date,
      sync_id: syncId,
      updated_at: now.toISOString(),
    })),
  );
  const jobs = buildJobs(target, days, provider.manifest, 'backfill', syncId, deps.ids, now);
  await deps.queue.enqueue(provider.manifest.id, jobs);
  deps.log.info('integration connected', {
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
      sync_id: syncId,
      start_date: range.start,
      end_date: range.end,
      days: days.length,
      jobs: jobs.length,
    },
  };
}
