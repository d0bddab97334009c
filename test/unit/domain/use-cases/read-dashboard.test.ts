import type { Caller, Integration, SeatAssignment } from '../../../../functions/domain/model';
import { emptyRoster, toPerson } from '../../../../functions/domain/roster';
import { readDashboard } from '../../../../functions/domain/use-cases/read-dashboard';
import { createManifestCatalog } from '../../../../functions/providers/manifests';
import {
  fixedClock,
  integrationRecord,
  MemoryAttributionStore,
  MemoryIntegrations,
  MemoryRoster,
  MemoryUsage,
  testManifest,
} from '../../../helpers/memory-ports';

/**
 * The team page and the developers view over in-memory stores built with the same port calls the
 * fetcher makes. Today is 2026-06-15. Claude Code serves up to yesterday; Copilot publishes two days late.
 */
const member: Caller = { teamId: 't', role: 'member', subject: 'mallory' };
const UNREPORTED = 'GitHub leaves teams with fewer than five Copilot users out of its team report.';

const claudeManifest = testManifest({ id: 'claude_code', displayName: 'Claude Code' });
const copilotManifest = testManifest({
  id: 'github_copilot',
  displayName: 'GitHub Copilot',
  sync: { backfillDays: 100, dailyOffsets: [2, 3, 4, 5], newestOffset: 2, maxDaysPerJob: 10 },
  notes: { unreportedTeam: UNREPORTED },
});

const enterpriseManifest = testManifest({
  id: 'claude_enterprise',
  displayName: 'Claude Enterprise Analytics',
  tool: 'claude_code',
});

const claude = integrationRecord({ integration_id: 'int_c', provider: 'claude_code', name: 'Claude' });
const copilot = integrationRecord({ integration_id: 'int_g', provider: 'github_copilot', name: 'Copilot' });

import { storeDay } from '../../../helpers/stored-days';

const where = (integration: Integration, date: string) => ({
  team_id: integration.team_id,
  integration_id: integration.integration_id,
  provider: integration.provider,
  date,
  sync_id: 's',
  updated_at: `${date}T12:00:00.000Z`,
});
const pending = (usage: MemoryUsage, integration: Integration, date: string) =>
  usage.markPending([where(integration, date)]);
const failed = (usage: MemoryUsage, integration: Integration, date: string) =>
  usage.recordDayState({ ...where(integration, date), state: 'failed', reason: 'client (400): bad request' });

const seat = (key: string, team: string | null, lastActivity: string | null): SeatAssignment => ({
  developer: { key, kind: 'user', login: key },
  assigning_team: team,
  last_activity_at: lastActivity,
});

async function setup(integrations: Integration[] = [claude, copilot]) {
  const store = new MemoryIntegrations();
  for (const integration of integrations) await store.save(integration);
  const usage = new MemoryUsage();
  const ports = {
    usage,
    integrations: store,
    attribution: new MemoryAttributionStore(usage),
    roster: new MemoryRoster(),
    manifests: createManifestCatalog([claudeManifest, copilotManifest, enterpriseManifest]),
    clock: fixedClock('2026-06-15T08:00:00Z'),
  };
  return { ports, usage };
}

