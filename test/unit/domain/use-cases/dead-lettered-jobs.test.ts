import type { SyncJob } from '../../../../functions/domain/model';
import { ProviderCallError } from '../../../../functions/domain/provider';
import { dayReplacement } from '../../../../functions/domain/stored-day';
import {
  forgetDeadLetteredJob,
  recordDeadLetteredJob,
} from '../../../../functions/domain/use-cases/dead-lettered-jobs';
import { getIntegration, listIntegrations } from '../../../../functions/domain/use-cases/manage-integrations';
import { runSyncJob, RetryLaterError } from '../../../../functions/domain/use-cases/run-sync-job';
import {
  catalogOf,
  failure,
  fixedClock,
  integrationRecord,
  MemoryAttributionQueue,
  MemoryAttributionStore,
  MemoryIntegrations,
  MemoryRoster,
  MemorySecrets,
  MemoryUsage,
  memoryLog,
  scriptedProvider,
} from '../../../helpers/memory-ports';

/**
 * A sync job that fails its last allowed receive is recorded on its integration (and its days left failed, saying
 * why and how they recover); a redriven job that then succeeds leaves the record. In-memory ports.
 */
const KEY = 'sk-never-in-a-record-0123456789';
const admin = { teamId: 't', role: 'admin' as const, subject: 'alice' };

async function setup() {
  const integrations = new MemoryIntegrations();
  const usage = new MemoryUsage();
  const secrets = new MemorySecrets();
  const secretRef = await secrets.save({ teamId: 't', integrationId: 'int_1', provider: 'fake' }, KEY);
  await integrations.save(integrationRecord({ secret_ref: secretRef }));
  integrations.writes.length = 0;
  const clock = fixedClock('2026-06-15T06:00:00Z');
  const log = memoryLog();
  const ports = { integrations, usage, clock, log };
  const stored = async () => (await integrations.get('t', 'int_1'))!;
  const state = (date: string) => usage.entry('t', 'int_1', date);
  const { provider } = scriptedProvider();
  const manifests = catalogOf(provider);
  const view = async () => (await getIntegration(admin, 'int_1', { ...ports, manifests })).dead_letters;
  return { integrations, usage, secrets, clock, log, ports, stored, state, manifests, view };
}

const job = (id: string, dates: string[], overrides: Partial<SyncJob> = {}): SyncJob => ({
  version: 1,
  job_id: id,
  sync_id: `sync-${id}`,
  team_id: 't',
  integration_id: 'int_1',
  provider: 'fake',
  trigger: 'scheduled',
  dates,
  enqueued_at: '2026-06-15T03:15:00.000Z',
  with_seats: false,
  ...overrides,
});

const outage = new RetryLaterError('fake 2026-06-11: the provider answered 503 five times');

