import type { Integration, SyncJob } from '../../../../functions/domain/model';
import type { UsageRepository } from '../../../../functions/domain/ports';
import type { ProviderManifest } from '../../../../functions/domain/provider-manifest';
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
    expect(result).toEqual({ integrations: 2, jobs: 2 });
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
    expect(result).toEqual({ integrations: 2, jobs: 4 });
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
    expect(result).toEqual({ integrations: 230, jobs: 230 });
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
      attributes: { provider: 'fake', integrations: 230, jobs: 230, days: ['2026-06-13', '2026-06-14'] },
    });
  });

  it('does not send an empty last page', async () => {
    const exactly = Array.from({ length: 100 }, (_, i) => record(`int_${i}`));
    const { ports, queue } = await setup(exactly);
    expect(await scheduleProvider('fake', ports)).toEqual({ integrations: 100, jobs: 100 });
    expect(queue.calls).toEqual([100]);
  });

  it('does nothing when no integration is schedulable', async () => {
    const { ports, queue, usage } = await setup([record('int_paused', { sync_enabled: false })]);
    expect(await scheduleProvider('fake', ports)).toEqual({ integrations: 0, jobs: 0 });
    expect(queue.calls).toEqual([]);
    expect(usage.ledger.size).toBe(0);
  });

  it('throws for a provider that is not registered', async () => {
    const { ports, queue, usage } = await setup([record('int_a', { provider: 'nope' })]);
    await expect(scheduleProvider('nope', ports)).rejects.toThrow('no provider nope is registered');
    expect(queue.sent).toEqual([]);
    expect(usage.ledger.size).toBe(0);
  });
});