describe('reading the dashboard', () => {
  it('draws every day of the period with the state of what is known of it', async () => {
    const { ports, usage } = await setup();
    await pending(usage, claude, '2026-06-09');
    await pending(usage, copilot, '2026-06-09');
    await storeDay(usage, claude, '2026-06-10', [
      { key: 'alice@x', interactions: 2 },
      { key: 'bob@x', interactions: 1 },
    ]);
    await storeDay(usage, copilot, '2026-06-10', [{ key: 'alice@x', interactions: 2 }]);
    await storeDay(usage, claude, '2026-06-11', []);
    await storeDay(usage, copilot, '2026-06-11', []);
    await storeDay(usage, claude, '2026-06-12', [{ key: 'alice@x', interactions: 4 }]);
    await pending(usage, copilot, '2026-06-12');
    await failed(usage, claude, '2026-06-13');
    await pending(usage, copilot, '2026-06-13');
    await storeDay(usage, claude, '2026-06-14', [{ key: 'bob@x', interactions: 2 }]);
    // Outside the period, or another team's: never counted.
    await storeDay(usage, claude, '2026-06-07', [{ key: 'alice@x', interactions: 100 }]);
    await storeDay(usage, { ...claude, team_id: 'u' }, '2026-06-10', [{ key: 'eve@x', interactions: 50 }]);

    const dashboard = await readDashboard(member, { days: 8 }, ports);
    expect(dashboard.team_id).toBe('t');
    expect(dashboard.period).toEqual({ start_date: '2026-06-08', end_date: '2026-06-15', days: 8 });
    expect(dashboard.heatmap_data).toEqual([
      { date: '2026-06-08', count: 0, state: 'not_fetched' },
      { date: '2026-06-09', count: 0, state: 'pending' },
      { date: '2026-06-10', count: 5, state: 'ok' },
      { date: '2026-06-11', count: 0, state: 'no_activity' },
      { date: '2026-06-12', count: 4, state: 'partial' },
      { date: '2026-06-13', count: 0, state: 'failed' },
      // Copilot has not published yesterday: Claude's figures alone make the day partial.
      { date: '2026-06-14', count: 2, state: 'partial' },
      // Today is not over: pending for every active integration, never a quiet day.
      { date: '2026-06-15', count: 0, state: 'pending' },
    ]);
    expect(dashboard.heatmap_data.every((day) => typeof day.count === 'number')).toBe(true);
    expect(dashboard.sync).toEqual({ days_fetched: 2, days_pending: 2, days_failed: 1, days_not_fetched: 1 });
    expect(dashboard.total_interactions).toBe(11);
    expect(dashboard.active_days).toBe(3);
    expect(
      dashboard.tools.map((tool) => [
        tool.provider,
        tool.name,
        tool.interactions,
        tool.active_days,
        tool.max_daily_active_developers,
      ]),
    ).toEqual([
      ['claude_code', 'Claude Code', 9, 3, 2],
      ['github_copilot', 'GitHub Copilot', 2, 1, 1],
    ]);
    expect(dashboard.top_tool).toEqual({ provider: 'claude_code', name: 'Claude Code', requests: 9 });
  });

  it('has exactly N consecutive days ending today, all zero and not fetched when nothing is known', async () => {
    const { ports } = await setup([]);
    const dashboard = await readDashboard(member, { days: 30 }, ports);
    expect(dashboard.heatmap_data).toHaveLength(30);
    expect(dashboard.heatmap_data[0]?.date).toBe('2026-05-17');
    expect(dashboard.heatmap_data.at(-1)?.date).toBe('2026-06-15');
    expect(dashboard.heatmap_data.every((day) => day.count === 0 && day.state === 'not_fetched')).toBe(true);
    expect(dashboard.total_interactions).toBe(0);
    expect(dashboard.top_tool).toBeNull();
    expect(dashboard.tools).toEqual([]);
  });

  describe('days a provider has not published yet', () => {
    it('count as pending for an active integration: alone they make the day pending', async () => {
      const { ports } = await setup([copilot]);
      const dashboard = await readDashboard(member, { days: 3 }, ports);
      expect(dashboard.heatmap_data).toEqual([
        { date: '2026-06-13', count: 0, state: 'not_fetched' },
        { date: '2026-06-14', count: 0, state: 'pending' },
        { date: '2026-06-15', count: 0, state: 'pending' },
      ]);
    });

    it('do not hold the day back for an integration that is not active', async () => {
      for (const status of ['invalid_credentials', 'not_available'] as const) {
        const { ports, usage } = await setup([claude, { ...copilot, status }]);
        await storeDay(usage, claude, '2026-06-14', [{ key: 'bob@x', interactions: 2 }]);
        const dashboard = await readDashboard(member, { days: 2 }, ports);
        expect(dashboard.heatmap_data[0]).toEqual({ date: '2026-06-14', count: 2, state: 'ok' });
      }
    });

    it('do not hold the day back for a paused integration (it awaits nothing)', async () => {
      const { ports, usage } = await setup([claude, { ...copilot, sync_enabled: false }]);
      await storeDay(usage, claude, '2026-06-14', [{ key: 'bob@x', interactions: 2 }]);
      const dashboard = await readDashboard(member, { days: 2 }, ports);
      expect(dashboard.heatmap_data[0]).toEqual({ date: '2026-06-14', count: 2, state: 'ok' });
    });

    it('give way to what the ledger already knows of the day', async () => {
      const { ports, usage } = await setup();
      await storeDay(usage, claude, '2026-06-14', [{ key: 'bob@x', interactions: 2 }]);
      await storeDay(usage, copilot, '2026-06-14', [{ key: 'bob@x', interactions: 3 }]);
      const dashboard = await readDashboard(member, { days: 2 }, ports);
      expect(dashboard.heatmap_data[0]).toEqual({ date: '2026-06-14', count: 5, state: 'ok' });
    });

    it('are only the days after the newest one the provider serves', async () => {
      const { ports, usage } = await setup();
      // 2026-06-13 is a day Copilot serves: without a ledger entry it is simply not fetched.
      await storeDay(usage, claude, '2026-06-13', [{ key: 'bob@x', interactions: 1 }]);
      const dashboard = await readDashboard(member, { days: 3 }, ports);
      expect(dashboard.heatmap_data.map((day) => day.state)).toEqual(['ok', 'pending', 'pending']);
    });
  });

  it('names a provider no longer registered by its id, and summarises seats per tool', async () => {
    const retired = integrationRecord({ integration_id: 'int_r', provider: 'retired' });
    const { ports, usage } = await setup([retired, copilot]);
    await storeDay(usage, retired, '2026-06-13', [{ key: 'bob@x', interactions: 7 }]);
    await storeDay(usage, copilot, '2026-06-13', [{ key: 'alice@x', interactions: 1 }]);
    await usage.replaceSeats({
      team_id: 't',
      integration_id: 'int_g',
      provider: 'github_copilot',
      taken_at: '2026-06-15T06:30:00.000Z',
      seats: [seat('alice', 'platform', '2026-06-14T10:00:00Z'), seat('carol', 'tiny', null)],
    });
    const dashboard = await readDashboard(member, { days: 3 }, ports);
    expect(dashboard.tools.map((tool) => [tool.provider, tool.name, tool.interactions])).toEqual([
      ['retired', 'retired', 7],
      ['github_copilot', 'GitHub Copilot', 1],
    ]);
    expect(dashboard.tools[0]?.seats).toBeNull();
    expect(dashboard.tools[1]?.seats).toEqual({
      assigned: 2,
      assigned_from: 'listed',
      listed: 2,
      active_in_period: 1,
      inactive_in_period: 1,
      never_active: 1,
      cycle_spend_cents: null,
      utilisation: 0.5,
      taken_at: '2026-06-15T06:30:00.000Z',
      organisation: null,
    });
  });

  describe('an organisation that reports its own counts (Claude Enterprise)', () => {
    const enterprise = integrationRecord({
      integration_id: 'int_e',
      provider: 'claude_enterprise',
      name: 'Claude Enterprise',
    });
    const listed = (name: string, last: string | null): SeatAssignment => ({
      developer: { key: `email:${name}@corp.com`, kind: 'user', email: `${name}@corp.com` },
      last_activity_at: last,
      plan_type: 'enterprise',
      activity_known_since: '2026-05-15',
    });
    async function withEnterpriseSeats() {
      const { ports, usage } = await setup([claude, enterprise]);
      await storeDay(usage, enterprise, '2026-06-13', [{ key: 'email:alice@corp.com', interactions: 3 }]);
      await usage.replaceSeats({
        team_id: 't',
        integration_id: 'int_e',
        provider: 'claude_enterprise',
        taken_at: '2026-06-15T06:30:00.000Z',
        seats: [listed('alice', '2026-06-13T00:00:00.000Z'), listed('bob', '2026-05-20T00:00:00.000Z')],
        organisation: {
          as_of: '2026-06-13',
          assigned_seats: 8,
          pending_invites: 1,
          active_users: { daily: 2, weekly: 3, monthly: 5 },
          tool_active_users: { daily: 1, weekly: 2, monthly: 2 },
        },
      });
      return { ports };
    }

    it('shows the organisation’s seats and counts on the tool the source reports, beside the listed seats', async () => {
      const { ports } = await withEnterpriseSeats();
      const dashboard = await readDashboard(member, { days: 7 }, ports);
      const tool = dashboard.tools.find((entry) => entry.provider === 'claude_code');
      expect(tool?.sources).toEqual(['claude_enterprise']);
      expect(tool?.seats).toEqual({
        assigned: 8,
        assigned_from: 'organisation',
        listed: 2,
        active_in_period: 1,
        inactive_in_period: 7,
        never_active: 0,
        utilisation: 0.125,
        cycle_spend_cents: null,
        taken_at: '2026-06-15T06:30:00.000Z',
        organisation: {
          as_of: '2026-06-13',
          assigned_seats: 8,
          pending_invites: 1,
          active_users: { daily: 2, weekly: 3, monthly: 5 },
          tool_active_users: { daily: 1, weekly: 2, monthly: 2 },
        },
      });
    });

    it('leaves the organisation’s counts out of a group’s view: they are the whole organisation’s', async () => {
      const { ports } = await withEnterpriseSeats();
      ports.roster.rosters.set('t', {
        ...emptyRoster('t'),
        version: 1,
        min_group_size: 1,
        people: [
          toPerson({ id: 'alice', display_name: 'Alice', emails: ['alice@corp.com'], groups: ['platform'] }),
          toPerson({ id: 'bob', display_name: 'Bob', emails: ['bob@corp.com'], groups: ['data'] }),
        ],
      });
      const dashboard = await readDashboard(member, { days: 7, group: 'platform' }, ports);
      const tool = dashboard.tools.find((entry) => entry.provider === 'claude_code');
      expect(tool?.seats).toMatchObject({
        assigned: 1,
        assigned_from: 'listed',
        listed: 1,
        active_in_period: 1,
        organisation: null,
      });
    });
  });
});
