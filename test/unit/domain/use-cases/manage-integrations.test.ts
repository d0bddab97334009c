import { ForbiddenError, NotFoundError } from '../../../../functions/domain/errors';
import type { Caller, DayState, Integration, LedgerEntry } from '../../../../functions/domain/model';
import type { SecretScope } from '../../../../functions/domain/ports';
import {
  deleteIntegration,
  getIntegration,
  LEDGER_SUMMARY_DAYS,
  listIntegrations,
  setSyncEnabled,
} from '../../../../functions/domain/use-cases/manage-integrations';
import { createManifestCatalog } from '../../../../functions/providers/manifests';
import {
  fixedClock,
  integrationRecord,
  MemoryIntegrations,
  MemorySecrets,
  MemoryUsage,
  memoryLog,
  testManifest,
  failure,
} from '../../../helpers/memory-ports';

/** Listing, reading, pausing and deleting integrations, with in-memory ports. Today is 2026-06-15. */
const admin: Caller = { teamId: 't', role: 'admin', subject: 'alice' };
const member: Caller = { teamId: 't', role: 'member', subject: 'mallory' };
const KEY = 'sk-test-never-shown-0123456789';

async function setup() {
  /** Every removal, in order, across the integration and secret stores. */
  const events: string[] = [];
  const integrations = new MemoryIntegrations();
  const secrets = new MemorySecrets();
  const usage = new MemoryUsage();
  const clock = fixedClock('2026-06-15T08:00:00Z');
  const add = async (overrides: Partial<Integration>) => {
    const base = integrationRecord(overrides);
    const scope = { teamId: base.team_id, integrationId: base.integration_id, provider: base.provider };
    const secretRef = await secrets.save(scope, `${KEY}-${base.integration_id}`);
    await integrations.save({ ...base, secret_ref: secretRef });
    return { ...base, secret_ref: secretRef };
  };
  const fake = await add({});
  const retired = await add({
    integration_id: 'int_2',
    provider: 'retired',
    name: 'Old tool',
    created_at: '2026-06-02T00:00:00.000Z',
  });
  const theirs = await add({ team_id: 'u', integration_id: 'int_9' });
  integrations.writes.length = 0;

  // Record the order of removals without changing what the stores do.
  const removeSecret = secrets.remove.bind(secrets);
  const removeIntegration = integrations.delete.bind(integrations);
  const deletePorts = {
    integrations: {
      get: integrations.get.bind(integrations),
      delete: async (teamId: string, integrationId: string) => {
        events.push(`integration:${teamId}/${integrationId}`);
        await removeIntegration(teamId, integrationId);
      },
    },
    secrets: {
      remove: async (ref: string, scope: SecretScope) => {
        events.push(`secret:${ref}:${JSON.stringify(scope)}`);
        await removeSecret(ref);
      },
    },
    log: memoryLog(),
  };
  const manifests = createManifestCatalog([testManifest()]);
  const ports = { integrations, usage, secrets, manifests, clock };
  return { ports, deletePorts, events, integrations, secrets, usage, clock, fake, retired, theirs };
}

const entry = (date: string, state: DayState, overrides: Partial<LedgerEntry> = {}): LedgerEntry => ({
  team_id: 't',
  integration_id: 'int_1',
  provider: 'fake',
  date,
  state,
  attempts: 1,
  sync_id: 's',
  updated_at: '2026-06-15T00:00:00.000Z',
  developers: 0,
  interactions: 0,
  ...overrides,
});

/** Writes ledger entries directly, as the stores would hold them. */
function putLedger(usage: MemoryUsage, entries: LedgerEntry[]) {
  for (const item of entries) usage.ledger.set(`${item.team_id}|${item.integration_id}|${item.date}`, item);
}

