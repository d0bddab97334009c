import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { AttributionQueue, ReattributionRequest } from '../../domain/ports';

/** Sends re-attribution requests to the attribution queue (one small message per roster change). */
export class SqsAttributionQueue implements AttributionQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async requestReattribution(request: ReattributionRequest): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(request) }),
    );
  }
}
