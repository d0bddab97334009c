import { addDays, daysBetween } from '../../functions/domain/dates';
import type { SyncJob } from '../../functions/domain/model';
import {
  forgetDeadLetteredJob,
  recordDeadLetteredJob,
} from '../../functions/domain/use-cases/dead-lettered-jobs';
import { DEMO_ANTHROPIC_ADMIN_KEY } from '../../local/fakes/claude-code';
import { startPipeline, type TestPipeline } from '../helpers/pipeline';

/**
 * A sync job that reaches the dead-letter queue shows on its integration, end to end on real parts (DynamoDB Local,
 * the fake Anthropic API over HTTP answering 500 for one day until released, the local gateway and the in-process
 * queue, which moves a job failing its last allowed receive to its dead-letter queue as SQS does): the answers of
 * GET /integrations and GET /integrations/{id} say how many jobs are there and which is newest, the job's days are
 * `failed` saying why and how they recover, and after the fault is released a local redrive runs the jobs again
 * and the record disappears.
 */
const NOW = '2026-06-15T12:00:00Z';
const TODAY = '2026-06-15';
const TEAM = 'team-dlq';
const BROKEN = addDays(TODAY, -5);
const PROVIDER = 'claude_code';

type DeadLetters = {
  jobs: number;
  newest: { job_id: string; dead_lettered_at: string; dates: string[]; error: string };
} | null;

