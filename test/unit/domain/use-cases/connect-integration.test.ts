import { z } from 'zod';
import { daysBetween } from '../../../../functions/domain/dates';
import {
  ConflictError,
  CredentialsRejectedError,
  ForbiddenError,
  ProviderUnavailableError,
  ValidationError,
} from '../../../../functions/domain/errors';
import type { Caller } from '../../../../functions/domain/model';
import {
  connectIntegration,
  type ConnectInput,
  type ConnectPorts,
} from '../../../../functions/domain/use-cases/connect-integration';
import {
  catalogOf,
  fixedClock,
  MemoryIntegrations,
  MemoryQueue,
  MemorySecrets,
  MemoryUsage,
  memoryLog,
  scriptedProvider,
  sequentialIds,
  type ScriptedProviderOptions,
  failure,
} from '../../../helpers/memory-ports';
import { TEST_KEYS } from '../../../helpers/provider-keys';

/** POST /connect with in-memory ports and a scripted provider (no network, no SDK). */
const NOW = '2026-06-15T08:00:00Z';
const KEY = 'sk-test-0123456789-super-secret';

const admin: Caller = { teamId: 't', role: 'admin', subject: 'alice' };
const member: Caller = { teamId: 't', role: 'member', subject: 'mallory' };

function setup(options: ScriptedProviderOptions = {}) {
  const integrations = new MemoryIntegrations();
  const usage = new MemoryUsage();
  const secrets = new MemorySecrets();
  const queue = new MemoryQueue();
  const clock = fixedClock(NOW);
  const log = memoryLog();
  const { provider, calls } = scriptedProvider(options);
  const ports: ConnectPorts = {
    providers: catalogOf(provider),
    integrations,
    usage,
    secrets,
    queue,
    ids: sequentialIds(),
    clock,
    log,
  };
  const connect = (overrides: Partial<ConnectInput> = {}, caller: Caller = admin) =>
    connectIntegration(caller, { provider: 'fake', apiKey: KEY, options: {}, ...overrides }, ports);
  /** Nothing at all was written anywhere. */
  const nothingStored = () => {
    expect(integrations.items.size).toBe(0);
    expect(integrations.writes).toEqual([]);
    expect(secrets.stored.size).toBe(0);
    expect(usage.ledger.size).toBe(0);
    expect(queue.sent).toEqual([]);
  };
  return { ports, integrations, usage, secrets, queue, clock, log, calls, connect, nothingStored };
}

