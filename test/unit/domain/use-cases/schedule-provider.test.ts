import type { Integration, SyncJob } from '../../../../functions/domain/model';
import type { UsageRepository } from '../../../../functions/domain/ports';
import type { ProviderManifest } from '../../../../functions/domain/provider-manifest';
import { MAX_REPAIR_DAYS } from '../../../../functions/domain/repair-plan';
import {
  scheduleProvider,
  type ScheduleProviderPorts,
} from '../../../../functions/domain/use-cases/schedule-provider';
import { createManifestCatalog } from '../../../../functions/providers/manifests';
import {
  fixedClock,
  integrationRecord,
  MemoryIntegrations,
  MemoryQueue,
  MemoryUsage,
  memoryLog,
  sequentialIds,
  testManifest,
} from '../../../helpers/memory-ports';

/** The daily run of one provider, with in-memory ports. Today is 2026-06-15. */

/** A queue that also remembers the size of every enqueue call (one call per planned page). */
class CountingQueue extends MemoryQueue {
  readonly calls: number[] = [];
  override async enqueue(provider: string, jobs: SyncJob[]): Promise<void> {
    this.calls.push(jobs.length);
    await super.enqueue(provider, jobs);
  }
}

/** A usage store that remembers how many days each markPending call carried. */
class CountingUsage extends MemoryUsage {
  readonly pendingCalls: number[] = [];
  override async markPending(entries: Parameters<UsageRepository['markPending']>[0]): Promise<void> {
    this.pendingCalls.push(entries.length);
    await super.markPending(entries);
  }
}

const other = testManifest({ id: 'other', displayName: 'Other Tool' });

async function setup(stored: Integration[], manifest: ProviderManifest = testManifest()) {
  const integrations = new MemoryIntegrations();
  for (const integration of stored) await integrations.save(integration);
  const usage = new CountingUsage();
  const queue = new CountingQueue();
  const log = memoryLog();
  const ports: ScheduleProviderPorts = {
    manifests: createManifestCatalog([manifest, other]),
    integrations,
    usage,
    queue,
    ids: sequentialIds(),
    clock: fixedClock('2026-06-15T03:00:00Z'),
    log,
  };
  return { ports, usage, queue, log };
}

const record = (integrationId: string, overrides: Partial<Integration> = {}) =>
  integrationRecord({
    integration_id: integrationId,
    secret_ref: `memory:t/${integrationId}#1`,
    ...overrides,
  });

