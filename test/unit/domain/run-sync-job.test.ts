import { z } from 'zod';
import { runSyncJob, RetryLaterError } from '../../../functions/domain/use-cases/run-sync-job';
import type { Dependencies } from '../../../functions/domain/use-cases/dependencies';
import type { Integration, LedgerEntry } from '../../../functions/domain/model';
import type { SeatSnapshot, UsageRepository } from '../../../functions/domain/ports';
import { zeroMetrics, emptyBreakdowns } from '../../../functions/domain/metrics';
import { createRegistry } from '../../../functions/providers/registry';
import { ProviderHttpError } from '../../../functions/providers/http-client';
import type { DayFetchResult, Provider, SeatsFetchResult } from '../../../functions/providers/types';
import { claudeCodeManifest } from '../../../functions/providers/claude-code/manifest';
import type { SyncJob } from '../../../functions/schemas/sync-job';

/** The fetcher use case with plain in-memory ports and a scripted provider (no network, no SDK). */
function setup(script: Record<string, () => DayFetchResult>, seats?: () => SeatsFetchResult) {
  const integration: Integration = {
    team_id: 't',
    integration_id: 'int_1',
    provider: 'fake',
    name: 'Fake',
    account: { id: 'a', name: 'A' },
    options: {},
    status: 'active',
    sync_enabled: true,
    secret_ref: 'ref#1',
    created_at: '',
    created_by: '',
    updated_at: '',
    version: 1,
  };
  const ledger = new Map<string, LedgerEntry>();
  const snapshots: SeatSnapshot[] = [];
  const replaced: string[] = [];
  const provider: Provider<never> = {
    manifest: { ...claudeCodeManifest, id: 'fake', displayName: 'Fake' },
    connectOptionsSchema: z.never(),
    checkKeyFormat: () => null,
    verifyCredentials: async () => ({ id: 'a', name: 'A' }),
    fetchDay: async (_c, day) => {
      const step = script[day];
      if (!step) throw new Error(`unexpected day ${day}`);
      return step();
    },
    normalizeDay: (raw, day) =>
      (raw as { users: string[] }).users.map((user) => ({
        date: day,
        developer: { key: user, kind: 'user' as const },
        active: true,
        metrics: { ...zeroMetrics(), interactions: 1 },
        breakdowns: emptyBreakdowns(),
        extras: {},
      })),
    ...(seats ? { fetchSeats: async () => seats() } : {}),
  };
  const usage: Partial<UsageRepository> = {
    getLedger: async () => [...ledger.values()],
    replaceDay: async (day) => {
      replaced.push(day.date);
      ledger.set(day.date, day.ledger);
    },
    recordDayState: async (entry) => {
      const current = ledger.get(entry.date);
      if (current && (current.state === 'ok' || current.state === 'no_activity')) return;
      ledger.set(entry.date, {
        ...entry,
        attempts: (current?.attempts ?? 0) + 1,
        developers: 0,
        interactions: 0,
      });
    },
    replaceSeats: async (snapshot) => void snapshots.push(snapshot),
  };
  const deps = {
    integrations: {
      get: async () => integration,
      update: async (_t: string, _i: string, change: (current: Integration) => Partial<Integration>) =>
        Object.assign(integration, change(integration)),
    },
    usage,
    secrets: { read: async () => 'key' },
    registry: createRegistry([provider]),
    clock: { now: () => new Date('2026-06-15T00:00:00Z') },
    providerContext: () => ({}),
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
  } as unknown as Dependencies;
  return { deps, integration, ledger, snapshots, replaced };
}

const job = (dates: string[], withSeats = false): SyncJob => ({
  version: 1,
  job_id: 'j',
  sync_id: 's',
  team_id: 't',
  integration_id: 'int_1',
  provider: 'fake',
  trigger: 'scheduled',
  dates,
  enqueued_at: '',
  with_seats: withSeats,
});