describe('connecting an integration', () => {
  describe('refusals', () => {
    it('is admin only: a member is refused before the provider is called, and nothing is stored', async () => {
      const { connect, calls, nothingStored } = setup();
      await expect(connect({}, member)).rejects.toBeInstanceOf(ForbiddenError);
      expect(calls).toEqual([]);
      nothingStored();
    });

    it('refuses options the provider does not accept, naming the field, without calling it', async () => {
      const { connect, calls, nothingStored } = setup({
        optionsSchema: z.object({ org: z.string().min(1) }).strict(),
      });
      const error = await failure(connect({ options: {} }));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toMatch(/^Invalid options for Fake Tool: org: /);
      expect((error as ValidationError).issues).toEqual([{ field: 'org', message: expect.any(String) }]);
      const wrongType = await failure(connect({ options: { org: 42 } }));
      expect((wrongType as ValidationError).issues.map((issue) => issue.field)).toEqual(['org']);
      expect(calls).toEqual([]);
      nothingStored();
    });

    it('names an option the provider does not know as the field itself', async () => {
      const { connect, nothingStored } = setup({ optionsSchema: z.object({ org: z.string() }).strict() });
      const error = await failure(connect({ options: { org: 'acme', orgg: 'acme' } }));
      expect((error as ValidationError).issues).toEqual([
        { field: 'orgg', message: 'is not a field this accepts' },
      ]);
      nothingStored();
    });

    it('refuses a key of the wrong format as api_key, without calling the provider', async () => {
      const { connect, calls, nothingStored } = setup({
        keyFormat: (apiKey) => (apiKey.startsWith('sk-') ? null : 'Keys start with "sk-".'),
      });
      const error = await failure(connect({ apiKey: TEST_KEYS.githubNotThisOne }));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues).toEqual([
        { field: 'api_key', message: 'Keys start with "sk-".' },
      ]);
      expect(error.message).not.toContain(TEST_KEYS.githubNotThisOne);
      expect(calls).toEqual([]);
      nothingStored();
    });

    it('saves nothing when the provider refuses the key', async () => {
      const { connect, calls, nothingStored } = setup({
        account: new CredentialsRejectedError('invalid x-api-key'),
      });
      await expect(connect()).rejects.toBeInstanceOf(CredentialsRejectedError);
      expect(calls).toEqual(['verify']);
      nothingStored();
    });

    it('saves nothing when the provider cannot be asked', async () => {
      const { connect, nothingStored } = setup({ account: new ProviderUnavailableError('overloaded', 30) });
      await expect(connect()).rejects.toMatchObject({
        name: 'ProviderUnavailableError',
        retryAfterSeconds: 30,
      });
      nothingStored();
    });
  });

  describe('a first connect', () => {
    it('saves an active, sync-enabled integration that points at its secret', async () => {
      const { connect, integrations, secrets, calls } = setup();
      const result = await connect();
      const id = result.integration.integration_id;
      expect(id).toMatch(/^int_[A-Za-z0-9]+$/);
      expect(result.created).toBe(true);
      expect(calls).toEqual(['verify']);
      const stored = await integrations.get('t', id);
      expect(stored).toEqual({
        team_id: 't',
        integration_id: id,
        provider: 'fake',
        name: 'Fake Tool · Acme',
        account: { id: 'acct-1', name: 'Acme' },
        options: {},
        status: 'active',
        sync_enabled: true,
        secret_ref: expect.any(String),
        created_at: '2026-06-15T08:00:00.000Z',
        created_by: 'alice',
        updated_at: '2026-06-15T08:00:00.000Z',
        version: 1,
      });
      expect(result.integration).toEqual(stored);
      const scope = { teamId: 't', integrationId: id, provider: 'fake' };
      expect(await secrets.read(stored!.secret_ref, scope)).toBe(KEY);
      expect([...secrets.stored.values()]).toEqual([{ scope, secret: KEY }]);
    });

    it('keeps the key only in the secret store: not in the integration, the jobs, the result or the log', async () => {
      const { connect, integrations, queue, log, secrets } = setup();
      const result = await connect();
      expect(JSON.stringify([...integrations.items.values()])).not.toContain(KEY);
      expect(JSON.stringify(queue.sent)).not.toContain(KEY);
      expect(JSON.stringify(result)).not.toContain(KEY);
      expect(JSON.stringify(log.lines)).not.toContain(KEY);
      expect(JSON.stringify(log.lines)).toContain(result.integration.integration_id);
      expect(JSON.stringify([...secrets.stored.values()])).toContain(KEY);
    });

    it('marks every backfill day pending and reports the backfill', async () => {
      const { connect, usage } = setup();
      const result = await connect();
      const id = result.integration.integration_id;
      const days = daysBetween('2026-05-16', '2026-06-14');
      expect(days).toHaveLength(30);
      expect(result.backfill).toEqual({
        sync_id: 'sync_1',
        start_date: '2026-05-16',
        end_date: '2026-06-14',
        days: 30,
        jobs: 3,
      });
      const ledger = await usage.getLedger('t', '2000-01-01', '2100-01-01');
      expect(ledger.map((entry) => entry.date)).toEqual(days);
      for (const entry of ledger) {
        expect(entry).toMatchObject({
          integration_id: id,
          provider: 'fake',
          state: 'pending',
          sync_id: 'sync_1',
          attempts: 0,
        });
      }
    });

    it('queues the backfill newest chunk first, at most maxDaysPerJob days a job, one job refreshing seats', async () => {
      const { connect, queue } = setup();
      const result = await connect();
      const jobs = queue.jobs();
      expect(queue.sent.every((sent) => sent.provider === 'fake')).toBe(true);
      expect(jobs.map((job) => [job.dates[0], job.dates.at(-1), job.dates.length])).toEqual([
        ['2026-06-05', '2026-06-14', 10],
        ['2026-05-26', '2026-06-04', 10],
        ['2026-05-16', '2026-05-25', 10],
      ]);
      expect(jobs.map((job) => job.with_seats)).toEqual([true, false, false]);
      expect(jobs.flatMap((job) => job.dates).sort()).toEqual(daysBetween('2026-05-16', '2026-06-14'));
      expect(new Set(jobs.map((job) => job.job_id)).size).toBe(3);
      for (const job of jobs) {
        expect(job).toMatchObject({
          version: 1,
          sync_id: result.backfill.sync_id,
          team_id: 't',
          integration_id: result.integration.integration_id,
          provider: 'fake',
          trigger: 'backfill',
          enqueued_at: '2026-06-15T08:00:00.000Z',
        });
      }
    });

    it('takes a backfill depth instead of the provider default', async () => {
      const { connect, queue, usage } = setup();
      const result = await connect({ backfillDays: 25 });
      expect(result.backfill).toMatchObject({
        start_date: '2026-05-21',
        end_date: '2026-06-14',
        days: 25,
        jobs: 3,
      });
      expect(usage.ledger.size).toBe(25);
      // Chunks are cut from the oldest day: the newest job (sent first) carries the remainder.
      expect(queue.jobs().map((job) => [job.dates[0], job.dates.at(-1)])).toEqual([
        ['2026-06-10', '2026-06-14'],
        ['2026-05-31', '2026-06-09'],
        ['2026-05-21', '2026-05-30'],
      ]);

      const short = setup();
      const week = await short.connect({ backfillDays: 7 });
      expect(week.backfill).toMatchObject({
        start_date: '2026-06-08',
        end_date: '2026-06-14',
        days: 7,
        jobs: 1,
      });
      expect(short.queue.jobs().map((job) => job.dates)).toEqual([daysBetween('2026-06-08', '2026-06-14')]);
      expect(short.queue.jobs()[0]?.with_seats).toBe(true);
    });

    it('never starts the backfill before the earliest day the provider serves', async () => {
      const { connect, usage, queue } = setup({ earliestDay: '2026-06-10' });
      const result = await connect({ backfillDays: 30 });
      expect(result.backfill).toMatchObject({
        start_date: '2026-06-10',
        end_date: '2026-06-14',
        days: 5,
        jobs: 1,
      });
      expect([...usage.ledger.values()].map((entry) => entry.date)).toEqual(
        daysBetween('2026-06-10', '2026-06-14'),
      );
      expect(queue.jobs().flatMap((job) => job.dates)).toEqual(daysBetween('2026-06-10', '2026-06-14'));
    });

    it('keeps a chosen name and the options the provider accepted', async () => {
      const { connect, integrations } = setup({ optionsSchema: z.object({ org: z.string() }).strict() });
      const result = await connect({ name: 'Platform team', options: { org: 'acme' } });
      const stored = await integrations.get('t', result.integration.integration_id);
      expect(stored).toMatchObject({ name: 'Platform team', options: { org: 'acme' } });
    });
  });

  describe('reconnecting the same account', () => {
    it('finds the same integration, keeps a pause and its origin, bumps the version and replaces the key', async () => {
      const { connect, integrations, secrets, clock } = setup();
      const first = await connect();
      const id = first.integration.integration_id;
      const firstRef = first.integration.secret_ref;
      // An admin paused it, then the key stopped working.
      await integrations.update('t', id, () => ({
        sync_enabled: false,
        status: 'invalid_credentials',
        status_message: 'Fake Tool refused the stored key.',
      }));
      clock.advance(86_400);

      const newKey = 'sk-test-rotated-9876543210';
      const again = await connect({ apiKey: newKey }, { teamId: 't', role: 'admin', subject: 'bob' });
      expect(again.created).toBe(false);
      expect(again.integration.integration_id).toBe(id);
      const stored = (await integrations.get('t', id))!;
      expect(stored).toMatchObject({
        status: 'active',
        sync_enabled: false,
        created_at: '2026-06-15T08:00:00.000Z',
        created_by: 'alice',
        updated_at: '2026-06-16T08:00:00.000Z',
        version: 3,
        name: 'Fake Tool · Acme',
      });
      expect(stored.status_message).toBeUndefined();
      expect(integrations.items.size).toBe(1);
      expect(stored.secret_ref).not.toBe(firstRef);
      const scope = { teamId: 't', integrationId: id, provider: 'fake' };
      expect(await secrets.read(stored.secret_ref, scope)).toBe(newKey);
      expect(secrets.stored.size).toBe(1);
      expect(JSON.stringify([...secrets.stored.values()])).not.toContain(KEY);
    });

    it('keeps what another writer stored between its read and its write (a fetcher recording a sync)', async () => {
      const { connect, integrations } = setup();
      const first = await connect();
      const id = first.integration.integration_id;
      const get = integrations.get.bind(integrations);
      let raced = false;
      integrations.get = async (teamId, integrationId) => {
        const read = await get(teamId, integrationId);
        if (!raced && read) {
          raced = true;
          await integrations.update(teamId, integrationId, () => ({
            last_sync: {
              sync_id: 'sync_9',
              trigger: 'scheduled',
              finished_at: '2026-06-15T07:59:00.000Z',
              outcome: 'ok',
              days_ok: 2,
              days_failed: 0,
              days_pending: 0,
            },
          }));
        }
        return read;
      };
      const again = await connect({ apiKey: 'sk-test-rotated-9876543210' });
      const stored = (await get('t', id))!;
      expect(stored.last_sync).toMatchObject({ sync_id: 'sync_9' });
      expect(stored.version).toBe(3);
      expect(again.integration).toEqual(stored);
      expect(integrations.writes.map((write) => write.op)).toEqual(['save', 'update', 'save']);
    });

    it('answers 409 when the integration keeps changing under it, and writes no integration', async () => {
      const { connect, integrations } = setup();
      const first = await connect();
      const id = first.integration.integration_id;
      const get = integrations.get.bind(integrations);
      integrations.get = async (teamId, integrationId) => {
        const read = await get(teamId, integrationId);
        await integrations.update(teamId, integrationId, () => ({ updated_at: new Date().toISOString() }));
        return read;
      };
      const error = await failure(connect({ apiKey: 'sk-test-rotated-9876543210' }));
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toMatch(/send the request again/);
      expect(
        integrations.writes.filter((write) => write.op === 'save' && write.integration_id === id),
      ).toHaveLength(1);
    });

    it('keeps the manual-sync limit: a new key does not allow a second sync within the minute', async () => {
      const { connect, integrations, clock } = setup();
      const first = await connect();
      const id = first.integration.integration_id;
      await integrations.claimManualSync('t', id, clock.now(), 60);
      await connect({ apiKey: 'sk-test-rotated-9876543210' });
      expect(await integrations.claimManualSync('t', id, clock.now(), 60)).toMatchObject({ claimed: false });
    });

    it('keeps the jobs its dead-letter queue holds: they are still there whatever the key', async () => {
      const { connect, integrations } = setup();
      const first = await connect();
      const id = first.integration.integration_id;
      const deadLetters = [
        {
          job_id: 'job_1',
          sync_id: 'sync_1',
          trigger: 'scheduled' as const,
          dates: ['2026-06-13'],
          dead_lettered_at: '2026-06-15T04:00:00.000Z',
          error: 'fake 2026-06-13: unavailable (500): Internal server error',
        },
      ];
      await integrations.update('t', id, () => ({ dead_letters: deadLetters }));
      await connect({ apiKey: 'sk-test-rotated-9876543210' });
      expect((await integrations.get('t', id))?.dead_letters).toEqual(deadLetters);
    });

    it('plans the backfill again without downgrading days already stored', async () => {
      const { connect, usage } = setup();
      const first = await connect();
      const id = first.integration.integration_id;
      const entry = usage.entry('t', id, '2026-06-01')!;
      Object.assign(entry, { state: 'ok', interactions: 7, developers: 2 });
      const again = await connect();
      expect(again.backfill.sync_id).not.toBe(first.backfill.sync_id);
      expect(usage.entry('t', id, '2026-06-01')).toMatchObject({
        state: 'ok',
        interactions: 7,
        sync_id: 'sync_1',
      });
      expect(usage.entry('t', id, '2026-06-02')).toMatchObject({
        state: 'pending',
        sync_id: again.backfill.sync_id,
      });
    });
  });

  it('derives the integration id from team, provider and account only', async () => {
    const idFor = async (caller: Caller, accountId = 'acct-1') =>
      (await setup({ account: { id: accountId, name: 'Acme' } }).connect({}, caller)).integration
        .integration_id;
    const sameAgain = await idFor(admin);
    expect(await idFor({ ...admin, subject: 'someone-else' })).toBe(sameAgain);
    expect(await idFor({ teamId: 'u', role: 'admin', subject: 'alice' })).not.toBe(sameAgain);
    expect(await idFor(admin, 'acct-2')).not.toBe(sameAgain);
  });

  it('keeps two teams connecting the same account apart', async () => {
    const { connect, integrations, secrets } = setup();
    const ours = await connect();
    const theirs = await connect(
      { apiKey: 'sk-their-own-key' },
      { teamId: 'u', role: 'admin', subject: 'zoe' },
    );
    expect(theirs.created).toBe(true);
    expect(theirs.integration.integration_id).not.toBe(ours.integration.integration_id);
    expect((await integrations.list('t')).map((item) => item.integration_id)).toEqual([
      ours.integration.integration_id,
    ]);
    expect(secrets.stored.size).toBe(2);
    expect(
      await secrets.read(ours.integration.secret_ref, {
        teamId: 't',
        integrationId: ours.integration.integration_id,
        provider: 'fake',
      }),
    ).toBe(KEY);
  });
});
