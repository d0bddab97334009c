import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface SyncQueueProps {
  /** Timeout of the consuming function; the visibility timeout is six times it (AWS guidance). */
  consumerTimeout: Duration;
  maxReceiveCount?: number;
}

/** A provider's sync queue with its dead-letter queue: SSL only, encrypted, redrive after N receives. */
export class SyncQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: SyncQueueProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetter', {
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
      encryption: QueueEncryption.SQS_MANAGED,
    });
    this.queue = new Queue(this, 'Queue', {
      visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      enforceSSL: true,
      encryption: QueueEncryption.SQS_MANAGED,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
    });
  }
}
