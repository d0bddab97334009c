import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type {
  AttributionQueue,
  ReattributionRequest,
  SyncQueue,
  TelemetryRebuildQueue,
  TelemetryRebuildRequest,
} from '../functions/domain/ports';
import type { SyncJob } from '../functions/domain/model';

/** The queue of re-attribution requests, beside the providers' sync queues. */
export const ATTRIBUTION_QUEUE = 'attribution';
/** The queue of telemetry day rebuilds (FIFO and delayed in the stack; here delayed, one at a time). */
export const TELEMETRY_REBUILD_QUEUE = 'telemetry-rebuild';
/** The queue S3 notifies of uploaded import files. */
export const IMPORTS_QUEUE = 'imports';

/**
 * A local stand-in for the SQS queues (one per provider, the attribution, telemetry rebuild and imports queues): messages are delivered
 * in-process to the same handlers (fetcher, attribution) as SQS events of up to ten records, each with its receive count
 * (`ApproximateReceiveCount`); records the handler reports as failed come back after a visibility timeout, and a record that
 * fails on its `maxReceiveCount`th receive goes to the queue's dead-letter queue, where it stays until `redrive` moves it back
 * as SQS's redrive does: as a new message (new id, receive count from zero).
 */
export type Consumer = (event: SQSEvent) => Promise<SQSBatchResponse | void>;

interface Message {
  id: string;
  body: string;
  receiveCount: number;
  availableAt: number;
  sentAt: number;
}

export interface QueueOptions {
  batchSize?: number;
  visibilityTimeoutMs?: number;
  maxReceiveCount?: number;
  concurrency?: (provider: string) => number;
  /** How long a queue holds a new message before it can be received (SQS's delivery delay); default none. */
  delayMs?: (name: string) => number;
  onDeadLetter?: (provider: string, job: unknown) => void;
  onBatchDone?: (provider: string, stats: QueueStats) => void;
}

export interface QueueStats {
  enqueued: number;
  succeeded: number;
  redelivered: number;
  dead: number;
  waiting: number;
  inFlight: number;
  /** Messages in the dead-letter queue now (`dead` counts every move there). */
  deadLetters: number;
}

class ProviderQueue {
  messages: Message[] = [];
  deadLetters: Message[] = [];
  inFlight = 0;
  stats = { enqueued: 0, succeeded: 0, redelivered: 0, dead: 0 };
  timer: NodeJS.Timeout | undefined;
}

export class InProcessQueue implements SyncQueue, AttributionQueue, TelemetryRebuildQueue {
  private readonly queues = new Map<string, ProviderQueue>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly options: Required<Omit<QueueOptions, 'onDeadLetter' | 'onBatchDone'>> &
    Pick<QueueOptions, 'onDeadLetter' | 'onBatchDone'>;
  private closed = false;

  constructor(
    private readonly consumers: Record<string, Consumer>,
    options: QueueOptions = {},
  ) {
    this.options = {
      batchSize: options.batchSize ?? 10,
      visibilityTimeoutMs: options.visibilityTimeoutMs ?? 2_000,
      maxReceiveCount: options.maxReceiveCount ?? 5,
      concurrency: options.concurrency ?? (() => 2),
      delayMs: options.delayMs ?? (() => 0),
      onDeadLetter: options.onDeadLetter,
      onBatchDone: options.onBatchDone,
    };
  }

  private queue(provider: string): ProviderQueue {
    let queue = this.queues.get(provider);
    if (!queue) {
      queue = new ProviderQueue();
      this.queues.set(provider, queue);
    }
    return queue;
  }

  async enqueue(provider: string, jobs: SyncJob[]): Promise<void> {
    if (!this.consumers[provider]) throw new Error(`no sync queue configured for provider ${provider}`);
    this.send(provider, jobs);
  }

  async requestReattribution(request: ReattributionRequest): Promise<void> {
    if (!this.consumers[ATTRIBUTION_QUEUE]) throw new Error('no attribution queue configured');
    this.send(ATTRIBUTION_QUEUE, [request]);
  }

  async requestRebuild(request: TelemetryRebuildRequest): Promise<void> {
    if (!this.consumers[TELEMETRY_REBUILD_QUEUE]) throw new Error('no telemetry rebuild queue configured');
    this.send(TELEMETRY_REBUILD_QUEUE, [request]);
  }

  /** Puts messages on a named queue (its consumer is one of those given at construction). */
  publish(name: string, bodies: readonly unknown[]): void {
    if (!this.consumers[name]) throw new Error(`no queue ${name} configured`);
    this.send(name, bodies);
  }

