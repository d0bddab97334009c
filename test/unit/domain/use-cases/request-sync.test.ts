import { daysBetween } from '../../../../functions/domain/dates';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  TooManyRequestsError,
  ValidationError,
} from '../../../../functions/domain/errors';
import type { Caller, Integration } from '../../../../functions/domain/model';
import type { ProviderManifest } from '../../../../functions/domain/provider-manifest';
import {
  MANUAL_SYNC_WINDOW_SECONDS,
  requestSync,
  type RequestSyncPorts,
  type SyncRequest,
} from '../../../../functions/domain/use-cases/request-sync';
import { createManifestCatalog } from '../../../../functions/providers/manifests';
import {
  fixedClock,
  integrationRecord,
  MemoryIntegrations,
  MemoryQueue,
  MemoryUsage,
  sequentialIds,
  testManifest,
  failure,
} from '../../../helpers/memory-ports';

/** POST /sync with in-memory ports. Today is 2026-06-15; the test provider's newest day is yesterday. */
const admin: Caller = { teamId: 't', role: 'admin', subject: 'alice' };
const member: Caller = { teamId: 't', role: 'member', subject: 'mallory' };

async function setup(
  stored: Integration[] = [integrationRecord()],
  manifests: ProviderManifest[] = [testManifest()],
) {
  const integrations = new MemoryIntegrations();
  for (const integration of stored) await integrations.save(integration);
  integrations.writes.length = 0;
  const usage = new MemoryUsage();
  const queue = new MemoryQueue();
  const clock = fixedClock('2026-06-15T08:00:00Z');
  const ports: RequestSyncPorts = {
    manifests: createManifestCatalog(manifests),
    integrations,
    usage,
    queue,
    ids: sequentialIds(),
    clock,
  };
  const sync = (request: Partial<SyncRequest> = {}, caller: Caller = admin) =>
    requestSync(caller, { integrationId: 'int_1', ...request }, ports);
  const nothingPlanned = () => {
    expect(usage.ledger.size).toBe(0);
    expect(queue.sent).toEqual([]);
  };
  return { ports, integrations, usage, queue, clock, sync, nothingPlanned };
}

