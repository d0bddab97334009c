import type { SQSEvent } from 'aws-lambda';
import { InProcessQueue } from '../../../local/in-process-queue';
import type { SyncJob } from '../../../functions/domain/model';

const job = (id: string): SyncJob => ({
  version: 1,
  job_id: id,
  sync_id: 's',
  team_id: 't',
  integration_id: 'int_a',
  provider: 'p',
  trigger: 'manual',
  dates: ['2026-01-01'],
  enqueued_at: '',
  with_seats: false,
});

describe('in-process queue', () => {
  it('delivers batches of at most ten and drains', async () => {
    const sizes: number[] = [];
    const queue = new InProcessQueue(
      { p: async (event: SQSEvent) => void sizes.push(event.Records.length) },
      { concurrency: () => 1 },
    );
    await queue.enqueue(
      'p',
      Array.from({ length: 25 }, (_, i) => job(`j${i}`)),
    );
    await queue.drain();
    expect(sizes).toEqual([10, 10, 5]);
    expect(queue.stats('p')).toMatchObject({ enqueued: 25, succeeded: 25, dead: 0 });
  });

  it('redelivers reported failures and dead-letters after maxReceiveCount', async () => {
    const seen: string[] = [];
    const dead: unknown[] = [];
    const queue = new InProcessQueue(
      {
        p: async (event: SQSEvent) => {
          const failures = event.Records.filter((record) => {
            const id = (JSON.parse(record.body) as SyncJob).job_id;
            seen.push(`${id}#${record.attributes.ApproximateReceiveCount}`);
            return id === 'bad' || (id === 'flaky' && record.attributes.ApproximateReceiveCount === '1');
          });
          return { batchItemFailures: failures.map((record) => ({ itemIdentifier: record.messageId })) };
        },
      },
      { visibilityTimeoutMs: 5, maxReceiveCount: 3, onDeadLetter: (_p, j) => dead.push(j) },
    );
    await queue.enqueue('p', [job('good'), job('flaky'), job('bad')]);
    await queue.drain();
    expect(seen.filter((s) => s.startsWith('flaky'))).toEqual(['flaky#1', 'flaky#2']);
    expect(seen.filter((s) => s.startsWith('bad'))).toEqual(['bad#1', 'bad#2', 'bad#3']);
    expect(dead).toEqual([expect.objectContaining({ job_id: 'bad' })]);
    expect(queue.stats('p')).toMatchObject({ succeeded: 2, dead: 1, redelivered: 3 });
  });

  it('treats a thrown handler as failure of the whole batch', async () => {
    let calls = 0;
    const queue = new InProcessQueue(
      {
        p: async () => {
          calls++;
          if (calls === 1) throw new Error('boom');
        },
      },
      { visibilityTimeoutMs: 5 },
    );
    await queue.enqueue('p', [job('a'), job('b')]);
    await queue.drain();
    expect(calls).toBe(2);
    expect(queue.stats('p')).toMatchObject({ succeeded: 2, redelivered: 2 });
  });
});
