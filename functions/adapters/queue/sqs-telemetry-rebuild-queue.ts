import { createHash } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { TelemetryRebuildQueue, TelemetryRebuildRequest } from '../../domain/ports';

/**
 * Sends telemetry day rebuilds to the FIFO rebuild queue. The message group is the day, so one day's rebuilds run
 * one at a time and in order; the deduplication id is the day and its mark, so a send repeated after a network
 * error is one message. The delay is the queue's own (FIFO queues delay per queue, not per message).
 */
export class SqsTelemetryRebuildQueue implements TelemetryRebuildQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async requestRebuild(request: TelemetryRebuildRequest): Promise<void> {
    const day = `${request.team_id}|${request.integration_id}|${request.date}`;
    const id = (value: string) => createHash('sha256').update(value).digest('base64url');
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(request),
        MessageGroupId: id(day),
        MessageDeduplicationId: id(`${day}|${request.marked_at}`),
      }),
    );
  }
}
