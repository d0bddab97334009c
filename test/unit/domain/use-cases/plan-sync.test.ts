import { daysBetween } from '../../../../functions/domain/dates';
import type { DayState, LedgerEntry } from '../../../../functions/domain/model';
import { planSync, type SyncPlan } from '../../../../functions/domain/sync-plan';
import {
  fixedClock,
  MemoryQueue,
  MemoryUsage,
  sequentialIds,
  testManifest,
} from '../../../helpers/memory-ports';

/** The one step behind connect, POST /sync and the scheduler, with in-memory ports. */
const manifest = testManifest({
  sync: { backfillDays: 30, dailyOffsets: [1, 2], newestOffset: 1, maxDaysPerJob: 3 },
});
const DAYS = daysBetween('2026-06-10', '2026-06-14');

function setup() {
  const usage = new MemoryUsage();
  const queue = new MemoryQueue();
  const ports = { usage, queue, ids: sequentialIds(), clock: fixedClock('2026-06-15T08:00:00Z') };
  const plan = (overrides: Partial<SyncPlan> = {}) =>
    planSync(
      {
        manifest,
        targets: [
          { teamId: 't', integrationId: 'int_a' },
          { teamId: 'u', integrationId: 'int_b' },
        ],
        days: DAYS,
        trigger: 'manual',
        ...overrides,
      },
      ports,
    );
  return { usage, queue, plan };
}

const stored = (date: string, state: DayState, overrides: Partial<LedgerEntry> = {}): LedgerEntry => ({
  team_id: 't',
  integration_id: 'int_a',
  provider: 'fake',
  date,
  state,
  attempts: 1,
  sync_id: 'old',
  updated_at: '2026-06-11T00:00:00.000Z',
  developers: 0,
  interactions: 0,
  ...overrides,
});

describe('planning a sync', () => {
  it('marks every day of every target pending under a new sync id', async () => {
    const { usage, plan } = setup();
    const result = await plan();
    expect(result).toEqual({ syncId: 'sync_1', jobs: 4 });
    const ledger = [...usage.ledger.values()];
    expect(ledger).toHaveLength(10);
    expect(ledger.map((entry) => `${entry.team_id}/${entry.integration_id}/${entry.date}`).sort()).toEqual([
      ...DAYS.map((day) => `t/int_a/${day}`),
      ...DAYS.map((day) => `u/int_b/${day}`),
    ]);
    for (const entry of ledger) {
      expect(entry).toMatchObject({
        provider: 'fake',
        state: 'pending',
        sync_id: 'sync_1',
        updated_at: '2026-06-15T08:00:00.000Z',
        attempts: 0,
        developers: 0,
        interactions: 0,
      });
    }
  });

  it("queues each target's days to the provider's queue, newest first, one job per target refreshing seats", async () => {
    const { queue, plan } = setup();
    await plan();
    expect(queue.sent.every((sent) => sent.provider === 'fake')).toBe(true);
    expect(queue.jobs().map((job) => [job.team_id, job.integration_id, job.dates, job.with_seats])).toEqual([
      ['t', 'int_a', ['2026-06-13', '2026-06-14'], true],
      ['t', 'int_a', ['2026-06-10', '2026-06-11', '2026-06-12'], false],
      ['u', 'int_b', ['2026-06-13', '2026-06-14'], true],
      ['u', 'int_b', ['2026-06-10', '2026-06-11', '2026-06-12'], false],
    ]);
    for (const job of queue.jobs()) {
      expect(job).toMatchObject({
        version: 1,
        sync_id: 'sync_1',
        provider: 'fake',
        trigger: 'manual',
        enqueued_at: '2026-06-15T08:00:00.000Z',
      });
    }
    expect(new Set(queue.jobs().map((job) => job.job_id)).size).toBe(4);
  });

  it('sorts and de-duplicates the days it is given', async () => {
    const { queue, plan } = setup();
    const result = await plan({
      targets: [{ teamId: 't', integrationId: 'int_a' }],
      days: ['2026-06-12', '2026-06-10', '2026-06-12', '2026-06-11'],
    });
    expect(result.jobs).toBe(1);
    expect(queue.jobs()[0]?.dates).toEqual(['2026-06-10', '2026-06-11', '2026-06-12']);
  });

  it('continues a sync when given its id, drawing no new one', async () => {
    const { usage, queue, plan } = setup();
    const result = await plan({ syncId: 'sync_earlier' });
    expect(result.syncId).toBe('sync_earlier');
    expect(new Set([...usage.ledger.values()].map((entry) => entry.sync_id))).toEqual(
      new Set(['sync_earlier']),
    );
    expect(new Set(queue.jobs().map((job) => job.sync_id))).toEqual(new Set(['sync_earlier']));
    expect(queue.jobs()[0]?.job_id).toBe('job_1');
  });

  it('never downgrades a day already known; a failed day waits again, with its attempts kept', async () => {
    const { usage, queue, plan } = setup();
    const before = [
      stored('2026-06-10', 'ok', { developers: 2, interactions: 7 }),
      stored('2026-06-11', 'no_activity'),
      stored('2026-06-12', 'failed', { attempts: 3, reason: 'client (400): bad request' }),
      stored('2026-06-13', 'not_available', { reason: 'before the earliest report' }),
    ];
    for (const entry of before) usage.ledger.set(`t|int_a|${entry.date}`, structuredClone(entry));
    await plan({ targets: [{ teamId: 't', integrationId: 'int_a' }] });

    expect(usage.entry('t', 'int_a', '2026-06-10')).toEqual(before[0]);
    expect(usage.entry('t', 'int_a', '2026-06-11')).toEqual(before[1]);
    expect(usage.entry('t', 'int_a', '2026-06-12')).toMatchObject({
      state: 'pending',
      attempts: 3,
      sync_id: 'sync_1',
    });
    expect(usage.entry('t', 'int_a', '2026-06-13')?.state).toBe('not_available');
    expect(usage.entry('t', 'int_a', '2026-06-14')).toMatchObject({ state: 'pending', attempts: 0 });
    // Known days are still fetched again: a re-sync refreshes them.
    expect(
      queue
        .jobs()
        .flatMap((job) => job.dates)
        .sort(),
    ).toEqual(DAYS);
  });

  it('plans nothing for no targets', async () => {
    const { usage, queue, plan } = setup();
    expect(await plan({ targets: [] })).toEqual({ syncId: 'sync_1', jobs: 0 });
    expect(usage.ledger.size).toBe(0);
    expect(queue.sent).toEqual([]);
  });
});
