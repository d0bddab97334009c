import type { SyncJob } from '../../../functions/domain/model';
import {
  ProviderCallError,
  type DayFetchResult,
  type SeatsFetchResult,
} from '../../../functions/domain/provider';
import { runSyncJob, RetryLaterError } from '../../../functions/domain/use-cases/run-sync-job';
import {
  catalogOf,
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
} from '../../helpers/memory-ports';

/** The fetcher use case with in-memory ports and a scripted provider (no network, no SDK). */
async function setup(
  days: Record<string, () => DayFetchResult>,
  seats?: () => SeatsFetchResult,
  integration = integrationRecord(),
  range: { ranged?: boolean; rangeError?: () => Error | undefined } = {},
) {
  const integrations = new MemoryIntegrations();
  const usage = new MemoryUsage();
  const secrets = new MemorySecrets();
  const scope = { teamId: 't', integrationId: 'int_1', provider: 'fake' };
  const secretRef = await secrets.save(scope, 'the-key');
  await integrations.save({ ...integration, secret_ref: secretRef });
  integrations.writes.length = 0;
  const { provider, calls } = scriptedProvider({ days, ...(seats ? { seats } : {}), ...range });
  const ports = {
    providers: catalogOf(provider),
    integrations,
    usage,
    attribution: new MemoryAttributionStore(usage),
    roster: new MemoryRoster(),
    reattribution: new MemoryAttributionQueue(),
    secrets,
    clock: fixedClock('2026-06-15T00:00:00Z'),
    log: memoryLog(),
  };
  const stored = async () => (await integrations.get('t', 'int_1'))!;
  const state = (date: string) => usage.entry('t', 'int_1', date);
  return { ports, integrations, usage, calls, stored, state };
}

const job = (dates: string[], overrides: Partial<SyncJob> = {}): SyncJob => ({
  version: 1,
  job_id: 'j',
  sync_id: 's',
  team_id: 't',
  integration_id: 'int_1',
  provider: 'fake',
  trigger: 'scheduled',
  dates,
  enqueued_at: '',
  with_seats: false,
  ...overrides,
});

const ok =
  (...users: string[]) =>
  () => ({ kind: 'ok' as const, raw: { users }, requests: 1 });
const failing = (error: Error) => () => {
  throw error;
};

