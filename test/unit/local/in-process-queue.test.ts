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

  it('keeps dead-lettered messages until a redrive brings them back as new messages, as SQS does', async () => {
    const seen: { id: string; messageId: string; receives: string }[] = [];
    let failing = true;
    const queue = new InProcessQueue(
      {
        p: async (event: SQSEvent) => {
          for (const record of event.Records) {
            const id = (JSON.parse(record.body) as SyncJob).job_id;
            seen.push({
              id,
              messageId: record.messageId,
              receives: record.attributes.ApproximateReceiveCount,
            });
          }
          if (!failing) return;
          return { batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })) };
        },
      },
      { visibilityTimeoutMs: 5, maxReceiveCount: 2 },
    );
    expect(queue.maxReceiveCount).toBe(2);
    await queue.enqueue('p', [job('bad')]);
    await queue.drain();
    expect(queue.deadLetters('p')).toEqual([expect.objectContaining({ job_id: 'bad' })]);
    expect(queue.stats('p')).toMatchObject({ dead: 1, deadLetters: 1, waiting: 0 });
    expect(seen.map((s) => s.receives)).toEqual(['1', '2']);

    failing = false;
    expect(queue.redrive('p')).toBe(1);
    await queue.drain();
    const redriven = seen[2];
    expect(redriven).toMatchObject({ id: 'bad', receives: '1' });
    expect(redriven?.messageId).not.toBe(seen[0]?.messageId);
    expect(queue.deadLetters('p')).toEqual([]);
    expect(queue.stats('p')).toMatchObject({ succeeded: 1, deadLetters: 0 });
    expect(queue.redrive('p')).toBe(0);
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
