import { addDays, daysBetween, isIsoDay, toIsoDay } from '../dates';
import {
  ConflictError,
  NO_INTEGRATION,
  NotFoundError,
  TooManyRequestsError,
  ValidationError,
} from '../errors';
import type { Caller } from '../model';
import type { IntegrationRepository } from '../ports';
import type { ManifestCatalog } from '../provider';
import type { ProviderManifest } from '../provider-manifest';
import { dailyDates, planSync, type SyncPlanPorts } from '../sync-plan';
import { requireAdmin } from './authorization';
import { refuseForImports } from './import-usage';

export const MANUAL_SYNC_WINDOW_SECONDS = 60;

export interface SyncRequest {
  integrationId: string;
  startDate?: string;
  endDate?: string;
}

export interface SyncAccepted {
  sync_id: string;
  integration_id: string;
  provider: string;
  status: 'queued';
  start_date: string;
  end_date: string;
  days: number;
  jobs: number;
}

export interface RequestSyncPorts extends SyncPlanPorts {
  manifests: ManifestCatalog;
  integrations: Pick<IntegrationRepository, 'get' | 'claimManualSync' | 'update'>;
}

/** Picks the days of a manual sync: the provider's daily window, or an explicit range within its backfill depth. */
function resolveDays(request: SyncRequest, manifest: ProviderManifest, now: Date): string[] {
  if (request.startDate === undefined && request.endDate === undefined) return dailyDates(manifest, now);
  const newest = addDays(toIsoDay(now), -manifest.sync.newestOffset);
  const end = request.endDate ?? newest;
  const start = request.startDate ?? end;
  const issues = [];
  if (!isIsoDay(start)) issues.push({ field: 'start_date', message: 'must be a YYYY-MM-DD day' });
  if (!isIsoDay(end)) issues.push({ field: 'end_date', message: 'must be a YYYY-MM-DD day' });
  if (issues.length) throw new ValidationError('The sync range is not valid.', issues);
  if (start > end)
    throw new ValidationError('start_date is after end_date.', [
      { field: 'start_date', message: 'must not be after end_date' },
    ]);
  if (end > newest) {
    throw new ValidationError(`The newest day this provider can serve is ${newest}.`, [
      { field: 'end_date', message: `must be ${newest} or earlier` },
    ]);
  }
  const days = daysBetween(start, end);
  if (days.length > manifest.sync.backfillDays) {
    throw new ValidationError(`A sync covers at most ${manifest.sync.backfillDays} days.`, [
      { field: 'start_date', message: `the range must be at most ${manifest.sync.backfillDays} days` },
    ]);
  }
  return days;
}

/**
 * Manual sync of one integration. Admin only; at most one per integration per minute, enforced by a
 * conditional write (not process memory) so it holds across Lambda instances.
 */
export async function requestSync(
  caller: Caller,
  request: SyncRequest,
  ports: RequestSyncPorts,
): Promise<SyncAccepted> {
  requireAdmin(caller);
  const integration = await ports.integrations.get(caller.teamId, request.integrationId);
  if (!integration) throw new NotFoundError(NO_INTEGRATION);
  refuseForImports(integration, 'sync');
  if (integration.status === 'invalid_credentials') {
    throw new ConflictError(
      "The provider rejected this integration's key. Connect it again with a valid key, then sync.",
    );
  }
  if (!integration.sync_enabled) {
    throw new ConflictError(
      'Sync is disabled for this integration. Enable it with PATCH {"sync_enabled": true} first.',
    );
  }
  const manifest = ports.manifests.find(integration.provider);
  if (!manifest) {
    throw new ConflictError(
      `${integration.provider} is no longer offered; its stored history stays readable.`,
    );
  }
  const now = ports.clock.now();
  const days = resolveDays(request, manifest, now);

  const claim = await ports.integrations.claimManualSync(
    caller.teamId,
    integration.integration_id,
    now,
    MANUAL_SYNC_WINDOW_SECONDS,
  );
  if (!claim.claimed) {
    throw new TooManyRequestsError(
      `This integration was synced less than ${MANUAL_SYNC_WINDOW_SECONDS} seconds ago; try again in ${claim.retryAfterSeconds} s.`,
      claim.retryAfterSeconds,
    );
  }
  if (integration.status === 'not_available') {
    // A manual sync is the user's way to say "try again": clear the state so the result speaks anew.
    await ports.integrations.update(caller.teamId, integration.integration_id, () => ({
      status: 'active',
      status_message: undefined,
    }));
  }

  const planned = await planSync(
    {
      manifest,
      targets: [{ teamId: caller.teamId, integrationId: integration.integration_id }],
      days,
      trigger: 'manual',
    },
    ports,
  );
  return {
    sync_id: planned.syncId,
    integration_id: integration.integration_id,
    provider: integration.provider,
    status: 'queued',
    start_date: days[0] as string,
    end_date: days[days.length - 1] as string,
    days: days.length,
    jobs: planned.jobs,
  };
}
