import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { reattributeTeam, type ReattributePorts } from '../domain/use-cases/refresh-attribution';
import { sqsAttributionQueue } from '../adapters/queue';
import { systemClock } from '../adapters/system';
import { reattributionRequestSchema } from '../schemas/attribution-request';
import { lazy } from '../shared/lazy';
import { storeDayPorts } from './store-day-ports';
import { logger, withPowertools } from '../shared/observability';

/**
 * Attribution queue → re-attributes a team's stored days after a roster change (functions/domain/use-cases/
 * refresh-attribution.ts). A failed record goes back to the queue alone (partial batch response).
 */
export function createAttributionHandler(ports: () => ReattributePorts) {
  const processor = new BatchProcessor(EventType.SQS);
  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const request = reattributionRequestSchema.parse(JSON.parse(record.body));
    logger.appendKeys({ team_id: request.team_id });
    try {
      await reattributeTeam(request, ports());
    } finally {
      logger.removeKeys(['team_id']);
    }
  };
  return withPowertools<SQSEvent, SQSBatchResponse>().handler(async (event: SQSEvent, context: Context) =>
    processPartialResponse(event, recordHandler, processor, { context }),
  );
}

export const handler = createAttributionHandler(
  lazy(() => ({
    ...storeDayPorts(),
    reattribution: sqsAttributionQueue(),
    clock: systemClock,
  })),
);