describe('recording a dead-lettered sync job', () => {
  it('leaves the days that hold nothing failed, saying the job was dead-lettered and how the days recover', async () => {
    const { ports, usage, state } = await setup();
    const base = { team_id: 't', integration_id: 'int_1', provider: 'fake', sync_id: 'earlier' };
    const at = '2026-06-14T00:00:00.000Z';
    await usage.recordDayState({
      ...base,
      date: '2026-06-11',
      state: 'failed',
      reason: '503',
      updated_at: at,
    });
    await usage.recordDayState({ ...base, date: '2026-06-12', state: 'pending', updated_at: at });
    await usage.recordDayState({ ...base, date: '2026-06-13', state: 'not_available', updated_at: at });
    await usage.replaceDay(
      dayReplacement({ ...base, date: '2026-06-10', rows: [], raw: {}, attempts: 0, now: at }),
    );

    const dates = ['2026-06-10', '2026-06-11', '2026-06-12', '2026-06-13', '2026-06-14'];
    await recordDeadLetteredJob(job('j1', dates), { error: outage, receives: 5 }, ports);

    for (const date of ['2026-06-11', '2026-06-12', '2026-06-14']) {
      expect(state(date)).toMatchObject({ state: 'failed', sync_id: 'sync-j1' });
      expect(state(date)?.reason).toMatch(/dead-letter queue/);
      expect(state(date)?.reason).toMatch(/all 5 deliveries/);
      expect(state(date)?.reason).toMatch(/daily run asks for this day again/);
      expect(state(date)?.reason).toMatch(/redrive/);
      expect(state(date)?.reason).toContain(outage.message);
    }
    // Stored data and days the provider does not serve stay as they were.
    expect(state('2026-06-10')).toMatchObject({ state: 'no_activity', sync_id: 'earlier' });
    expect(state('2026-06-10')?.last_error).toBeUndefined();
    expect(state('2026-06-13')).toMatchObject({ state: 'not_available', sync_id: 'earlier' });
  });

  it('records the job on its integration in one write, and the answer shows it', async () => {
    const { ports, integrations, stored, view } = await setup();
    await recordDeadLetteredJob(
      job('j1', ['2026-06-12', '2026-06-11']),
      { error: outage, receives: 5 },
      ports,
    );
    expect(integrations.writes).toEqual([{ op: 'update', integration_id: 'int_1' }]);
    expect((await stored()).dead_letters).toEqual([
      {
        job_id: 'j1',
        sync_id: 'sync-j1',
        trigger: 'scheduled',
        dates: ['2026-06-11', '2026-06-12'],
        dead_lettered_at: '2026-06-15T06:00:00.000Z',
        error: outage.message,
      },
    ]);
    expect(await view()).toEqual({
      jobs: 1,
      newest: {
        job_id: 'j1',
        dead_lettered_at: '2026-06-15T06:00:00.000Z',
        dates: ['2026-06-11', '2026-06-12'],
        error: outage.message,
      },
    });
  });

  it('words the last error as a sync job does: the provider’s own wording, never the key', async () => {
    const { ports, secrets, integrations, usage, clock, log, stored, manifests } = await setup();
    const { provider } = scriptedProvider({
      days: {
        '2026-06-11': () => {
          throw new ProviderCallError('retry_later', 'the provider answered 503 (service unavailable)');
        },
      },
    });
    const syncPorts = {
      providers: catalogOf(provider),
      integrations,
      usage,
      secrets,
      attribution: new MemoryAttributionStore(usage),
      roster: new MemoryRoster(),
      reattribution: new MemoryAttributionQueue(),
      clock,
      log,
    };
    const failed = job('j1', ['2026-06-11']);
    const error = await failure(runSyncJob(failed, syncPorts));
    expect(error).toBeInstanceOf(RetryLaterError);
    await recordDeadLetteredJob(failed, { error, receives: 5 }, ports);
    expect((await stored()).dead_letters?.[0]?.error).toBe(
      'fake 2026-06-11: the provider answered 503 (service unavailable)',
    );
    // Any other failure is "error: <message>".
    await recordDeadLetteredJob(
      job('j2', ['2026-06-12']),
      { error: new TypeError('boom'), receives: 5 },
      ports,
    );
    expect((await stored()).dead_letters?.[1]?.error).toBe('error: boom');
    const everything = JSON.stringify([
      await stored(),
      await listIntegrations(admin, { integrations, manifests, clock }),
      [...usage.ledger.values()],
      log.lines,
    ]);
    expect(everything).toContain('dead-letter');
    expect(everything).not.toContain(KEY);
  });

  it('a job dead-lettered again (a redrive that failed) is listed once, with its newest failure', async () => {
    const { ports, clock, view } = await setup();
    await recordDeadLetteredJob(job('j1', ['2026-06-11']), { error: outage, receives: 5 }, ports);
    clock.advance(3600);
    await recordDeadLetteredJob(
      job('j1', ['2026-06-11']),
      { error: new Error('still down'), receives: 5 },
      ports,
    );
    expect(await view()).toEqual({
      jobs: 1,
      newest: {
        job_id: 'j1',
        dead_lettered_at: '2026-06-15T07:00:00.000Z',
        dates: ['2026-06-11'],
        error: 'error: still down',
      },
    });
  });

  it('records nothing for an integration that is gone', async () => {
    const { ports, integrations, usage } = await setup();
    await integrations.delete('t', 'int_1');
    integrations.writes.length = 0;
    await recordDeadLetteredJob(job('j1', ['2026-06-11']), { error: outage, receives: 5 }, ports);
    expect(integrations.writes).toEqual([]);
    expect(usage.ledger.size).toBe(0);
  });
});

describe('a dead-lettered job that succeeds later (a redrive)', () => {
  it('leaves the record; the newest left is shown; the record disappears when nothing is left', async () => {
    const { ports, clock, stored, view } = await setup();
    await recordDeadLetteredJob(job('j1', ['2026-06-11']), { error: outage, receives: 5 }, ports);
    clock.advance(600);
    await recordDeadLetteredJob(job('j2', ['2026-06-12']), { error: outage, receives: 5 }, ports);
    expect(await view()).toMatchObject({ jobs: 2, newest: { job_id: 'j2' } });

    expect(await forgetDeadLetteredJob(job('j2', ['2026-06-12']), ports)).toBe(true);
    expect(await view()).toEqual({
      jobs: 1,
      newest: {
        job_id: 'j1',
        dead_lettered_at: '2026-06-15T06:00:00.000Z',
        dates: ['2026-06-11'],
        error: outage.message,
      },
    });
    expect(await forgetDeadLetteredJob(job('j1', ['2026-06-11']), ports)).toBe(true);
    expect(await view()).toBeNull();
    expect(await stored()).not.toHaveProperty('dead_letters');
  });

  it('a job that was never dead-lettered writes nothing', async () => {
    const { ports, integrations } = await setup();
    await recordDeadLetteredJob(job('j1', ['2026-06-11']), { error: outage, receives: 5 }, ports);
    integrations.writes.length = 0;
    expect(await forgetDeadLetteredJob(job('other', ['2026-06-11']), ports)).toBe(false);
    expect(integrations.writes).toEqual([]);
  });

  it('a job the dead-letter queue no longer keeps is not shown, and the next write drops it', async () => {
    const { ports, clock, stored, view } = await setup();
    await recordDeadLetteredJob(job('j1', ['2026-06-11']), { error: outage, receives: 5 }, ports);
    clock.advance(15 * 24 * 3600);
    expect(await view()).toBeNull();
    await recordDeadLetteredJob(job('j2', ['2026-06-29']), { error: outage, receives: 5 }, ports);
    expect((await stored()).dead_letters?.map((entry) => entry.job_id)).toEqual(['j2']);
  });
});
