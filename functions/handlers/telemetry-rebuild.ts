import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { rebuildTelemetryDay, type RebuildTelemetryPorts } from '../domain/use-cases/rebuild-telemetry-day';
import { integrationRepository, telemetrySeriesRepository } from '../adapters/dynamodb';
import { systemClock } from '../adapters/system';
import { telemetryRebuildRequestSchema } from '../schemas/telemetry-rebuild-request';
import { lazy } from '../shared/lazy';
import { storeDayPorts } from './store-day-ports';
import { log, logger, withPowertools } from '../shared/observability';

/**
 * Telemetry rebuild queue (FIFO, one message group per day) → a telemetry day rebuilt from its series
 * (functions/domain/use-cases/rebuild-telemetry-day.ts). A failed record goes back with the rest of its day's
 * group; other days' records go on (skipGroupOnError).
 */
export function createTelemetryRebuildHandler(ports: () => RebuildTelemetryPorts) {
  const processor = new SqsFifoPartialProcessorAsync();
  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const request = telemetryRebuildRequestSchema.parse(JSON.parse(record.body));
    logger.appendKeys({ team_id: request.team_id });
    try {
      const result = await rebuildTelemetryDay(request, ports());
      log.info('telemetry day rebuilt', { date: request.date, ...result });
    } finally {
      logger.removeKeys(['team_id']);
    }
  };
  return withPowertools<SQSEvent, SQSBatchResponse>().handler(async (event: SQSEvent, context: Context) =>
    processPartialResponse(event, recordHandler, processor, { context, skipGroupOnError: true }),
  );
}

export const handler = createTelemetryRebuildHandler(
  lazy(() => ({
    ...storeDayPorts(),
    series: telemetrySeriesRepository(),
    integrations: integrationRepository(),
    clock: systemClock,
  })),
);
