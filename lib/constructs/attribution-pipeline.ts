import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { functionEntries } from '../../functions/routes';
import { MIN_EVENT_SOURCE_CONCURRENCY } from './provider-pipeline';
import { ServiceFunction, type DataTables } from './service-function';
import { SyncQueue } from './sync-queue';

export interface AttributionPipelineProps {
  tables: DataTables;
  logRetention: RetentionDays;
  logRemovalPolicy: RemovalPolicy;
}

/**
 * Roster change → attribution queue (+ DLQ) → attribution function, which attributes a team's stored days to
 * people and groups again, a bounded number per message, and queues the rest as a new message to itself.
 * Two at once at most: work for one team is idempotent and version-checked, so order does not matter.
 */
export class AttributionPipeline extends Construct {
  readonly queue: SyncQueue;
  readonly function: ServiceFunction;

  constructor(scope: Construct, id: string, props: AttributionPipelineProps) {
    super(scope, id);
    const { tables, logRetention, logRemovalPolicy } = props;
    const timeout = Duration.minutes(5);
    this.queue = new SyncQueue(this, 'Requests', { consumerTimeout: timeout });
    // Reads the roster, the ledger, digests and attributions; writes attributions and group rollups.
    this.function = new ServiceFunction(this, 'Worker', {
      entry: functionEntries.attribution,
      description: 'Attribute stored usage to people and groups after a roster change',
      serviceName: 'attribution',
      timeout,
      memorySize: 1024,
      logRetention,
      logRemovalPolicy,
    })
      .bindTable(tables.integrations, ['dynamodb:Query'])
      // PutItem and DeleteItem also cover the TransactWriteItems of an attribution and its group rollups.
      .bindTable(tables.usage, [
        'dynamodb:Query',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:DeleteItem',
      ])
      .bindAttributionQueue(this.queue.queue);
    this.function.function.addEventSource(
      new SqsEventSource(this.queue.queue, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: MIN_EVENT_SOURCE_CONCURRENCY,
      }),
    );
  }
}
