import { mockClient } from 'aws-sdk-client-mock';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SqsSyncQueue } from '../../../functions/adapters/queue/sqs-sync-queue';
import type { SyncJob } from '../../../functions/domain/model';

const job = (i: number): SyncJob => ({
  version: 1,
  job_id: `job_${i}`,
  sync_id: 'sync_1',
  team_id: 't',
  integration_id: 'int_a',
  provider: 'claude_code',
  trigger: 'scheduled',
  dates: ['2026-01-01'],
  enqueued_at: '2026-01-02T00:00:00Z',
  with_seats: false,
});

describe('SQS sync queue', () => {
  const sqs = mockClient(SQSClient);
  beforeEach(() => sqs.reset());

  it('sends ten messages per batch to the provider queue', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    await new SqsSyncQueue(new SQSClient({}), { claude_code: 'https://sqs/q' }).enqueue(
      'claude_code',
      Array.from({ length: 23 }, (_, i) => job(i)),
    );
    const sizes = sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input.Entries?.length);
    expect(sizes).toEqual([10, 10, 3]);
    expect(sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.QueueUrl).toBe('https://sqs/q');
  });

  it('re-sends only the entries SQS refused', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Failed: [{ Id: 'job_1', SenderFault: false, Code: 'InternalError' }], Successful: [] })
      .resolves({ Failed: [], Successful: [] });
    await new SqsSyncQueue(new SQSClient({}), { claude_code: 'https://sqs/q' }).enqueue('claude_code', [
      job(0),
      job(1),
    ]);
    const second = sqs.commandCalls(SendMessageBatchCommand)[1]?.args[0].input.Entries;
    expect(second?.map((entry) => entry.Id)).toEqual(['job_1']);
  });

  it('refuses a provider without a queue', async () => {
    await expect(new SqsSyncQueue(new SQSClient({}), {}).enqueue('claude_code', [job(0)])).rejects.toThrow(
      /no sync queue/,
    );
  });
});
