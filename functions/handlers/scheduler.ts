import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { EventBridgeEvent } from 'aws-lambda';
import { scheduleProvider, type ScheduleProviderPorts } from '../domain/use-cases/schedule-provider';
import { integrationRepository, usageRepository } from '../adapters/dynamodb';
import { syncPlanAdapters } from '../adapters/sync-planning';
import { ENV } from '../environment';
import { manifestCatalog } from '../providers/manifests';
import { requireEnv } from '../shared/env';
import { lazy } from '../shared/lazy';
import { log, logger, metrics, withPowertools } from '../shared/observability';

export type ScheduleEvent = EventBridgeEvent<'Scheduled Event', Record<string, unknown>>;

/**
 * EventBridge daily rule → one sync job per active integration of this function's provider, with the days its
 * ledger says failed or were left pending.
 */
export function createSchedulerHandler(ports: () => ScheduleProviderPorts, providerId: () => string) {
  return withPowertools<
    ScheduleEvent,
    { provider: string; integrations: number; jobs: number; repairs: number }
  >().handler(async (event) => {
    const provider = providerId();
    logger.info('daily sync starting', { provider, event_time: event.time });
    const result = await scheduleProvider(provider, ports());
    metrics.addMetric('IntegrationsScheduled', MetricUnit.Count, result.integrations);
    metrics.addMetric('DaysRepairQueued', MetricUnit.Count, result.repairs);
    return { provider, ...result };
  });
}

export const handler = createSchedulerHandler(
  lazy(() => ({
    ...syncPlanAdapters(),
    usage: usageRepository(),
    manifests: manifestCatalog,
    integrations: integrationRepository(),
    log,
  })),
  lazy(() => requireEnv(ENV.providerId)),
);