describe('running a sync job', () => {
  it('stores ok days, no_activity days, and pending (not zero) days', async () => {
    const { ports, usage } = await setup({
      '2026-06-10': ok('a', 'b'),
      '2026-06-11': ok(),
      '2026-06-12': () => ({ kind: 'not_ready', message: 'report not published yet' }),
    });
    const result = await runSyncJob(job(['2026-06-10', '2026-06-11', '2026-06-12']), ports);
    expect(result).toMatchObject({ outcome: 'ok', days_ok: 2, days_pending: 1 });
    expect([...usage.ledger.values()].map((e) => [e.date, e.state])).toEqual([
      ['2026-06-10', 'ok'],
      ['2026-06-11', 'no_activity'],
      ['2026-06-12', 'pending'],
    ]);
    expect(usage.entry('t', 'int_1', '2026-06-10')).toMatchObject({ active_developers: 2, developers: 2 });
  });

  it('writes nothing for a day a later sync brings again unchanged, and records why', async () => {
    const days = { '2026-06-10': ok('a', 'b') };
    const { ports, usage, state } = await setup(days);
    await runSyncJob(job(['2026-06-10']), ports);
    expect(state('2026-06-10')?.content_hash).toEqual(expect.any(String));
    const result = await runSyncJob(job(['2026-06-10'], { job_id: 'j2', sync_id: 's2' }), ports);
    expect(result).toMatchObject({ outcome: 'ok', days_ok: 1, days_unchanged: 1 });
    expect(usage.replaced).toEqual(['int_1|2026-06-10']);
    expect(state('2026-06-10')).toMatchObject({ sync_id: 's', state: 'ok', attempts: 1 });
  });

  it('replaces a day whose rows changed, and records the new fingerprint', async () => {
    const days: Record<string, () => DayFetchResult> = { '2026-06-10': ok('a', 'b') };
    const { ports, usage, state } = await setup(days);
    await runSyncJob(job(['2026-06-10']), ports);
    const first = state('2026-06-10')?.content_hash;
    days['2026-06-10'] = ok('a', 'c');
    const result = await runSyncJob(job(['2026-06-10'], { job_id: 'j2', sync_id: 's2' }), ports);
    expect(result.days_unchanged).toBeUndefined();
    expect(usage.replaced).toEqual(['int_1|2026-06-10', 'int_1|2026-06-10']);
    expect(state('2026-06-10')).toMatchObject({ sync_id: 's2', state: 'ok' });
    expect(state('2026-06-10')?.content_hash).not.toEqual(first);
  });

  it('stores a day again when its fingerprint was never confirmed or a re-fetch failed since', async () => {
    const { ports, usage, state } = await setup({ '2026-06-10': ok('a'), '2026-06-11': ok('b') });
    await runSyncJob(job(['2026-06-10', '2026-06-11']), ports);
    // A crash after storing but before the blocks above were refreshed leaves no fingerprint.
    delete (state('2026-06-10') as { content_hash?: string }).content_hash;
    (state('2026-06-11') as { last_error?: string }).last_error = 'failed: 503 from the provider';
    await runSyncJob(job(['2026-06-10', '2026-06-11'], { job_id: 'j2', sync_id: 's2' }), ports);
    expect(usage.replaced.slice(2).sort()).toEqual(['int_1|2026-06-10', 'int_1|2026-06-11']);
    expect(state('2026-06-11')?.last_error).toBeUndefined();
    expect(state('2026-06-10')?.content_hash).toEqual(expect.any(String));
  });

  it('writes its integration once, with the last sync', async () => {
    const { ports, integrations, stored } = await setup({ '2026-06-10': ok('a'), '2026-06-11': ok('b') });
    await runSyncJob(job(['2026-06-10', '2026-06-11']), ports);
    expect(integrations.writes).toEqual([{ op: 'update', integration_id: 'int_1' }]);
    expect((await stored()).last_sync).toMatchObject({
      sync_id: 's',
      outcome: 'ok',
      days_ok: 2,
      days_failed: 0,
    });
  });

  it('an integration-wide not_available stops the job and says why on the integration, in its one write', async () => {
    const message = 'The Copilot usage metrics policy is disabled for this organisation.';
    const { ports, integrations, stored, state, calls } = await setup({
      '2026-06-10': () => ({ kind: 'not_available', scope: 'integration', message }),
      '2026-06-11': ok('a'),
    });
    const result = await runSyncJob(job(['2026-06-10', '2026-06-11']), ports);
    expect(result.outcome).toBe('not_available');
    expect(await stored()).toMatchObject({ status: 'not_available', status_message: message });
    expect(state('2026-06-11')?.state).toBe('not_available');
    expect(calls).toEqual(['day:2026-06-10']);
    expect(integrations.writes).toHaveLength(1);
  });

  it('a day-scoped not_available leaves the integration active', async () => {
    const { ports, stored, state } = await setup({
      '2026-06-10': () => ({ kind: 'not_available', scope: 'day', message: 'before the earliest report' }),
      '2026-06-11': ok('a'),
    });
    await runSyncJob(job(['2026-06-10', '2026-06-11']), ports);
    expect((await stored()).status).toBe('active');
    expect(state('2026-06-10')?.state).toBe('not_available');
    expect(state('2026-06-11')?.state).toBe('ok');
  });

  it('a retryable provider error fails that day, keeps later days for the retry and asks for redelivery', async () => {
    const { ports, usage, state, stored } = await setup({
      '2026-06-10': ok('a'),
      '2026-06-11': failing(new ProviderCallError('retry_later', 'unavailable (529): overloaded', 30)),
      '2026-06-12': ok('a'),
    });
    const run = runSyncJob(job(['2026-06-10', '2026-06-11', '2026-06-12']), ports);
    await expect(run).rejects.toBeInstanceOf(RetryLaterError);
    await expect(run).rejects.toMatchObject({ retryAfterSeconds: 30 });
    expect(usage.replaced).toEqual(['int_1|2026-06-10']);
    expect(state('2026-06-11')).toMatchObject({
      state: 'failed',
      attempts: 1,
      reason: 'unavailable (529): overloaded',
    });
    expect(state('2026-06-12')).toBeUndefined();
    // The integration is written before the queue gets the job back.
    expect((await stored()).last_sync).toMatchObject({ outcome: 'partial', days_ok: 1, days_failed: 1 });
  });

  it('a refused key marks the integration invalid_credentials and fails every remaining day, without retry', async () => {
    const { ports, stored, state, calls } = await setup({
      '2026-06-10': failing(new ProviderCallError('credentials_refused', 'auth (401): invalid x-api-key')),
      '2026-06-11': ok('a'),
    });
    const result = await runSyncJob(job(['2026-06-10', '2026-06-11']), ports);
    expect(result).toMatchObject({ outcome: 'invalid_credentials', days_failed: 2 });
    expect(calls).toEqual(['day:2026-06-10']);
    expect(state('2026-06-11')?.reason).toMatch(/^invalid_credentials: the provider refused the key/);
    expect(await stored()).toMatchObject({
      status: 'invalid_credentials',
      status_message: expect.stringMatching(/Fake Tool refused the stored key .*Connect again/),
    });
  });

  it('an answer that cannot be used fails that day only and goes on', async () => {
    const { ports, state } = await setup({
      '2026-06-10': failing(new ProviderCallError('failed', 'client (400): bad request')),
      '2026-06-11': failing(new Error('users-1-day line 3: user_id is invalid')),
      '2026-06-12': ok('a'),
    });
    const result = await runSyncJob(job(['2026-06-10', '2026-06-11', '2026-06-12']), ports);
    expect(result).toMatchObject({ outcome: 'partial', days_ok: 1, days_failed: 2 });
    expect(state('2026-06-10')?.reason).toBe('client (400): bad request');
    expect(state('2026-06-11')?.reason).toBe('error: users-1-day line 3: user_id is invalid');
  });

  it('a failed re-fetch keeps the data already stored for the day, with the error beside it', async () => {
    let calls = 0;
    const { ports, state } = await setup({
      '2026-06-10': () => {
        if (calls++ === 0) return ok('a', 'b')();
        throw new ProviderCallError('failed', 'client (400): no');
      },
    });
    await runSyncJob(job(['2026-06-10'], { sync_id: 's1' }), ports);
    await runSyncJob(job(['2026-06-10'], { sync_id: 's2' }), ports);
    expect(state('2026-06-10')).toMatchObject({
      state: 'ok',
      interactions: 2,
      last_error: 'failed: client (400): no',
    });
  });

  it('a redelivered job does not fetch again the days its sync already stored', async () => {
    const { ports, calls } = await setup({ '2026-06-10': ok('a'), '2026-06-11': ok('b') });
    await runSyncJob(job(['2026-06-10', '2026-06-11']), ports);
    const result = await runSyncJob(job(['2026-06-10', '2026-06-11']), ports);
    expect(calls).toEqual(['day:2026-06-10', 'day:2026-06-11']);
    expect(result.days_ok).toBe(2);
  });

  it('refreshes the seat snapshot on jobs that carry with_seats', async () => {
    const seat = { developer: { key: 'login:a', kind: 'user' as const, login: 'a' }, last_activity_at: null };
    const { ports, usage } = await setup({ '2026-06-10': ok('a') }, () => ({
      kind: 'ok',
      seats: [seat],
      requests: 1,
    }));
    await runSyncJob(job(['2026-06-10']), ports);
    expect(usage.seats.size).toBe(0);
    const result = await runSyncJob(job(['2026-06-10'], { with_seats: true, sync_id: 's2' }), ports);
    expect([...usage.seats.values()]).toEqual([
      expect.objectContaining({ integration_id: 'int_1', seats: [seat] }),
    ]);
    expect(result.seats).toBe(1);
    expect([...usage.seats.values()][0]).not.toHaveProperty('organisation');
  });

  it('keeps the organisation’s counts in the snapshot where the provider reports them', async () => {
    const organisation = { as_of: '2026-06-09', assigned_seats: 12, pending_invites: 1 };
    const { ports, usage } = await setup({ '2026-06-10': ok('a') }, () => ({
      kind: 'ok',
      seats: [],
      organisation,
      requests: 2,
    }));
    await runSyncJob(job(['2026-06-10'], { with_seats: true }), ports);
    expect([...usage.seats.values()]).toEqual([
      expect.objectContaining({ integration_id: 'int_1', seats: [], organisation }),
    ]);
  });

  it('a key that may not read seats does not become invalid_credentials', async () => {
    const { ports, stored } = await setup(
      { '2026-06-10': ok('a') },
      failing(new ProviderCallError('credentials_refused', 'forbidden (403): Resource not accessible')),
    );
    const result = await runSyncJob(job(['2026-06-10'], { with_seats: true }), ports);
    expect((await stored()).status).toBe('active');
    expect(result.reason).toMatch(/seats: forbidden/);
  });

  it('seats the provider says are not set up make the integration not_available', async () => {
    const message = 'Copilot is not set up for the organisation.';
    const { ports, stored } = await setup({ '2026-06-10': ok('a') }, () => ({
      kind: 'not_available',
      scope: 'integration',
      message,
    }));
    const result = await runSyncJob(job(['2026-06-10'], { with_seats: true }), ports);
    expect(result.outcome).toBe('not_available');
    expect(await stored()).toMatchObject({ status: 'not_available', status_message: message });
  });

  describe('skip rules', () => {
    it('skips a job whose integration was deleted', async () => {
      const { ports, integrations, calls } = await setup({ '2026-06-10': ok('a') });
      await integrations.delete('t', 'int_1');
      expect(await runSyncJob(job(['2026-06-10']), ports)).toMatchObject({
        outcome: 'skipped',
        reason: 'integration_deleted',
      });
      expect(calls).toEqual([]);
    });

    it('skips scheduled jobs of a paused integration, but runs its manual ones', async () => {
      const { ports, calls } = await setup(
        { '2026-06-10': ok('a') },
        undefined,
        integrationRecord({ sync_enabled: false }),
      );
      expect((await runSyncJob(job(['2026-06-10']), ports)).reason).toBe('sync_disabled');
      expect((await runSyncJob(job(['2026-06-10'], { trigger: 'manual' }), ports)).outcome).toBe('ok');
      expect(calls).toEqual(['day:2026-06-10']);
    });

    it('skips scheduled jobs of a not_available integration', async () => {
      const { ports, calls } = await setup(
        { '2026-06-10': ok('a') },
        undefined,
        integrationRecord({ status: 'not_available' }),
      );
      expect((await runSyncJob(job(['2026-06-10']), ports)).reason).toBe('not_available');
      expect(calls).toEqual([]);
    });

    it('fails the days of an integration whose key was refused, without calling the provider', async () => {
      const { ports, calls, state, integrations } = await setup(
        { '2026-06-10': ok('a') },
        undefined,
        integrationRecord({ status: 'invalid_credentials' }),
      );
      const result = await runSyncJob(job(['2026-06-10'], { trigger: 'manual' }), ports);
      expect(result).toMatchObject({ outcome: 'invalid_credentials', days_failed: 1 });
      expect(state('2026-06-10')).toMatchObject({
        state: 'failed',
        reason: 'invalid_credentials: reconnect with a valid key',
      });
      expect(calls).toEqual([]);
      expect(integrations.writes).toEqual([]);
    });
  });

  describe('providers that answer date ranges', () => {
    const ranged = { ranged: true };

    it('get the job’s days in one call, and each day is stored on its own', async () => {
      const { ports, calls, state } = await setup(
        {
          '2026-06-10': ok('a', 'b'),
          '2026-06-11': ok(),
          '2026-06-12': () => ({ kind: 'not_available', scope: 'day', message: 'outside the history' }),
        },
        undefined,
        integrationRecord(),
        ranged,
      );
      const result = await runSyncJob(job(['2026-06-12', '2026-06-10', '2026-06-11']), ports);
      expect(calls).toEqual(['days:2026-06-10,2026-06-11,2026-06-12']);
      expect(result).toMatchObject({ outcome: 'ok', days_ok: 2, requests: 1 });
      expect([state('2026-06-10')?.state, state('2026-06-11')?.state, state('2026-06-12')?.state]).toEqual([
        'ok',
        'no_activity',
        'not_available',
      ]);
    });

    it('a redelivered job asks only for the days its sync has not stored', async () => {
      const { ports, calls } = await setup(
        { '2026-06-10': ok('a'), '2026-06-11': ok('b') },
        undefined,
        integrationRecord(),
        ranged,
      );
      await runSyncJob(job(['2026-06-10']), ports);
      await runSyncJob(job(['2026-06-10', '2026-06-11']), ports);
      expect(calls).toEqual(['days:2026-06-10', 'days:2026-06-11']);
    });

    it('a retryable failure of the call fails the first day, leaves the rest for the retry', async () => {
      const { ports, state } = await setup(
        { '2026-06-10': ok('a'), '2026-06-11': ok('b') },
        undefined,
        integrationRecord(),
        {
          ranged: true,
          rangeError: () => new ProviderCallError('retry_later', 'rate_limited (429): slow down', 20),
        },
      );
      const run = runSyncJob(job(['2026-06-10', '2026-06-11']), ports);
      await expect(run).rejects.toMatchObject({ name: 'RetryLaterError', retryAfterSeconds: 20 });
      expect(state('2026-06-10')).toMatchObject({ state: 'failed', reason: 'rate_limited (429): slow down' });
      expect(state('2026-06-11')).toBeUndefined();
    });

    it('a refused key fails every day and marks the integration, without retry', async () => {
      const { ports, state, stored } = await setup(
        { '2026-06-10': ok('a'), '2026-06-11': ok('b') },
        undefined,
        integrationRecord(),
        {
          ranged: true,
          rangeError: () => new ProviderCallError('credentials_refused', 'auth (401): Invalid API key'),
        },
      );
      const result = await runSyncJob(job(['2026-06-10', '2026-06-11']), ports);
      expect(result).toMatchObject({ outcome: 'invalid_credentials', days_failed: 2 });
      expect(state('2026-06-11')?.reason).toMatch(/^invalid_credentials/);
      expect((await stored()).status).toBe('invalid_credentials');
    });

    it('a day the provider left out of its answer fails with a reason that says so', async () => {
      const { ports, state } = await setup({ '2026-06-10': ok('a') }, undefined, integrationRecord(), ranged);
      ports.providers = catalogOf({
        ...ports.providers.get('fake'),
        fetchDays: async () => ({ days: new Map(), requests: 1 }),
      });
      await runSyncJob(job(['2026-06-10']), ports);
      expect(state('2026-06-10')).toMatchObject({
        state: 'failed',
        reason: 'error: the provider gave no answer for 2026-06-10',
      });
    });
  });
});
