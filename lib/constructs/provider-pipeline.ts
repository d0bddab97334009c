import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { ProviderManifest } from '../../functions/providers/manifest-types';
import { functionEntries } from '../../functions/routes';
import { ServiceFunction } from './service-function';
import { SyncQueue } from './sync-queue';

export interface ProviderPipelineProps {
  manifest: ProviderManifest;
  environment: Record<string, string>;
  logRetention: RetentionDays;
}

/**
 * One provider's daily sync: EventBridge rule (the manifest's cron) → scheduler function → SQS queue
 * (with DLQ) → fetcher function. The fetcher's concurrency is capped by the manifest's rate limit.
 * Built from the provider registry's manifests, so a new provider needs no CDK code.
 */
export class ProviderPipeline extends Construct {
  readonly scheduler: ServiceFunction;
  readonly fetcher: ServiceFunction;
  readonly queue: SyncQueue;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: ProviderPipelineProps) {
    super(scope, id);
    const { manifest } = props;
    const fetcherTimeout = Duration.seconds(manifest.limits.fetcherTimeoutSeconds);
    this.queue = new SyncQueue(this, 'Sync', { consumerTimeout: fetcherTimeout });

    this.scheduler = new ServiceFunction(this, 'Scheduler', {
      entry: functionEntries.scheduler,
      description: `${manifest.displayName}: daily sync fan-out`,
      serviceName: `${manifest.id}-scheduler`,
      timeout: Duration.minutes(5),
      logRetention: props.logRetention,
      environment: { ...props.environment, PROVIDER_ID: manifest.id },
    });
    this.fetcher = new ServiceFunction(this, 'Fetcher', {
      entry: functionEntries.fetcher,
      description: `${manifest.displayName}: fetch, normalise and store usage`,
      serviceName: `${manifest.id}-fetcher`,
      timeout: fetcherTimeout,
      memorySize: 1024,
      reservedConcurrentExecutions: manifest.limits.maxConcurrency,
      logRetention: props.logRetention,
      environment: { ...props.environment, PROVIDER_ID: manifest.id },
    });
    this.fetcher.function.addEventSource(
      new SqsEventSource(this.queue.queue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(5),
        reportBatchItemFailures: true,
        // SQS polls no faster than the fetchers may run (minimum 2).
        maxConcurrency: Math.max(2, manifest.limits.maxConcurrency),
      }),
    );
    this.queue.queue.grantSendMessages(this.scheduler.role);

    this.rule = new Rule(this, 'Daily', {
      description: `${manifest.displayName}: daily usage sync`,
      schedule: Schedule.expression(manifest.scheduleCron),
      targets: [new LambdaFunction(this.scheduler.function, { retryAttempts: 2 })],
    });
  }
}
