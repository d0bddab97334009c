import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { EventBridgeEvent } from 'aws-lambda';
import type { Dependencies } from '../domain/use-cases/dependencies';
import { scheduleProvider } from '../domain/use-cases/schedule-provider';
import { lazy } from '../adapters/core-dependencies';
import { queueingDependencies } from '../adapters/queue-dependencies';
import { requireEnv } from '../shared/env';
import { logger, metrics, tracer } from '../shared/observability';

export type ScheduleEvent = EventBridgeEvent<'Scheduled Event', Record<string, unknown>>;

/** EventBridge daily rule → one sync job per active integration of this function's provider. */
export function createSchedulerHandler(deps: () => Dependencies, providerId: () => string) {
  return middy<ScheduleEvent, { provider: string; integrations: number; jobs: number }>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .handler(async (event) => {
      const provider = providerId();
      logger.info('daily sync starting', { provider, event_time: event.time });
      const result = await scheduleProvider(provider, deps());
      metrics.addMetric('IntegrationsScheduled', MetricUnit.Count, result.integrations);
      return { provider, ...result };
    });
}

export const handler = createSchedulerHandler(
  lazy(() => queueingDependencies()),
  lazy(() => requireEnv('PROVIDER_ID')),
);
