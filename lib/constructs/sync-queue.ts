import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface SyncQueueProps {
  /** Timeout of the consuming function; the visibility timeout is six times it (AWS guidance). */
  consumerTimeout: Duration;
  /** Receives before a message moves to the dead-letter queue; default 5. */
  maxReceiveCount?: number;
  /** How long the dead-letter queue keeps a message; default 14 days. */
  deadLetterRetention?: Duration;
  /** A FIFO queue (and dead-letter queue): messages of one group are received one at a time, in order. */
  fifo?: boolean;
  /** How long the queue holds each new message before it can be received; default none. */
  deliveryDelay?: Duration;
}

/**
 * A work queue with its dead-letter queue (a provider's sync jobs, re-attributions, telemetry rebuilds): SSL
 * only, encrypted, redrive after N receives.
 */
export class SyncQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  /** Receives before a message moves to the dead-letter queue, as the queue was built (its consumer may need it). */
  readonly maxReceiveCount: number;

  constructor(scope: Construct, id: string, props: SyncQueueProps) {
    super(scope, id);
    this.maxReceiveCount = props.maxReceiveCount ?? 5;
    this.deadLetterQueue = new Queue(this, 'DeadLetter', {
      retentionPeriod: props.deadLetterRetention ?? Duration.days(14),
      enforceSSL: true,
      encryption: QueueEncryption.SQS_MANAGED,
      ...(props.fifo ? { fifo: true } : {}),
    });
    this.queue = new Queue(this, 'Queue', {
      visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      enforceSSL: true,
      encryption: QueueEncryption.SQS_MANAGED,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: this.maxReceiveCount },
      ...(props.fifo ? { fifo: true } : {}),
      ...(props.deliveryDelay ? { deliveryDelay: props.deliveryDelay } : {}),
    });
  }
}
