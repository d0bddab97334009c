import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import type { SyncJob } from '../domain/model';
import {
  forgetDeadLetteredJob,
  noteLastTry,
  recordDeadLetteredJob,
} from '../domain/use-cases/dead-lettered-jobs';
import { runSyncJob, type JobResult, type SyncJobPorts } from '../domain/use-cases/run-sync-job';
import {
  attributionStore,
  integrationRepository,
  requestPacer,
  rosterRepository,
  usageRepository,
} from '../adapters/dynamodb';
import { idempotencyTable } from '../adapters/dynamodb/table-definitions';
import { providerContextFactory } from '../adapters/provider-context';
import { sqsAttributionQueue } from '../adapters/queue';
import { kmsSecretStore } from '../adapters/secrets';
import { systemClock } from '../adapters/system';
import { ENV } from '../environment';
import { createProviderCatalog } from '../providers/catalog';
import { syncJobSchema } from '../schemas/sync-job';
import { requireEnv } from '../shared/env';
import { lazy } from '../shared/lazy';
import { log, logger, metrics, withPowertools } from '../shared/observability';

/** The queue's maxReceiveCount as the stack sets it (SQS accepts 1–1000). */
const receiveCountSchema = z.coerce.number().int().min(1).max(1000);

export interface FetcherOptions {
  /** The provider this fetcher serves; a message for another provider is dropped (it is on the wrong queue). */
  providerId?: string;
  /** Where completed jobs are remembered, so a duplicate delivery does not call the provider again. */
  persistenceStore?: BasePersistenceLayer;
  /**
   * The queue's maxReceiveCount: a job that fails on that receive goes to the dead-letter queue next, so it is
   * recorded on its integration first. Without it nothing is recorded.
   */
  maxReceiveCount?: number;
}

/** Job ids are unique per queue message; one remembered for a day covers SQS's redelivery window. */
export const IDEMPOTENCY_SECONDS = 24 * 60 * 60;

/**
 * SQS batch → one sync job per record, processed with Powertools batch processing so only failed
 * records return to the queue (partial batch response). Each job is idempotent twice over: keyed
 * on its job_id by Powertools idempotency, and because a day is always replaced whole.
 */
export function createFetcherHandler(ports: () => SyncJobPorts, options: () => FetcherOptions) {
  const processor = new BatchProcessor(EventType.SQS);
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'job_id',
    expiresAfterSeconds: IDEMPOTENCY_SECONDS,
  });
  let run: ((job: SyncJob) => Promise<JobResult>) | undefined;
  const runner = () => {
    if (run) return run;
    const { persistenceStore } = options();
    const plain = (job: SyncJob) => runSyncJob(job, ports());
    run = persistenceStore ? makeIdempotent(plain, { persistenceStore, config }) : plain;
    return run;
  };

  /** The record's receives when this is the job's last allowed one (SQS dead-letters it next), else undefined. */
  const lastReceive = (record: SQSRecord): number | undefined => {
    const { maxReceiveCount } = options();
    const receives = Number(record.attributes.ApproximateReceiveCount);
    return maxReceiveCount !== undefined && receives >= maxReceiveCount ? receives : undefined;
  };

  /** On the job's last allowed receive, before SQS moves it to the dead-letter queue: record it. */
  const recordIfLastReceive = async (job: SyncJob, record: SQSRecord, error: unknown): Promise<void> => {
    const receives = lastReceive(record);
    if (receives === undefined) return;
    await recordDeadLetteredJob(job, { error, receives }, ports()).catch((failure: unknown) => {
      // The job's own error is what the queue must see; its days heal in the daily run either way.
      logger.error('dead-lettered sync job not recorded', { error: (failure as Error).name });
    });
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
      const last = lastReceive(record);
      if (last !== undefined) {
        // Listed before the try: a try the function cannot finish leaves no error to record afterwards.
        await noteLastTry(job, last, ports()).catch((failure: unknown) => {
          logger.error('last try of a sync job not noted', { error: (failure as Error).name });
        });
      }
      const result = await runner()(job).catch(async (error: unknown) => {
        await recordIfLastReceive(job, record, error);
        throw error;
      });
      metrics.addMetric('DaysSynced', MetricUnit.Count, result.days_ok);
      metrics.addMetric('DaysFailed', MetricUnit.Count, result.days_failed);
      // A redriven job that now succeeds leaves its integration's dead letters.
      await forgetDeadLetteredJob(job, ports());
    } finally {
      logger.removeKeys(['job_id', 'integration_id', 'provider']);
    }
  };

  return withPowertools<SQSEvent, SQSBatchResponse>().handler(async (event: SQSEvent, context: Context) => {
    config.registerLambdaContext(context);
    return processPartialResponse(event, recordHandler, processor, { context });
  });
}

export const handler = createFetcherHandler(
  lazy(() => ({
    providers: createProviderCatalog(providerContextFactory(process.env, { pacer: requestPacer() })),
    integrations: integrationRepository(),
    usage: usageRepository(),
    attribution: attributionStore(),
    roster: rosterRepository(),
    reattribution: sqsAttributionQueue(),
    secrets: kmsSecretStore(),
    clock: systemClock,
    log,
  })),
  lazy(() => ({
    providerId: requireEnv(ENV.providerId),
    maxReceiveCount: receiveCountSchema.parse(requireEnv(ENV.syncMaxReceiveCount)),
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: requireEnv(idempotencyTable.envVar) }),
  })),
);
