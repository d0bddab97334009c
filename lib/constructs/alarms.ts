import { Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Metric,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../config';
import type { AttributionPipeline } from './attribution-pipeline';
import type { ImportPipeline } from './import-pipeline';
import type { ProviderPipeline } from './provider-pipeline';
import type { ServiceFunction } from './service-function';
import type { TelemetryPipeline } from './telemetry-pipeline';

export interface OperatorAlarmsProps {
  stage: string;
  /** Subscribed to the alarm topic when set. */
  alarmEmail?: string;
  /** Encrypts the alarm topic; its policy must let CloudWatch use it. */
  topicKey: IKey;
  api: HttpApi;
  /** API functions by name. */
  functions: Readonly<Record<string, ServiceFunction>>;
  pipelines: readonly ProviderPipeline[];
  attribution: AttributionPipeline;
  imports: ImportPipeline;
  telemetry: TelemetryPipeline;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * What an operator must hear about, all sent to one encrypted SNS topic:
 * - per provider: jobs in the DLQ, fetcher invocation errors, days that could not be fetched (the fetchers'
 *   DaysFailed metric), and a failed daily scheduler run (no jobs were queued that day);
 * - every function: throttled invocations;
 * - attribution after a roster change: requests in the DLQ, worker errors;
 * - imports: uploaded files whose import failed every retry (DLQ), worker errors;
 * - telemetry rebuilds: days in the DLQ, worker errors;
 * - the API: 5xx answers.
 */
export class OperatorAlarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  /** The alarm an operator fires to check that notifications arrive (`npm run smoke`, the README). */
  readonly testAlarm: Alarm;

  constructor(scope: Construct, id: string, props: OperatorAlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', {
      displayName: `AI usage ${props.stage} alarms`,
      masterKey: props.topicKey,
      enforceSSL: true,
    });
    // `enforceSSL` makes the topic's policy hold a TLS-only Deny, and a topic policy replaces the default one
    // that let this account's CloudWatch alarms publish: without this statement no alarm notifies anyone.
    const { account, partition, region } = Stack.of(this);
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccountPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
        },
      }),
    );
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);
    const alarm = (alarmId: string, metric: IMetric, threshold: number, description: string): Alarm => {
      const created = new Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(action);
      this.alarms.push(created);
      return created;
    };

    for (const { manifest, queue, fetcher, scheduler } of props.pipelines) {
      const name = manifest.id;
      alarm(
        `${name}-DeadLetters`,
        queue.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: FIVE_MINUTES,
          statistic: 'Maximum',
        }),
        1,
        `${manifest.displayName}: sync jobs failed every retry and wait in the dead-letter queue.`,
      );
      alarm(
        `${name}-FetcherErrors`,
        fetcher.function.metricErrors({ period: FIVE_MINUTES }),
        1,
        `${manifest.displayName}: the fetcher failed whole invocations.`,
      );
      alarm(
        `${name}-SchedulerErrors`,
        scheduler.function.metricErrors({ period: FIVE_MINUTES }),
        1,
        `${manifest.displayName}: the daily scheduler run failed; that day's syncs may not have been queued.`,
      );
      alarm(
        `${name}-DaysFailed`,
        new Metric({
          namespace: METRICS_NAMESPACE,
          metricName: 'DaysFailed',
          // Powertools adds the service name as the `service` dimension.
          dimensionsMap: { service: `${name}-fetcher` },
          statistic: 'Sum',
          period: Duration.hours(1),
        }),
        1,
        `${manifest.displayName}: days could not be fetched (the integration ledger names the reasons).`,
      );
    }

    alarm(
      'Attribution-DeadLetters',
      props.attribution.queue.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: FIVE_MINUTES,
        statistic: 'Maximum',
      }),
      1,
      'Re-attribution after a roster change failed every retry: group figures may follow an old roster.',
    );
    alarm(
      'Attribution-Errors',
      props.attribution.function.function.metricErrors({ period: FIVE_MINUTES }),
      1,
      'The attribution worker failed whole invocations.',
    );

    alarm(
      'Imports-DeadLetters',
      props.imports.queue.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: FIVE_MINUTES,
        statistic: 'Maximum',
      }),
      1,
      'An uploaded import file could not be imported after every retry (its import says failed).',
    );
    alarm(
      'Imports-Errors',
      props.imports.worker.function.metricErrors({ period: FIVE_MINUTES }),
      1,
      'The import worker failed whole invocations.',
    );

    alarm(
      'TelemetryRebuild-DeadLetters',
      props.telemetry.queue.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: FIVE_MINUTES,
        statistic: 'Maximum',
      }),
      1,
      'A telemetry day could not be rebuilt after every retry: its figures stay as last built until the day changes again.',
    );
    alarm(
      'TelemetryRebuild-Errors',
      props.telemetry.function.function.metricErrors({ period: FIVE_MINUTES }),
      1,
      'The telemetry rebuild worker failed whole invocations.',
    );

    const everyFunction: [string, ServiceFunction][] = [
      ['attribution', props.attribution.function],
      ['telemetry-rebuild', props.telemetry.function],
      ['import-worker', props.imports.worker],
      ...Object.entries(props.functions),
      ...props.pipelines.flatMap((p): [string, ServiceFunction][] => [
        [`${p.manifest.id}-scheduler`, p.scheduler],
        [`${p.manifest.id}-fetcher`, p.fetcher],
      ]),
    ];
    for (const [name, fn] of everyFunction) {
      alarm(
        `${name}-Throttles`,
        fn.function.metricThrottles({ period: FIVE_MINUTES }),
        1,
        `${name}: Lambda throttled invocations.`,
      );
    }
    this.testAlarm = alarm(
      'Api-5xx',
      props.api.metricServerError({ period: FIVE_MINUTES }),
      5,
      'The API answered 5xx five times or more in 5 minutes.',
    );
  }
}
