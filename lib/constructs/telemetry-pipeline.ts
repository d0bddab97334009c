import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { TELEMETRY_REBUILD_DELAY_SECONDS } from '../../functions/domain/use-cases/rebuild-telemetry-day';
import { functionEntries } from '../../functions/routes';
import { MIN_EVENT_SOURCE_CONCURRENCY } from './provider-pipeline';
import { ServiceFunction, STORE_DAYS_ACTIONS, type DataTables } from './service-function';
import { SyncQueue } from './sync-queue';

export interface TelemetryPipelineProps {
  tables: DataTables;
  logRetention: RetentionDays;
  logRemovalPolicy: RemovalPolicy;
}

/**
 * Telemetry day rebuilds (decision 91): POST /otlp/v1/metrics marks a changed day and queues one rebuild on a FIFO
 * queue that holds it TELEMETRY_REBUILD_DELAY_SECONDS, so every change within that time is built once; the
 * message group is the day, so one day's rebuilds never overlap. The worker stores the day as a fetcher does.
 */
export class TelemetryPipeline extends Construct {
  readonly queue: SyncQueue;
  readonly function: ServiceFunction;

  constructor(scope: Construct, id: string, props: TelemetryPipelineProps) {
    super(scope, id);
    const { tables, logRetention, logRemovalPolicy } = props;
    const timeout = Duration.minutes(2);
    this.queue = new SyncQueue(this, 'Rebuilds', {
      consumerTimeout: timeout,
      fifo: true,
      deliveryDelay: Duration.seconds(TELEMETRY_REBUILD_DELAY_SECONDS),
    });
    this.function = new ServiceFunction(this, 'Worker', {
      entry: functionEntries.telemetryRebuild,
      description: 'Rebuild telemetry days from their series',
      serviceName: 'telemetryRebuild',
      timeout,
      memorySize: 1024,
      logRetention,
      logRemovalPolicy,
    })
      // The integration the day belongs to, and the roster the day's attribution follows.
      .bindTable(tables.integrations, ['dynamodb:GetItem', 'dynamodb:Query'])
      // Reads the day's series (Query) and clears its mark (DeleteItem); stores the day as every writer of days does.
      .bindTable(tables.usage, STORE_DAYS_ACTIONS);
    this.function.function.addEventSource(
      new SqsEventSource(this.queue.queue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: MIN_EVENT_SOURCE_CONCURRENCY,
      }),
    );
  }
}
