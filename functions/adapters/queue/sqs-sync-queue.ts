import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SyncQueue } from '../../domain/ports';
import type { SyncJob } from '../../domain/model';

/** Sends sync jobs to the provider's queue, ten per SendMessageBatch, re-sending entries SQS refused. */
export class SqsSyncQueue implements SyncQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrls: Record<string, string>,
  ) {}

  async enqueue(provider: string, jobs: SyncJob[]): Promise<void> {
    const queueUrl = this.queueUrls[provider];
    if (!queueUrl) throw new Error(`no sync queue configured for provider ${provider}`);
    for (let i = 0; i < jobs.length; i += 10) {
      let entries = jobs
        .slice(i, i + 10)
        .map((job) => ({ Id: job.job_id.replace(/[^A-Za-z0-9_-]/g, '_'), MessageBody: JSON.stringify(job) }));
      for (let attempt = 1; entries.length > 0; attempt++) {
        if (attempt > 5) throw new Error(`SQS refused ${entries.length} sync jobs for ${provider}`);
        const result = await this.sqs.send(
          new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }),
        );
        const failed = new Set((result.Failed ?? []).map((entry) => entry.Id));
        entries = entries.filter((entry) => failed.has(entry.Id));
        if (entries.length > 0) await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      }
    }
  }
}