describe('listing integrations', () => {
  it("shows the caller team's integrations, never where the key lives nor the key", async () => {
    const { ports, fake, retired } = await setup();
    const views = await listIntegrations(member, ports);
    expect(views.map((view) => view.integration_id)).toEqual(['int_1', 'int_2']);
    for (const view of views) expect(view).not.toHaveProperty('secret_ref');
    const text = JSON.stringify(views);
    expect(text).not.toContain(fake.secret_ref);
    expect(text).not.toContain(retired.secret_ref);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('memory:');
  });

  it('names providers from their manifest, and a provider no longer registered by its id', async () => {
    const { ports } = await setup();
    const views = await listIntegrations(member, ports);
    expect(views.map((view) => [view.provider, view.provider_name, view.name])).toEqual([
      ['fake', 'Fake Tool', 'Fake Tool · Acme'],
      ['retired', 'retired', 'Old tool'],
    ]);
    expect(views[0]).toEqual({
      integration_id: 'int_1',
      provider: 'fake',
      provider_name: 'Fake Tool',
      name: 'Fake Tool · Acme',
      account: { id: 'acct-1', name: 'Acme' },
      options: {},
      status: 'active',
      status_message: null,
      sync_enabled: true,
      created_at: '2026-06-01T00:00:00.000Z',
      updated_at: '2026-06-01T00:00:00.000Z',
      last_sync: null,
      dead_letters: null,
    });
  });
});

