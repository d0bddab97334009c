import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../functions/environment';
import {
  FETCHER_BATCH_SIZE,
  SYNC_JOB_DELIVERY,
  type ProviderManifest,
} from '../../functions/domain/provider-manifest';
import { functionEntries } from '../../functions/routes';
import {
  STORE_DAYS_ACTIONS,
  ServiceFunction,
  type DataTables,
  type ProviderSecrets,
} from './service-function';
import { SyncQueue } from './sync-queue';

/** The smallest maximum concurrency an SQS event source accepts (2–1000). */
export const MIN_EVENT_SOURCE_CONCURRENCY = 2;

export interface ProviderPipelineProps {
  manifest: ProviderManifest;
  /** Where a fetcher asks for stored days to be attributed again (a seat snapshot changed identity links). */
  attributionQueue: IQueue;
  tables: DataTables;
  secrets: ProviderSecrets;
  logRetention: RetentionDays;
  logRemovalPolicy: RemovalPolicy;
}

/**
 * One provider's daily sync, built from its manifest alone (so a new provider adds no CDK code):
 * EventBridge rule (the manifest's cron) → scheduler function → SQS queue (+ DLQ) → fetcher function,
 * each function bound to exactly what it uses.
 *
 * The fetcher runs at most `limits.maxConcurrency` at once: the SQS event source's maximum concurrency caps
 * the invocations it starts, which is all a provider's rate limit needs. No reserved concurrency: Lambda keeps
 * 100 units of an account's quota unreserved, so reserving any on an account still at the new-account quota
 * (often 10) fails the deploy. Each invocation takes one job (batch size 1): the fetcher processes a batch's
 * records in parallel, so a larger batch would multiply the calls made to the provider beyond the cap. Failed
 * jobs are reported per record (partial batch response) and retried by SQS until the DLQ takes them; the queue's
 * receive count (SYNC_JOB_DELIVERY) is handed to the fetcher, which records a job failing its last receive on its
 * integration.
 */
export class ProviderPipeline extends Construct {
  readonly manifest: ProviderManifest;
  readonly scheduler: ServiceFunction;
  readonly fetcher: ServiceFunction;
  readonly queue: SyncQueue;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: ProviderPipelineProps) {
    super(scope, id);
    const { manifest, tables, secrets, logRetention, logRemovalPolicy, attributionQueue } = props;
    this.manifest = manifest;
    const { maxConcurrency, fetcherTimeoutSeconds } = manifest.limits;
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < MIN_EVENT_SOURCE_CONCURRENCY) {
      // The event source's MaximumConcurrency accepts 2–1000.
      throw new Error(
        `Provider ${manifest.id}: limits.maxConcurrency must be an integer ≥ ${MIN_EVENT_SOURCE_CONCURRENCY} (got ${maxConcurrency}).`,
      );
    }
    const scheduleIndex = tables.integrations.definition.globalSecondaryIndexes[0]?.indexName;
    if (!scheduleIndex) throw new Error('The Integrations table has no schedulable-by-provider index');
    const fetcherTimeout = Duration.seconds(fetcherTimeoutSeconds);
    const environment = { [ENV.providerId]: manifest.id };
    this.queue = new SyncQueue(this, 'Sync', {
      consumerTimeout: fetcherTimeout,
      maxReceiveCount: SYNC_JOB_DELIVERY.maxReceiveCount,
      deadLetterRetention: Duration.days(SYNC_JOB_DELIVERY.deadLetterRetentionDays),
    });

    // Active integrations of its provider from the sparse index, days marked pending, its own queue only.
    this.scheduler = new ServiceFunction(this, 'Scheduler', {
      entry: functionEntries.scheduler,
      description: `${manifest.displayName}: daily sync fan-out`,
      serviceName: `${manifest.id}-scheduler`,
      timeout: Duration.minutes(5),
      logRetention,
      logRemovalPolicy,
      environment,
    })
      .bindTable(tables.integrations, ['dynamodb:Query'], { index: scheduleIndex })
      // Query: each integration's ledger of the history window, for days to repair; UpdateItem: marking pending.
      .bindTable(tables.usage, ['dynamodb:Query', 'dynamodb:UpdateItem'])
      .bindQueues({ [manifest.id]: this.queue.queue });

    // Reads the integration, its key and the roster; replaces days of usage and the per-person and per-group
    // pre-aggregates above them; remembers finished jobs.
    this.fetcher = new ServiceFunction(this, 'Fetcher', {
      entry: functionEntries.fetcher,
      description: `${manifest.displayName}: fetch, normalise and store usage`,
      serviceName: `${manifest.id}-fetcher`,
      timeout: fetcherTimeout,
      memorySize: 1024,
      logRetention,
      logRemovalPolicy,
      // The queue's own receive count: a job failing on that receive is recorded on its integration as dead-lettered.
      environment: { ...environment, [ENV.syncMaxReceiveCount]: String(this.queue.maxReceiveCount) },
    })
      .bindTable(tables.integrations, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'])
      .bindTable(tables.usage, STORE_DAYS_ACTIONS)
      .bindTable(tables.idempotency, [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
      ])
      .bindProviderSecrets(secrets, { use: 'decrypt', provider: manifest.id })
      .bindAttributionQueue(attributionQueue);
    this.fetcher.function.addEventSource(
      new SqsEventSource(this.queue.queue, {
        batchSize: FETCHER_BATCH_SIZE,
        reportBatchItemFailures: true,
        maxConcurrency,
      }),
    );

    this.rule = new Rule(this, 'Daily', {
      description: `${manifest.displayName}: daily usage sync`,
      schedule: Schedule.expression(manifest.scheduleCron),
      targets: [new LambdaFunction(this.scheduler.function, { retryAttempts: 2 })],
    });
  }
}