describe('requesting a manual sync', () => {
  describe('refusals', () => {
    it('is admin only', async () => {
      const { sync, integrations, nothingPlanned } = await setup();
      await expect(sync({}, member)).rejects.toBeInstanceOf(ForbiddenError);
      expect(integrations.writes).toEqual([]);
      nothingPlanned();
    });

    it('does not know an integration id that is not in the caller team', async () => {
      const { sync, nothingPlanned } = await setup();
      await expect(sync({ integrationId: 'int_nope' })).rejects.toBeInstanceOf(NotFoundError);
      nothingPlanned();
    });

    it("answers another team's integration with not found, not forbidden, and leaves it alone", async () => {
      const theirs = integrationRecord({ team_id: 'u', integration_id: 'int_theirs' });
      const { sync, integrations, nothingPlanned } = await setup([theirs]);
      const error = await failure(sync({ integrationId: 'int_theirs' }));
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error).not.toBeInstanceOf(ForbiddenError);
      expect(integrations.writes).toEqual([]);
      expect((await integrations.get('u', 'int_theirs'))?.last_manual_sync_at).toBeUndefined();
      nothingPlanned();
    });

    it('refuses an integration whose key was rejected', async () => {
      const { sync, integrations, nothingPlanned } = await setup([
        integrationRecord({ status: 'invalid_credentials' }),
      ]);
      const error = await failure(sync());
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toMatch(/Connect it again with a valid key/);
      expect(integrations.writes).toEqual([]);
      nothingPlanned();
    });

    it('refuses an integration whose sync is disabled', async () => {
      const { sync, integrations, nothingPlanned } = await setup([
        integrationRecord({ sync_enabled: false }),
      ]);
      const error = await failure(sync());
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toMatch(/sync_enabled/);
      expect(integrations.writes).toEqual([]);
      nothingPlanned();
    });

    it('refuses an integration of a provider no longer registered', async () => {
      const { sync, integrations, nothingPlanned } = await setup([
        integrationRecord({ provider: 'retired' }),
      ]);
      const error = await failure(sync());
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toMatch(/retired is no longer offered/);
      expect(integrations.writes).toEqual([]);
      nothingPlanned();
    });
  });

  describe('which days', () => {
    it("defaults to the provider's daily days, marked pending and queued", async () => {
      const { sync, usage, queue } = await setup();
      const accepted = await sync();
      expect(accepted).toEqual({
        sync_id: 'sync_1',
        integration_id: 'int_1',
        provider: 'fake',
        status: 'queued',
        start_date: '2026-06-13',
        end_date: '2026-06-14',
        days: 2,
        jobs: 1,
      });
      expect([...usage.ledger.values()].map((entry) => [entry.date, entry.state, entry.sync_id])).toEqual([
        ['2026-06-13', 'pending', 'sync_1'],
        ['2026-06-14', 'pending', 'sync_1'],
      ]);
      expect(queue.sent).toEqual([
        {
          provider: 'fake',
          job: expect.objectContaining({
            sync_id: 'sync_1',
            team_id: 't',
            integration_id: 'int_1',
            trigger: 'manual',
            dates: ['2026-06-13', '2026-06-14'],
            with_seats: true,
          }),
        },
      ]);
    });

    it("follows the manifest's daily offsets", async () => {
      const lagging = testManifest({
        sync: { backfillDays: 100, dailyOffsets: [5, 2, 3, 4], newestOffset: 2, maxDaysPerJob: 3 },
      });
      const { sync, queue } = await setup([integrationRecord()], [lagging]);
      const accepted = await sync();
      expect(accepted).toMatchObject({ start_date: '2026-06-10', end_date: '2026-06-13', days: 4, jobs: 2 });
      expect(queue.jobs().map((job) => job.dates)).toEqual([
        ['2026-06-13'],
        ['2026-06-10', '2026-06-11', '2026-06-12'],
      ]);
    });

    it('takes an explicit range within the backfill depth', async () => {
      const { sync, usage, queue } = await setup();
      const accepted = await sync({ startDate: '2026-05-16', endDate: '2026-06-14' });
      expect(accepted).toMatchObject({ start_date: '2026-05-16', end_date: '2026-06-14', days: 30, jobs: 3 });
      expect([...usage.ledger.keys()]).toHaveLength(30);
      expect(
        queue
          .jobs()
          .flatMap((job) => job.dates)
          .sort(),
      ).toEqual(daysBetween('2026-05-16', '2026-06-14'));
    });

    it('completes a half-open range: start alone runs to the newest day, end alone is one day', async () => {
      const first = await setup();
      expect(await first.sync({ startDate: '2026-06-10' })).toMatchObject({
        start_date: '2026-06-10',
        end_date: '2026-06-14',
        days: 5,
      });
      const second = await setup();
      expect(await second.sync({ endDate: '2026-06-01' })).toMatchObject({
        start_date: '2026-06-01',
        end_date: '2026-06-01',
        days: 1,
      });
      expect(second.queue.jobs().map((job) => job.dates)).toEqual([['2026-06-01']]);
    });

    it.each<[string, Partial<SyncRequest>, string]>([
      ['a start that is not a day', { startDate: '2026-13-01', endDate: '2026-06-10' }, 'start_date'],
      ['an end that is not a day', { startDate: '2026-06-01', endDate: 'yesterday' }, 'end_date'],
      ['a day that does not exist', { startDate: '2026-02-30' }, 'start_date'],
      ['a start after the end', { startDate: '2026-06-10', endDate: '2026-06-05' }, 'start_date'],
      ['an end after the newest day served', { startDate: '2026-06-14', endDate: '2026-06-15' }, 'end_date'],
      ['more days than the backfill depth', { startDate: '2026-05-15', endDate: '2026-06-14' }, 'start_date'],
    ])('refuses %s, naming %s, and plans nothing', async (_label, request, field) => {
      const { sync, integrations, nothingPlanned } = await setup();
      const error = await failure(sync(request));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((issue) => issue.field)).toEqual([field]);
      expect(integrations.writes).toEqual([]);
      nothingPlanned();
    });

    it('a refused range does not use up the manual sync of the minute', async () => {
      const { sync } = await setup();
      await expect(sync({ endDate: '2026-06-15' })).rejects.toBeInstanceOf(ValidationError);
      await expect(sync()).resolves.toMatchObject({ status: 'queued' });
    });
  });

  describe('one manual sync per minute', () => {
    it('refuses a second sync within 60 s, saying how long to wait, then accepts one after the window', async () => {
      const { sync, clock, queue } = await setup();
      expect(MANUAL_SYNC_WINDOW_SECONDS).toBe(60);
      await sync();
      clock.advance(10);
      const error = await failure(sync());
      expect(error).toBeInstanceOf(TooManyRequestsError);
      expect((error as TooManyRequestsError).retryAfterSeconds).toBe(50);
      expect(error.message).toMatch(/try again in 50 s/);
      expect(queue.sent).toHaveLength(1);

      clock.advance(49);
      await expect(sync()).rejects.toMatchObject({ retryAfterSeconds: 1 });
      clock.advance(1);
      const again = await sync();
      expect(again.sync_id).not.toBe(queue.jobs()[0]?.sync_id);
      expect(queue.sent).toHaveLength(2);
    });

    it('counts the minute per integration', async () => {
      const { sync } = await setup([
        integrationRecord(),
        integrationRecord({ integration_id: 'int_2', secret_ref: 'memory:t/int_2#2' }),
      ]);
      await sync();
      await expect(sync({ integrationId: 'int_2' })).resolves.toMatchObject({ integration_id: 'int_2' });
      await expect(sync()).rejects.toBeInstanceOf(TooManyRequestsError);
    });
  });

  it('sets a not_available integration back to active, so the new answers speak', async () => {
    const { sync, integrations, queue, usage } = await setup([
      integrationRecord({ status: 'not_available', status_message: 'The metrics policy is disabled.' }),
    ]);
    await sync();
    const stored = (await integrations.get('t', 'int_1'))!;
    expect(stored.status).toBe('active');
    expect(stored.status_message).toBeUndefined();
    expect(stored.last_manual_sync_at).toBe('2026-06-15T08:00:00.000Z');
    expect(queue.jobs()).toHaveLength(1);
    expect(usage.entry('t', 'int_1', '2026-06-14')?.state).toBe('pending');
  });

  it('leaves an active integration as it was, apart from the claim', async () => {
    const { sync, integrations } = await setup();
    await sync();
    expect(integrations.writes).toEqual([{ op: 'claim', integration_id: 'int_1' }]);
    expect(await integrations.get('t', 'int_1')).toMatchObject({ status: 'active', version: 2 });
  });
});