describe('scheduling the daily sync of a provider', () => {
  it('plans only the active, sync-enabled integrations of that provider', async () => {
    const { ports, queue, usage } = await setup([
      record('int_a'),
      record('int_b', { team_id: 'u' }),
      record('int_paused', { sync_enabled: false }),
      record('int_off', { status: 'not_available' }),
      record('int_refused', { status: 'invalid_credentials' }),
      record('int_other', { provider: 'other' }),
    ]);
    const result = await scheduleProvider('fake', ports);
    expect(result).toEqual({ integrations: 2, jobs: 2, repairs: 0 });
    expect(queue.sent.map((sent) => [sent.provider, sent.job.team_id, sent.job.integration_id])).toEqual([
      ['fake', 't', 'int_a'],
      ['fake', 'u', 'int_b'],
    ]);
    expect(
      [...usage.ledger.values()].map((entry) => [
        entry.team_id,
        entry.integration_id,
        entry.date,
        entry.state,
      ]),
    ).toEqual([
      ['t', 'int_a', '2026-06-13', 'pending'],
      ['t', 'int_a', '2026-06-14', 'pending'],
      ['u', 'int_b', '2026-06-13', 'pending'],
      ['u', 'int_b', '2026-06-14', 'pending'],
    ]);
  });

  it("asks for the manifest's daily days, under one sync id for the whole run", async () => {
    const lagging = testManifest({
      sync: { backfillDays: 100, dailyOffsets: [2, 3, 4, 5], newestOffset: 2, maxDaysPerJob: 2 },
    });
    const { ports, queue, usage } = await setup([record('int_a'), record('int_b')], lagging);
    const result = await scheduleProvider('fake', ports);
    expect(result).toEqual({ integrations: 2, jobs: 4, repairs: 0 });
    const jobs = queue.jobs();
    expect(jobs.map((job) => [job.integration_id, job.dates, job.with_seats])).toEqual([
      ['int_a', ['2026-06-12', '2026-06-13'], true],
      ['int_a', ['2026-06-10', '2026-06-11'], false],
      ['int_b', ['2026-06-12', '2026-06-13'], true],
      ['int_b', ['2026-06-10', '2026-06-11'], false],
    ]);
    expect(new Set(jobs.map((job) => job.sync_id))).toEqual(new Set(['sync_1']));
    expect(jobs.every((job) => job.trigger === 'scheduled')).toBe(true);
    expect(new Set([...usage.ledger.values()].map((entry) => entry.sync_id))).toEqual(new Set(['sync_1']));
    expect(
      [...usage.ledger.values()].filter((entry) => entry.integration_id === 'int_b').map((e) => e.date),
    ).toEqual(['2026-06-10', '2026-06-11', '2026-06-12', '2026-06-13']);
  });

  it('plans many integrations page by page, every one of them, under the same sync id', async () => {
    const many = Array.from({ length: 230 }, (_, i) =>
      record(`int_${String(i).padStart(3, '0')}`, { team_id: `team_${i % 7}` }),
    );
    const { ports, queue, usage, log } = await setup(many);
    const result = await scheduleProvider('fake', ports);
    expect(result).toEqual({ integrations: 230, jobs: 230, repairs: 0 });
    expect(queue.calls).toEqual([100, 100, 30]);
    expect(usage.pendingCalls).toEqual([200, 200, 60]);
    expect(queue.sent).toHaveLength(230);
    expect(new Set(queue.jobs().map((job) => job.integration_id)).size).toBe(230);
    expect(new Set(queue.jobs().map((job) => job.job_id)).size).toBe(230);
    expect(new Set(queue.jobs().map((job) => job.sync_id))).toEqual(new Set(['sync_1']));
    expect(usage.ledger.size).toBe(460);
    expect(log.lines).toContainEqual({
      level: 'info',
      message: 'provider sync scheduled',
      attributes: {
        provider: 'fake',
        integrations: 230,
        jobs: 230,
        days: ['2026-06-13', '2026-06-14'],
        repairs: 0,
      },
    });
  });

  it('does not send an empty last page', async () => {
    const exactly = Array.from({ length: 100 }, (_, i) => record(`int_${i}`));
    const { ports, queue } = await setup(exactly);
    expect(await scheduleProvider('fake', ports)).toEqual({ integrations: 100, jobs: 100, repairs: 0 });
    expect(queue.calls).toEqual([100]);
  });

  it('does nothing when no integration is schedulable', async () => {
    const { ports, queue, usage } = await setup([record('int_paused', { sync_enabled: false })]);
    expect(await scheduleProvider('fake', ports)).toEqual({ integrations: 0, jobs: 0, repairs: 0 });
    expect(queue.calls).toEqual([]);
    expect(usage.ledger.size).toBe(0);
  });

  describe('repairs', () => {
    const day = (
      date: string,
      state: 'ok' | 'no_activity' | 'failed' | 'pending' | 'not_available',
      updatedAt = '2026-06-01T00:00:00Z',
    ) => ({ date, state, updatedAt });
    async function withLedger(entries: ReturnType<typeof day>[], integrations = [record('int_a')]) {
      const ready = await setup(integrations);
      for (const entry of entries) {
        ready.usage.ledger.set(`t|int_a|${entry.date}`, {
          team_id: 't',
          integration_id: 'int_a',
          provider: 'fake',
          date: entry.date,
          state: entry.state,
          attempts: entry.state === 'failed' ? 3 : 0,
          sync_id: 'sync_old',
          updated_at: entry.updatedAt,
          developers: 0,
          interactions: 0,
          ...(entry.state === 'failed' ? { reason: 'the provider answered 500' } : {}),
        });
      }
      return ready;
    }

    it('asks again for days that failed or were left pending, never for ok, quiet or unserved ones', async () => {
      const { ports, queue } = await withLedger([
        day('2026-06-02', 'failed'),
        day('2026-06-03', 'ok'),
        day('2026-06-04', 'no_activity'),
        day('2026-06-05', 'not_available'),
        day('2026-06-06', 'pending'),
        // Pending, but touched an hour ago: a sync is on it.
        day('2026-06-07', 'pending', '2026-06-15T02:00:00Z'),
        // Outside the provider's 30-day history window.
        day('2026-05-01', 'failed'),
      ]);
      expect(await scheduleProvider('fake', ports)).toEqual({ integrations: 1, jobs: 1, repairs: 2 });
      expect(queue.jobs().map((job) => job.dates)).toEqual([
        ['2026-06-02', '2026-06-06', '2026-06-13', '2026-06-14'],
      ]);
    });

    it('does not mark a daily day pending that is stored already (the mark would be refused), and still asks for it', async () => {
      const { ports, queue, usage } = await withLedger([day('2026-06-13', 'ok')]);
      await scheduleProvider('fake', ports);
      // Only yesterday is marked; the day before, stored, keeps its state and is fetched again as planned.
      expect(usage.pendingCalls).toEqual([1]);
      expect(usage.ledger.get('t|int_a|2026-06-13')?.state).toBe('ok');
      expect(usage.ledger.get('t|int_a|2026-06-14')?.state).toBe('pending');
      expect(queue.jobs().map((job) => job.dates)).toEqual([['2026-06-13', '2026-06-14']]);
    });

    it('keeps a failing day’s attempts and reason while it waits again', async () => {
      const { ports, usage } = await withLedger([day('2026-06-02', 'failed')]);
      await scheduleProvider('fake', ports);
      expect(usage.ledger.get('t|int_a|2026-06-02')).toMatchObject({
        state: 'pending',
        attempts: 3,
        reason: 'the provider answered 500',
      });
    });

    it(`asks for at most ${MAX_REPAIR_DAYS} days a run, oldest first; others share the daily plan`, async () => {
      const failed = Array.from({ length: 20 }, (_, i) =>
        day(`2026-05-${String(17 + i).padStart(2, '0')}`, 'failed'),
      );
      const { ports, queue } = await withLedger(failed, [record('int_a'), record('int_b')]);
      const result = await scheduleProvider('fake', ports);
      expect(result.repairs).toBe(MAX_REPAIR_DAYS);
      const dates = queue
        .jobs()
        .filter((job) => job.integration_id === 'int_a')
        .flatMap((job) => job.dates)
        .sort();
      expect(dates).toEqual([
        ...failed.slice(0, MAX_REPAIR_DAYS).map((entry) => entry.date),
        '2026-06-13',
        '2026-06-14',
      ]);
      expect(
        queue
          .jobs()
          .filter((job) => job.integration_id === 'int_b')
          .map((job) => job.dates),
      ).toEqual([['2026-06-13', '2026-06-14']]);
    });
  });

  it('throws for a provider that is not registered', async () => {
    const { ports, queue, usage } = await setup([record('int_a', { provider: 'nope' })]);
    await expect(scheduleProvider('nope', ports)).rejects.toThrow('no provider nope is registered');
    expect(queue.sent).toEqual([]);
    expect(usage.ledger.size).toBe(0);
  });
});