  private send(name: string, bodies: readonly unknown[]): void {
    const json = bodies.map((body) => JSON.stringify(body));
    this.sendRaw(name, json);
  }

  private sendRaw(name: string, bodies: readonly string[]): void {
    const queue = this.queue(name);
    const now = Date.now();
    const availableAt = now + this.options.delayMs(name);
    for (const body of bodies) {
      queue.messages.push({ id: randomUUID(), body, receiveCount: 0, availableAt, sentAt: now });
    }
    queue.stats.enqueued += bodies.length;
    setImmediate(() => this.pump(name));
  }

  /** Receives after which a failing message goes to its dead-letter queue. */
  get maxReceiveCount(): number {
    return this.options.maxReceiveCount;
  }

  /** The bodies in a queue's dead-letter queue, oldest first. */
  deadLetters(name: string): unknown[] {
    return this.queue(name).deadLetters.map((message) => JSON.parse(message.body) as unknown);
  }

  /**
   * Moves every message of a queue's dead-letter queue back to the queue, as SQS's redrive (StartMessageMoveTask)
   * does: each comes back as a new message, with a new id and its receive count from zero. Returns how many moved.
   */
  redrive(name: string): number {
    if (!this.consumers[name]) throw new Error(`no queue ${name} configured`);
    const moved = this.queue(name).deadLetters.splice(0);
    if (moved.length > 0) {
      const bodies = moved.map((message) => message.body);
      this.sendRaw(name, bodies);
    }
    return moved.length;
  }

  /** Delivers the same message again, as SQS may (at-least-once delivery); for tests. */
  async redeliver(provider: string, job: SyncJob): Promise<void> {
    await this.enqueue(provider, [job]);
  }

  stats(provider: string): QueueStats {
    const queue = this.queue(provider);
    return {
      ...queue.stats,
      waiting: queue.messages.length,
      inFlight: queue.inFlight,
      deadLetters: queue.deadLetters.length,
    };
  }

  private busy(): boolean {
    return [...this.queues.values()].some((queue) => queue.messages.length > 0 || queue.inFlight > 0);
  }

  /** Resolves when every queue is empty and nothing is being processed. */
  drain(): Promise<void> {
    if (!this.busy()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const queue of this.queues.values()) clearTimeout(queue.timer);
  }

  private settle(): void {
    if (this.busy()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private pump(provider: string): void {
    if (this.closed) return;
    const queue = this.queue(provider);
    const consumer = this.consumers[provider] as Consumer;
    clearTimeout(queue.timer);
    while (queue.inFlight < this.options.concurrency(provider)) {
      const now = Date.now();
      const ready = queue.messages
        .filter((message) => message.availableAt <= now)
        .slice(0, this.options.batchSize);
      if (ready.length === 0) break;
      queue.messages = queue.messages.filter((message) => !ready.includes(message));
      queue.inFlight++;
      void this.deliver(provider, consumer, ready).finally(() => {
        queue.inFlight--;
        this.options.onBatchDone?.(provider, this.stats(provider));
        this.pump(provider);
        this.settle();
      });
    }
    const next = Math.min(...queue.messages.map((message) => message.availableAt));
    if (Number.isFinite(next))
      queue.timer = setTimeout(() => this.pump(provider), Math.max(0, next - Date.now()));
  }

  private async deliver(provider: string, consumer: Consumer, batch: Message[]): Promise<void> {
    const queue = this.queue(provider);
    for (const message of batch) message.receiveCount++;
    let failedIds: Set<string>;
    try {
      const response = await consumer({ Records: batch.map((message) => toRecord(provider, message)) });
      failedIds = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch {
      failedIds = new Set(batch.map((message) => message.id));
    }
    for (const message of batch) {
      if (!failedIds.has(message.id)) {
        queue.stats.succeeded++;
        continue;
      }
      if (message.receiveCount >= this.options.maxReceiveCount) {
        queue.stats.dead++;
        queue.deadLetters.push(message);
        this.options.onDeadLetter?.(provider, JSON.parse(message.body));
        continue;
      }
      queue.stats.redelivered++;
      message.availableAt = Date.now() + this.options.visibilityTimeoutMs;
      queue.messages.push(message);
    }
  }
}

function toRecord(provider: string, message: Message): SQSRecord {
  return {
    messageId: message.id,
    receiptHandle: `local-${message.id}-${message.receiveCount}`,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:local:000000000000:${provider}-sync`,
    awsRegion: 'local',
  };
}