describe('dead-lettered sync jobs on the integration', () => {
  let pipeline: TestPipeline;
  let admin: string;
  let integrationId: string;
  let backfillJob: SyncJob;

  const listed = async () => {
    const response = await pipeline.call('GET', '/integrations', { token: admin });
    expect(response.status).toBe(200);
    const found = (
      response.body.integrations as { integration_id: string; dead_letters: DeadLetters }[]
    ).find((integration) => integration.integration_id === integrationId);
    return { dead_letters: found?.dead_letters, text: response.text };
  };
  const detail = async () => {
    const response = await pipeline.call('GET', `/integrations/${integrationId}`, { token: admin });
    expect(response.status).toBe(200);
    return response;
  };
  const ledgerOf = async (dates: string[]) =>
    pipeline.runtime.ports.usage.getLedger(TEAM, dates[0] as string, dates.at(-1) as string, integrationId);

  beforeAll(async () => {
    pipeline = await startPipeline({
      now: NOW,
      fake: { developers: 4, apiKeyActors: 0, historyDays: 40, seed: 'dead-letters' },
    });
    admin = await pipeline.token(TEAM, 'admin');
    // The provider answers 500 for one day, every time, until the test releases it.
    pipeline.fake.faults.add({ status: 500, times: Infinity, date: BROKEN });
    const connected = await pipeline.call('POST', '/connect', {
      token: admin,
      body: { provider: PROVIDER, api_key: DEMO_ANTHROPIC_ADMIN_KEY, backfill_days: 10 },
    });
    expect(connected.status).toBe(201);
    integrationId = String(connected.body.integration_id);
    await pipeline.runtime.queue.drain();
  }, 120_000);
  afterAll(async () => pipeline?.close());

  it('the backfill job that failed every receive is in the local dead-letter queue', () => {
    const { maxReceiveCount } = pipeline.runtime.queue;
    expect(pipeline.runtime.queue.stats(PROVIDER)).toMatchObject({ dead: 1, deadLetters: 1, waiting: 0 });
    const [dead] = pipeline.runtime.queue.deadLetters(PROVIDER) as SyncJob[];
    expect(dead).toMatchObject({ integration_id: integrationId, trigger: 'backfill' });
    expect(dead?.dates).toContain(BROKEN);
    expect(pipeline.runtime.queue.stats(PROVIDER).redelivered).toBe(maxReceiveCount - 1);
    backfillJob = dead as SyncJob;
  });

  it('GET /integrations and GET /integrations/{id} show it: how many, the newest job, its days and its error', async () => {
    const expected = {
      jobs: 1,
      newest: {
        job_id: backfillJob.job_id,
        dead_lettered_at: new Date(NOW).toISOString(),
        dates: backfillJob.dates,
        error: expect.stringMatching(new RegExp(`^${PROVIDER} ${BROKEN}: .*500`)),
      },
    };
    const list = await listed();
    expect(list.dead_letters).toEqual(expected);
    const one = await detail();
    expect(one.body.dead_letters).toEqual(expected);
    // Never the key, in the answers or anywhere stored.
    expect(list.text).not.toContain(DEMO_ANTHROPIC_ADMIN_KEY);
    expect(one.text).not.toContain(DEMO_ANTHROPIC_ADMIN_KEY);
    expect(await pipeline.scanAll()).not.toContain(DEMO_ANTHROPIC_ADMIN_KEY);
  });

  it('the job’s days from the broken one on are failed, saying the job was dead-lettered and how they recover', async () => {
    const ledger = await ledgerOf(backfillJob.dates);
    const waiting = backfillJob.dates.filter((date) => date >= BROKEN);
    for (const entry of ledger) {
      if (entry.date < BROKEN) {
        expect(['ok', 'no_activity']).toContain(entry.state);
        continue;
      }
      expect(entry.state).toBe('failed');
      expect(entry.reason).toMatch(/^dead_letter: .*dead-letter queue/);
      expect(entry.reason).toMatch(/daily run asks for this day again/);
    }
    expect(ledger.filter((entry) => entry.state === 'failed').map((entry) => entry.date)).toEqual(waiting);
    const { ledger: summary } = (await detail()).body as {
      ledger: { days: { failed: number }; last_failure: { date: string; reason: string } | null };
    };
    expect(summary.days.failed).toBe(waiting.length);
    expect(summary.last_failure).toMatchObject({
      date: waiting.at(-1),
      reason: expect.stringMatching(/dead_letter/),
    });
  });

  it('a second dead-lettered job (a manual sync of the broken day) counts, and is the newest', async () => {
    pipeline.clock.advance(3600);
    const sync = await pipeline.call('POST', '/sync', {
      token: admin,
      body: { integration_id: integrationId, start_date: BROKEN, end_date: BROKEN },
    });
    expect(sync.status).toBe(202);
    await pipeline.runtime.queue.drain();
    const dead = pipeline.runtime.queue.deadLetters(PROVIDER) as SyncJob[];
    expect(dead).toHaveLength(2);
    const manual = dead.find((job) => job.trigger === 'manual') as SyncJob;
    expect((await listed()).dead_letters).toEqual({
      jobs: 2,
      newest: {
        job_id: manual.job_id,
        dead_lettered_at: pipeline.clock.now().toISOString(),
        dates: [BROKEN],
        error: expect.stringMatching(/500/),
      },
    });
  });

  it('after the fault is released, a local redrive runs the jobs again and the record disappears', async () => {
    pipeline.fake.faults.clear();
    pipeline.clock.advance(3600);
    expect(pipeline.runtime.redrive(PROVIDER)).toEqual([{ provider: PROVIDER, moved: 2 }]);
    await pipeline.runtime.queue.drain();
    expect(pipeline.runtime.queue.stats(PROVIDER)).toMatchObject({ deadLetters: 0, waiting: 0 });
    expect((await listed()).dead_letters).toBeNull();
    const one = await detail();
    expect(one.body.dead_letters).toBeNull();
    expect((one.body.ledger as { days: { failed: number } }).days.failed).toBe(0);
    for (const entry of await ledgerOf(backfillJob.dates)) {
      expect(['ok', 'no_activity']).toContain(entry.state);
    }
    // The broken day now holds what the provider reports for it.
    const [broken] = await ledgerOf([BROKEN]);
    const actors = new Set(pipeline.fake.recordsFor(BROKEN).map((record) => JSON.stringify(record.actor)));
    expect(broken?.developers).toBe(actors.size);
  });

  it('fetchers recording and clearing jobs of one integration at once lose none (optimistic lock)', async () => {
    const ports = pipeline.runtime.ports;
    const before = (await ports.integrations.get(TEAM, integrationId))?.version ?? 0;
    const dates = daysBetween(addDays(TODAY, -40), addDays(TODAY, -37));
    const jobs = dates.map((date, index): SyncJob => ({
      ...backfillJob,
      job_id: `concurrent-${index}`,
      sync_id: `concurrent-${index}`,
      trigger: 'scheduled',
      dates: [date],
    }));
    const error = new Error('the provider answered 500');
    await Promise.all(jobs.map((job) => recordDeadLetteredJob(job, { error, receives: 3 }, ports)));
    const recorded = await ports.integrations.get(TEAM, integrationId);
    expect(recorded?.dead_letters?.map((entry) => entry.job_id).sort()).toEqual(
      jobs.map((job) => job.job_id),
    );
    expect(recorded?.version).toBe(before + jobs.length);
    expect((await listed()).dead_letters?.jobs).toBe(jobs.length);

    await Promise.all(jobs.map((job) => forgetDeadLetteredJob(job, ports)));
    expect(await ports.integrations.get(TEAM, integrationId)).not.toHaveProperty('dead_letters');
    expect((await listed()).dead_letters).toBeNull();
  });
});
