import { Duration, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { HttpMethods, type Bucket, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { CfnQueuePolicy, QueuePolicy } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { accessLogsBucket, privateBucket } from './private-bucket';
import { IMPORT_ATTEMPTS } from '../../functions/domain/use-cases/import-usage';
import { functionEntries } from '../../functions/routes';
import type { StageConfig } from '../config';
import { STORE_DAYS_ACTIONS, ServiceFunction, type DataTables } from './service-function';
import { SyncQueue } from './sync-queue';

export interface ImportPipelineProps {
  config: StageConfig;
  tables: DataTables;
  logRetention: RetentionDays;
  logRemovalPolicy: RemovalPolicy;
}

/** Uploaded files are kept this long: long enough to look into a rejected file, short enough to hold no history. */
export const UPLOAD_RETENTION_DAYS = 7;

/**
 * CSV imports: an S3 bucket that admins upload to with presigned PUTs (TLS only, no public access, encrypted,
 * uploads expire after UPLOAD_RETENTION_DAYS, access logged), whose "object created" notifications go to a queue
 * (+ DLQ) whose worker reads and imports each file. The notification is configured on the bucket itself (no
 * custom resource); the queue lets S3 of this account send to it, and the bucket is created after that policy,
 * since S3 checks it when the notification is set.
 */
export class ImportPipeline extends Construct {
  readonly bucket: Bucket;
  readonly queue: SyncQueue;
  readonly worker: ServiceFunction;

  constructor(scope: Construct, id: string, props: ImportPipelineProps) {
    super(scope, id);
    const { config, tables, logRetention, logRemovalPolicy } = props;
    const logs = accessLogsBucket(this, 'AccessLogs', config);
    this.bucket = privateBucket(this, 'Uploads', config, {
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'uploads/',
      lifecycleRules: [
        {
          expiration: Duration.days(UPLOAD_RETENTION_DAYS),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // Browsers upload with the presigned PUT straight from the team page.
      cors: [
        {
          allowedMethods: [HttpMethods.PUT],
          allowedOrigins: ['*'],
          allowedHeaders: ['content-type'],
          maxAge: 3000,
        },
      ],
    });

    const timeout = Duration.minutes(15);
    this.queue = new SyncQueue(this, 'Files', { consumerTimeout: timeout, maxReceiveCount: IMPORT_ATTEMPTS });
    const queue = this.queue.queue;
    const { account } = Stack.of(this);
    queue.addToResourcePolicy(
      new PolicyStatement({
        sid: 'S3OfThisAccountNotifiesUploads',
        principals: [new ServicePrincipal('s3.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [queue.queueArn],
        // Not the bucket's ARN: the bucket is created after this policy (S3 checks it), so it cannot name it.
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    const cfnBucket = this.bucket.node.defaultChild as CfnBucket;
    cfnBucket.notificationConfiguration = {
      queueConfigurations: [
        {
          event: 's3:ObjectCreated:*',
          queue: queue.queueArn,
          filter: {
            s3Key: {
              rules: [
                { name: 'prefix', value: 'imports/' },
                { name: 'suffix', value: '.csv' },
              ],
            },
          },
        },
      ],
    };
    // The queue's policy (made by its first statement) must exist before S3 checks it.
    const policy = queue.node.tryFindChild('Policy') as QueuePolicy | undefined;
    if (!policy) throw new Error('the import files queue has no policy');
    cfnBucket.addResourceDependency(
      policy.node.defaultChild as CfnQueuePolicy,
      'S3 checks that it may send to the queue when the notification is set',
    );

    // Reads the import and the file, stores the days, refreshes people and groups above them.
    this.worker = new ServiceFunction(this, 'Worker', {
      entry: functionEntries.importWorker,
      description: 'Import an uploaded CSV file of usage',
      serviceName: 'import-worker',
      timeout,
      memorySize: 1536,
      logRetention,
      logRemovalPolicy,
    })
      .bindTable(tables.integrations, ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:UpdateItem'])
      .bindTable(tables.usage, STORE_DAYS_ACTIONS)
      .bindImportFiles(this.bucket, 'read');
    this.worker.function.addEventSource(
      new SqsEventSource(queue, { batchSize: 1, reportBatchItemFailures: true, maxConcurrency: 2 }),
    );
  }
}