describe('reading one integration', () => {
  it('never contains secret_ref or the key', async () => {
    const { ports, fake } = await setup();
    const view = await getIntegration(member, 'int_1', ports);
    expect(view).not.toHaveProperty('secret_ref');
    expect(JSON.stringify(view)).not.toContain(fake.secret_ref);
    expect(JSON.stringify(view)).not.toContain(KEY);
  });

  it('names a provider no longer registered by its id', async () => {
    const { ports } = await setup();
    expect(await getIntegration(member, 'int_2', ports)).toMatchObject({
      provider: 'retired',
      provider_name: 'retired',
    });
  });

  it('summarises the ledger of the last 90 days', async () => {
    const { ports, usage } = await setup();
    putLedger(usage, [
      // In the window (2026-03-18 .. 2026-06-15): 10 entries of int_1.
      entry('2026-03-18', 'ok'),
      entry('2026-05-01', 'ok'),
      entry('2026-05-02', 'ok'),
      entry('2026-05-03', 'no_activity'),
      entry('2026-05-04', 'no_activity'),
      entry('2026-06-01', 'failed', { reason: 'client (400): bad request', attempts: 2 }),
      entry('2026-06-10', 'failed', { reason: 'unavailable (529): overloaded', attempts: 3 }),
      entry('2026-06-14', 'pending'),
      entry('2026-06-12', 'pending'),
      entry('2026-05-20', 'not_available', { reason: 'before the earliest report' }),
      // Outside it, or somebody else's: not counted.
      entry('2026-03-17', 'failed', { reason: 'too old' }),
      entry('2026-03-16', 'pending'),
      entry('2026-06-13', 'failed', { integration_id: 'int_2', provider: 'retired', reason: 'other' }),
      entry('2026-06-14', 'failed', { team_id: 'u', integration_id: 'int_1', reason: 'theirs' }),
    ]);
    const view = await getIntegration(member, 'int_1', ports);
    expect(LEDGER_SUMMARY_DAYS).toBe(90);
    expect(view.ledger).toEqual({
      window: { start_date: '2026-03-18', end_date: '2026-06-15', days: 90 },
      days: { ok: 3, no_activity: 2, pending: 2, failed: 2, not_available: 1, not_fetched: 80 },
      last_failure: { date: '2026-06-10', reason: 'unavailable (529): overloaded', attempts: 3 },
      oldest_pending: '2026-06-12',
    });
  });

  it('says nothing failed or waits when the ledger is empty, and everything is not fetched', async () => {
    const { ports } = await setup();
    const view = await getIntegration(member, 'int_1', ports);
    expect(view.ledger.days).toEqual({
      ok: 0,
      no_activity: 0,
      pending: 0,
      failed: 0,
      not_available: 0,
      not_fetched: 90,
    });
    expect(view.ledger.last_failure).toBeNull();
    expect(view.ledger.oldest_pending).toBeNull();
  });

  it('reports a failure without a recorded reason as unknown', async () => {
    const { ports, usage } = await setup();
    putLedger(usage, [entry('2026-06-11', 'failed', { attempts: 4 })]);
    expect((await getIntegration(member, 'int_1', ports)).ledger.last_failure).toEqual({
      date: '2026-06-11',
      reason: 'unknown',
      attempts: 4,
    });
  });

  it("answers another team's id with not found", async () => {
    const { ports } = await setup();
    await expect(getIntegration(member, 'int_9', ports)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('pausing and resuming sync', () => {
  it('is admin only', async () => {
    const { ports, integrations } = await setup();
    await expect(setSyncEnabled(member, 'int_1', false, ports)).rejects.toBeInstanceOf(ForbiddenError);
    expect(integrations.writes).toEqual([]);
    expect((await integrations.get('t', 'int_1'))?.sync_enabled).toBe(true);
  });

  it('sets the flag and updated_at, and the schedule follows', async () => {
    const { ports, integrations, clock } = await setup();
    const paused = await setSyncEnabled(admin, 'int_1', false, ports);
    expect(paused).toMatchObject({
      integration_id: 'int_1',
      sync_enabled: false,
      updated_at: '2026-06-15T08:00:00.000Z',
    });
    expect(paused).not.toHaveProperty('secret_ref');
    expect(await integrations.get('t', 'int_1')).toMatchObject({
      sync_enabled: false,
      updated_at: '2026-06-15T08:00:00.000Z',
      version: 2,
    });
    const schedulable = async () => {
      const found: string[] = [];
      for await (const item of integrations.listSchedulable('fake')) {
        found.push(`${item.team_id}/${item.integration_id}`);
      }
      return found;
    };
    expect(await schedulable()).toEqual(['u/int_9']);

    clock.advance(3600);
    const resumed = await setSyncEnabled(admin, 'int_1', true, ports);
    expect(resumed).toMatchObject({ sync_enabled: true, updated_at: '2026-06-15T09:00:00.000Z' });
    expect((await schedulable()).sort()).toEqual(['t/int_1', 'u/int_9']);
  });

  it("answers another team's id with not found and changes nothing", async () => {
    const { ports, integrations } = await setup();
    await expect(setSyncEnabled(admin, 'int_9', false, ports)).rejects.toBeInstanceOf(NotFoundError);
    expect(integrations.writes).toEqual([]);
    expect((await integrations.get('u', 'int_9'))?.sync_enabled).toBe(true);
  });
});

describe('deleting an integration', () => {
  it('is admin only, and removes nothing for a member', async () => {
    const { deletePorts, events, integrations, secrets } = await setup();
    await expect(deleteIntegration(member, 'int_1', deletePorts)).rejects.toBeInstanceOf(ForbiddenError);
    expect(events).toEqual([]);
    expect(await integrations.get('t', 'int_1')).toBeDefined();
    expect(secrets.stored.has('t/int_1')).toBe(true);
  });

  it('removes the secret first, then the integration, and keeps the stored history', async () => {
    const { deletePorts, events, integrations, secrets, usage, fake } = await setup();
    putLedger(usage, [entry('2026-06-10', 'ok', { interactions: 4 })]);
    await deleteIntegration(admin, 'int_1', deletePorts);
    expect(events).toEqual([
      `secret:${fake.secret_ref}:${JSON.stringify({ teamId: 't', integrationId: 'int_1', provider: 'fake' })}`,
      'integration:t/int_1',
    ]);
    expect(await integrations.get('t', 'int_1')).toBeUndefined();
    expect(secrets.stored.has('t/int_1')).toBe(false);
    // The other integrations and their keys are untouched.
    expect(await integrations.get('t', 'int_2')).toBeDefined();
    expect([...secrets.stored.keys()].sort()).toEqual(['t/int_2', 'u/int_9']);
    expect(usage.entry('t', 'int_1', '2026-06-10')).toMatchObject({ state: 'ok', interactions: 4 });
  });

  it('keeps the integration when its secret could not be removed', async () => {
    const { deletePorts, integrations } = await setup();
    const ports = {
      ...deletePorts,
      secrets: {
        remove: async () => {
          throw new Error('KMS unavailable');
        },
      },
    };
    await expect(deleteIntegration(admin, 'int_1', ports)).rejects.toThrow('KMS unavailable');
    expect(await integrations.get('t', 'int_1')).toBeDefined();
  });

  it("answers another team's id with not found and removes nothing", async () => {
    const { deletePorts, events, integrations, secrets } = await setup();
    const error = await failure(deleteIntegration(admin, 'int_9', deletePorts));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(events).toEqual([]);
    expect(await integrations.get('u', 'int_9')).toBeDefined();
    expect(secrets.stored.has('u/int_9')).toBe(true);
  });
});
