import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { idempotencyTable } from '../adapters/dynamodb/table-definitions';
import type { Dependencies } from '../domain/use-cases/dependencies';
import { runSyncJob } from '../domain/use-cases/run-sync-job';
import { awsDependencies, lazy } from '../adapters/aws-dependencies';
import { syncJobSchema, type SyncJob } from '../schemas/sync-job';
import { requireEnv } from '../shared/env';
import { logger, metrics, tracer } from '../shared/observability';

export interface FetcherOptions {
  /** The provider this fetcher serves; a message for another provider is dropped (it is on the wrong queue). */
  providerId?: string;
  /** Where completed jobs are remembered, so a duplicate delivery does not call the provider again. */
  persistenceStore?: BasePersistenceLayer;
}

/** Job ids are unique per queue message; one remembered for a day covers SQS's redelivery window. */
export const IDEMPOTENCY_SECONDS = 24 * 60 * 60;

/**
 * SQS batch → one sync job per record, processed with Powertools batch processing so only failed
 * records return to the queue (partial batch response). Each job is idempotent twice over: keyed
 * on its job_id by Powertools idempotency, and because a day is always replaced whole.
 */
export function createFetcherHandler(deps: () => Dependencies, options: () => FetcherOptions) {
  const processor = new BatchProcessor(EventType.SQS);
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'job_id',
    expiresAfterSeconds: IDEMPOTENCY_SECONDS,
  });
  let run: ((job: SyncJob) => Promise<unknown>) | undefined;
  const runner = () => {
    if (run) return run;
    const { persistenceStore } = options();
    const plain = (job: SyncJob) => runSyncJob(job, deps());
    run = persistenceStore ? makeIdempotent(plain, { persistenceStore, config }) : plain;
    return run;
  };

  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const job = syncJobSchema.parse(JSON.parse(record.body));
    const { providerId } = options();
    if (providerId && job.provider !== providerId) {
      logger.error('sync job on the wrong queue dropped', { job_id: job.job_id, provider: job.provider });
      return;
    }
    logger.appendKeys({ job_id: job.job_id, integration_id: job.integration_id, provider: job.provider });
    try {
      const result = (await runner()(job)) as { days_ok?: number; days_failed?: number } | undefined;
      metrics.addMetric('DaysSynced', MetricUnit.Count, result?.days_ok ?? 0);
      metrics.addMetric('DaysFailed', MetricUnit.Count, result?.days_failed ?? 0);
    } finally {
      logger.removeKeys(['job_id', 'integration_id', 'provider']);
    }
  };

  return middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .handler(async (event: SQSEvent, context: Context) => {
      config.registerLambdaContext(context);
      return processPartialResponse(event, recordHandler, processor, { context });
    });
}

export const handler = createFetcherHandler(
  lazy(() => awsDependencies()),
  lazy(() => ({
    providerId: requireEnv('PROVIDER_ID'),
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: requireEnv(idempotencyTable.envVar) }),
  })),
);