const ok =
  (...users: string[]) =>
  () => ({ kind: 'ok' as const, raw: { users }, requests: 1 });

describe('running a sync job', () => {
  it('stores ok days, no_activity days, and pending (not zero) days', async () => {
    const { deps, ledger } = setup({
      '2026-06-10': ok('a', 'b'),
      '2026-06-11': ok(),
      '2026-06-12': () => ({ kind: 'not_ready', message: 'report not published yet' }),
    });
    const result = await runSyncJob(job(['2026-06-10', '2026-06-11', '2026-06-12']), deps);
    expect(result).toMatchObject({ outcome: 'ok', days_ok: 2, days_pending: 1 });
    expect([...ledger.values()].map((e) => [e.date, e.state])).toEqual([
      ['2026-06-10', 'ok'],
      ['2026-06-11', 'no_activity'],
      ['2026-06-12', 'pending'],
    ]);
  });

  it('an integration-wide not_available stops the job and says why on the integration', async () => {
    const message = 'The Copilot usage metrics policy is disabled for this organisation.';
    const { deps, integration, ledger } = setup({
      '2026-06-10': () => ({ kind: 'not_available', scope: 'integration', message }),
      '2026-06-11': ok('a'),
    });
    const result = await runSyncJob(job(['2026-06-10', '2026-06-11']), deps);
    expect(result.outcome).toBe('not_available');
    expect(integration).toMatchObject({ status: 'not_available', status_message: message });
    expect(ledger.get('2026-06-11')?.state).toBe('not_available');
  });

  it('a day-scoped not_available leaves the integration active', async () => {
    const { deps, integration, ledger } = setup({
      '2026-06-10': () => ({ kind: 'not_available', scope: 'day', message: 'before the earliest report' }),
      '2026-06-11': ok('a'),
    });
    await runSyncJob(job(['2026-06-10', '2026-06-11']), deps);
    expect(integration.status).toBe('active');
    expect(ledger.get('2026-06-11')?.state).toBe('ok');
  });

  it('a retryable provider error fails that day, keeps later days for the retry and asks for redelivery', async () => {
    const { deps, ledger, replaced } = setup({
      '2026-06-10': ok('a'),
      '2026-06-11': () => {
        throw new ProviderHttpError('overloaded', 'unavailable', 529, 5);
      },
      '2026-06-12': ok('a'),
    });
    await expect(runSyncJob(job(['2026-06-10', '2026-06-11', '2026-06-12']), deps)).rejects.toBeInstanceOf(
      RetryLaterError,
    );
    expect(replaced).toEqual(['2026-06-10']);
    expect(ledger.get('2026-06-11')).toMatchObject({ state: 'failed', attempts: 1 });
    expect(ledger.has('2026-06-12')).toBe(false);
  });

  it('refreshes the seat snapshot on jobs that carry with_seats', async () => {
    const seat = { developer: { key: 'login:a', kind: 'user' as const, login: 'a' }, last_activity_at: null };
    const { deps, snapshots } = setup({ '2026-06-10': ok('a') }, () => ({
      kind: 'ok',
      seats: [seat],
      requests: 1,
    }));
    await runSyncJob(job(['2026-06-10'], false), deps);
    expect(snapshots).toHaveLength(0);
    const result = await runSyncJob(job(['2026-06-10'], true), deps);
    expect(snapshots).toEqual([expect.objectContaining({ integration_id: 'int_1', seats: [seat] })]);
    expect(result.seats).toBe(1);
  });

  it('a token that may not read seats does not become invalid_credentials', async () => {
    const { deps, integration } = setup({ '2026-06-10': ok('a') }, () => {
      throw new ProviderHttpError('Resource not accessible', 'forbidden', 403, 1);
    });
    const result = await runSyncJob(job(['2026-06-10'], true), deps);
    expect(integration.status).toBe('active');
    expect(result.reason).toMatch(/seats: forbidden/);
  });
});
