import { identitySubjectId } from '../../../../functions/domain/attribution';
import {
  ForbiddenError,
  GroupTooSmallError,
  NotFoundError,
  ValidationError,
} from '../../../../functions/domain/errors';
import type { Caller, Integration } from '../../../../functions/domain/model';
import { SORT_FIELDS } from '../../../../functions/domain/people';
import { emptyRoster, toPerson, type PersonInput } from '../../../../functions/domain/roster';
import { seatSummary } from '../../../../functions/domain/seats';
import {
  readDevelopers,
  readMe,
  readPerson,
  readSeats,
  type DevelopersQuery,
} from '../../../../functions/domain/use-cases/read-people';
import { createManifestCatalog } from '../../../../functions/providers/manifests';
import {
  MemoryAttributionStore,
  MemoryIntegrations,
  MemoryRoster,
  MemoryUsage,
  failure,
  fixedClock,
  integrationRecord,
  memoryLog,
  testManifest,
} from '../../../helpers/memory-ports';
import { refreshAfterSync, storeDay, type Use } from '../../../helpers/stored-days';
import { manifestCatalog } from '../../../../functions/providers/manifests';

/**
 * The developers view, one person's figures and "me", over in-memory stores filled as a sync fills them.
 * Today is 2026-06-15; the period is the last 7 days (2026-06-09 … 2026-06-15). Claude Code serves up to
 * yesterday; Copilot publishes two days late.
 */
const claude = integrationRecord({ integration_id: 'int_c', provider: 'claude_code', name: 'Claude' });
const copilot = integrationRecord({ integration_id: 'int_g', provider: 'github_copilot', name: 'Copilot' });

/** Suggestions shown and accepted, where a day's use had some. */
type Shown = [shown: number, accepted: number];
const suggestions = (shown?: Shown): Pick<Use, 'metrics'> =>
  shown ? { metrics: { suggestions_shown: shown[0], suggestions_accepted: shown[1] } } : {};
const byEmail = (address: string, interactions: number, shown?: Shown): Use => ({
  key: `email:${address}`,
  interactions,
  ref: { email: address },
  ...suggestions(shown),
});
const byLogin = (id: number, login: string, interactions: number, shown?: Shown): Use => ({
  key: `github:${id}`,
  interactions,
  ref: { email: undefined, login },
  ...suggestions(shown),
});
const byKey = (name: string, interactions: number): Use => ({
  key: `api_key:${name}`,
  interactions,
  ref: { kind: 'service', email: undefined, display_name: name },
});

const people: PersonInput[] = [
  { id: 'jane', display_name: 'Jane Doe', emails: ['jane@corp.com'], groups: ['platform'] },
  {
    id: 'alice',
    display_name: 'Alice Smith',
    emails: ['alice@corp.com'],
    github_login: 'alice-gh',
    groups: ['platform', 'data'],
  },
  { id: 'bob', display_name: 'Bob Idle', emails: ['bob@corp.com'], groups: ['data', 'solo'] },
];

const admin: Caller = { teamId: 't', role: 'admin', subject: 'u-admin' };
const memberWith = (email?: string): Caller => ({
  teamId: 't',
  role: 'member',
  subject: `u-${email ?? 'none'}`,
  ...(email ? { email } : {}),
});
const alice = memberWith('alice@corp.com');
const stranger = memberWith('stranger@ext.com');

const query = (overrides: Partial<DevelopersQuery> = {}): DevelopersQuery => ({
  days: 7,
  sort: 'interactions',
  order: 'desc',
  limit: 100,
  ...overrides,
});

async function setup() {
  const usage = new MemoryUsage();
  const integrations = new MemoryIntegrations();
  for (const integration of [claude, copilot]) await integrations.save(integration);
  const roster = new MemoryRoster();
  roster.rosters.set('t', {
    ...emptyRoster('t'),
    version: 1,
    min_group_size: 2,
    people: people.map(toPerson),
  });
  const attribution = new MemoryAttributionStore(usage);
  const ports = {
    attribution,
    roster,
    usage,
    integrations,
    manifests: createManifestCatalog([
      testManifest({ id: 'claude_code', displayName: 'Claude Code' }),
      testManifest({
        id: 'github_copilot',
        displayName: 'GitHub Copilot',
        sync: { backfillDays: 100, dailyOffsets: [2, 3], newestOffset: 2, maxDaysPerJob: 10 },
      }),
      testManifest({ id: 'claude_enterprise', displayName: 'Claude Enterprise Analytics' }),
    ]),
    seatProviders: ['github_copilot', 'claude_enterprise'],
    clock: fixedClock('2026-06-15T08:00:00Z'),
  };
  const sync = async (integration: Integration, days: Record<string, Use[]>) => {
    for (const [date, uses] of Object.entries(days)) await storeDay(usage, integration, date, uses);
    await refreshAfterSync(
      { attribution, roster, usage, manifests: manifestCatalog, log: memoryLog() },
      integration,
      Object.keys(days),
    );
  };
  await sync(claude, {
    // Before the period: never counted.
    '2026-06-01': [byEmail('jane@corp.com', 100)],
    '2026-06-09': [byEmail('alice@corp.com', 1)],
    '2026-06-10': [byEmail('jane@corp.com', 3), byEmail('alice@corp.com', 2), byEmail('stranger@ext.com', 4)],
    '2026-06-11': [],
    '2026-06-12': [byEmail('jane@corp.com', 1), byKey('ci', 5)],
    '2026-06-13': [byEmail('alice@corp.com', 2, [4, 3])],
    '2026-06-14': [byEmail('jane@corp.com', 2, [2, 2]), byEmail('alice@corp.com', 1)],
  });
  await sync(copilot, {
    '2026-06-10': [byLogin(1, 'alice-gh', 6, [10, 2])],
    '2026-06-11': [byLogin(7, 'jdoe', 2)],
  });
  await usage.replaceSeats({
    team_id: 't',
    integration_id: 'int_g',
    provider: 'github_copilot',
    taken_at: '2026-06-15T03:00:00Z',
    seats: [
      {
        developer: { key: 'github:1', kind: 'user', login: 'alice-gh' },
        last_activity_at: '2026-06-10T09:00:00Z',
      },
      {
        developer: { key: 'github:7', kind: 'user', login: 'jdoe' },
        last_activity_at: '2026-06-11T09:00:00Z',
      },
      { developer: { key: 'github:9', kind: 'user', login: 'nobody' }, last_activity_at: null },
    ],
  });
  return { ports, roster };
}

/** Every test but the one that changes the roster only reads: one fixture serves them all. */
let shared: Awaited<ReturnType<typeof setup>>;
beforeAll(async () => {
  shared = await setup();
});

const strangerId = identitySubjectId('', { key: 'email:stranger@ext.com' });
const jdoeId = identitySubjectId('', { key: 'github:7' });
const ciId = identitySubjectId('int_c', { key: 'api_key:ci' });

describe('the developers view, for an admin', () => {
  it('lists every person across tools, idle people, and identities that match nobody', async () => {
    const { ports } = shared;
    const view = await readDevelopers(admin, query(), ports);
    expect(view).toMatchObject({
      team_id: 't',
      period: { start_date: '2026-06-09', end_date: '2026-06-15', days: 7 },
      roster_version: 1,
      group: null,
      visibility: 'everyone',
      total: 6,
      next_cursor: null,
    });
    expect(view.developers.map((row) => [row.id, row.kind, row.interactions, row.active_days])).toEqual([
      // Alice used both tools on 2026-06-10: four days, not five.
      ['alice', 'person', 12, 4],
      ['jane', 'person', 6, 3],
      [ciId, 'identity', 5, 1],
      [strangerId, 'identity', 4, 1],
      [jdoeId, 'identity', 2, 1],
      ['bob', 'person', 0, 0],
    ]);
    const aliceRow = view.developers[0];
    expect(aliceRow?.tools.map((tool) => [tool.name, tool.metrics.interactions, tool.active_days])).toEqual([
      ['Claude Code', 6, 4],
      ['GitHub Copilot', 6, 1],
    ]);
    expect(aliceRow?.identities.map((identity) => [identity.key, identity.matched_by])).toEqual([
      ['email:alice@corp.com', 'email'],
      ['github:1', 'github_login'],
    ]);
  });

  it('gives each person’s acceptance per tool, and no rate across their tools', async () => {
    const { ports } = shared;
    const { developers } = await readDevelopers(admin, query(), ports);
    const rates = (id: string) => {
      const row = developers.find((developer) => developer.id === id);
      return [row?.acceptance_rate, row?.tools.map((tool) => [tool.provider, tool.acceptance_rate])];
    };
    // Alice: 3 of 4 Claude Code edits, 2 of 10 Copilot completions — not 5 of 14 of anything.
    expect(rates('alice')).toEqual([
      null,
      [
        ['claude_code', 0.75],
        ['github_copilot', 0.2],
      ],
    ]);
    expect(rates('jane')).toEqual([null, [['claude_code', 1]]]);
    expect(rates(jdoeId)).toEqual([null, [['github_copilot', null]]]);
    expect(rates('bob')).toEqual([null, []]);
    // A person's page and "me" give the same row.
    const [page, me] = [await readPerson(admin, 'alice', 7, ports), await readMe(alice, 7, ports)];
    for (const detail of [page, me]) {
      expect(detail.developer.acceptance_rate).toBeNull();
      expect(detail.developer.tools.map((tool) => tool.acceptance_rate)).toEqual([0.75, 0.2]);
    }
  });

  it('orders by one tool’s acceptance, people without it last, and refuses a rate across tools', async () => {
    const { ports } = shared;
    const order = async (tool: string, direction: 'asc' | 'desc') =>
      (
        await readDevelopers(admin, query({ sort: 'acceptance_rate', tool, order: direction }), ports)
      ).developers.map((row) => row.id);
    expect(await order('claude_code', 'desc')).toEqual(['jane', 'alice', 'bob', ciId, jdoeId, strangerId]);
    expect(await order('github_copilot', 'desc')).toEqual(['alice', 'bob', ciId, 'jane', jdoeId, strangerId]);
    expect(await order('github_copilot', 'asc')).toEqual(['bob', ciId, 'jane', jdoeId, strangerId, 'alice']);
    for (const refused of [query({ sort: 'acceptance_rate' }), query({ tool: 'claude_code' })]) {
      const error = await failure(readDevelopers(admin, refused, ports));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((issue) => issue.field)).toEqual(['tool']);
    }
  });

  it('suggests owners for identities that match nobody, and nothing for people', async () => {
    const { ports } = shared;
    const { developers } = await readDevelopers(admin, query(), ports);
    const suggestions = new Map(developers.map((row) => [row.id, row.suggestions]));
    expect(suggestions.get(jdoeId)).toEqual([
      {
        person_id: 'jane',
        display_name: 'Jane Doe',
        reason: 'the login looks like the name "Jane Doe"',
        change: { github_login: 'jdoe' },
      },
    ]);
    expect(suggestions.get(strangerId)).toEqual([]);
    for (const id of ['alice', 'jane', 'bob']) expect(suggestions.get(id)).toEqual([]);
  });

  it('says per tool how much of the usage the roster explains', async () => {
    const { ports } = shared;
    const { match_rates } = await readDevelopers(admin, query(), ports);
    expect(match_rates).toEqual([
      {
        provider: 'claude_code',
        name: 'Claude Code',
        interactions: 21,
        matched_interactions: 12,
        match_rate: 0.5714,
        identities: 4,
        matched_identities: 2,
      },
      {
        provider: 'github_copilot',
        name: 'GitHub Copilot',
        interactions: 8,
        matched_interactions: 6,
        match_rate: 0.75,
        identities: 2,
        matched_identities: 1,
      },
    ]);
  });

  it('lists every seat, each with the row it belongs to', async () => {
    const { ports } = shared;
    const { seats } = await readDevelopers(admin, query(), ports);
    expect(seats.map((seat) => [seat.developer.login, seat.developer_id, seat.active_in_period])).toEqual([
      ['nobody', identitySubjectId('', { key: 'github:9' }), false],
      ['alice-gh', 'alice', true],
      ['jdoe', jdoeId, true],
    ]);
  });

  it('shows a group’s people only, with their seats and without match rates', async () => {
    const { ports } = shared;
    const view = await readDevelopers(admin, query({ group: 'platform' }), ports);
    expect(view.group).toEqual({ name: 'platform', size: 2 });
    expect(view.developers.map((row) => row.id)).toEqual(['alice', 'jane']);
    expect(view.seats.map((seat) => seat.developer_id)).toEqual(['alice']);
    expect(view.match_rates).toEqual([]);
    // Admins see groups of any size.
    expect(
      (await readDevelopers(admin, query({ group: 'solo' }), ports)).developers.map((row) => row.id),
    ).toEqual(['bob']);
  });

  it('attributes usage through the roster as it reads: a roster change shows at once', async () => {
    const { ports, roster } = await setup();
    const current = await roster.get('t');
    await roster.save({
      ...current,
      version: 2,
      people: current.people.map((person) =>
        person.id === 'jane' ? { ...person, emails: ['jane@corp.com', 'stranger@ext.com'] } : person,
      ),
    });
    const view = await readDevelopers(admin, query(), ports);
    expect(view.roster_version).toBe(2);
    expect(view.developers.find((row) => row.id === 'jane')?.interactions).toBe(10);
    expect(view.developers.map((row) => row.id)).not.toContain(strangerId);
  });
});

describe('the developers view, for a member', () => {
  it('shows the member’s own row only, found by their e-mail, and their own seats', async () => {
    const { ports } = shared;
    const view = await readDevelopers(alice, query(), ports);
    expect(view.visibility).toBe('own_row');
    expect(view.total).toBe(1);
    expect(view.developers.map((row) => [row.id, row.interactions])).toEqual([['alice', 12]]);
    expect(view.seats.map((seat) => seat.developer_id)).toEqual(['alice']);
    expect(view.match_rates).toEqual([]);
  });

  it('shows a member who is not on the roster the usage reported for their e-mail', async () => {
    const { ports } = shared;
    const view = await readDevelopers(stranger, query(), ports);
    expect(view.developers.map((row) => [row.id, row.kind, row.interactions, row.suggestions])).toEqual([
      [strangerId, 'identity', 4, []],
    ]);
    expect(view.seats).toEqual([]);
  });

  it('shows nothing of anyone to a member without a verified e-mail', async () => {
    const { ports } = shared;
    const view = await readDevelopers(memberWith(), query(), ports);
    expect(view.total).toBe(0);
    expect(view.developers).toEqual([]);
    expect(view.seats).toEqual([]);
  });

  it('withholds groups smaller than the minimum group size, and answers 404 for unknown groups', async () => {
    const { ports } = shared;
    expect(await failure(readDevelopers(alice, query({ group: 'solo' }), ports))).toBeInstanceOf(
      GroupTooSmallError,
    );
    expect(await failure(readDevelopers(alice, query({ group: 'nobody' }), ports))).toBeInstanceOf(
      NotFoundError,
    );
    const data = await readDevelopers(alice, query({ group: 'data' }), ports);
    expect(data.developers.map((row) => row.id)).toEqual(['alice']);
  });
});

describe('pages of the developers view', () => {
  it('cover every row exactly once, in the order of one page, for every sort', async () => {
    const { ports } = shared;
    for (const sort of SORT_FIELDS) {
      const tool = sort === 'acceptance_rate' ? 'claude_code' : undefined;
      for (const order of ['asc', 'desc'] as const) {
        const all = (await readDevelopers(admin, query({ sort, order, tool }), ports)).developers.map(
          (row) => row.id,
        );
        expect(all).toHaveLength(6);
        const paged: string[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < 10; page++) {
          const view = await readDevelopers(admin, query({ sort, order, tool, limit: 4, cursor }), ports);
          expect(view.total).toBe(6);
          paged.push(...view.developers.map((row) => row.id));
          if (view.next_cursor === null) break;
          cursor = view.next_cursor;
        }
        expect([sort, order, paged]).toEqual([sort, order, all]);
      }
    }
  });

  it('refuse a cursor of another query, or one that is not a cursor', async () => {
    const { ports } = shared;
    const first = await readDevelopers(admin, query({ limit: 2 }), ports);
    expect(first.next_cursor).not.toBeNull();
    const cursor = first.next_cursor as string;
    for (const other of [
      query({ limit: 2, cursor, sort: 'name' }),
      query({ limit: 2, cursor, order: 'asc' }),
      query({ limit: 2, cursor, days: 30 }),
      query({ limit: 2, cursor, group: 'platform' }),
      query({ limit: 2, cursor: 'not-a-cursor' }),
      query({
        limit: 2,
        cursor: Buffer.from(JSON.stringify([-2, '7||interactions|desc'])).toString('base64url'),
      }),
    ]) {
      const error = await failure(readDevelopers(admin, other, ports));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((issue) => issue.field)).toEqual(['cursor']);
    }
    // The same query with a larger page still accepts it.
    expect((await readDevelopers(admin, query({ limit: 3, cursor }), ports)).developers).toHaveLength(3);
    // A cursor of rows ordered by one tool's acceptance is not one of another tool's.
    const byTool = (tool: string, cursor?: string) =>
      query({ limit: 2, sort: 'acceptance_rate', tool, ...(cursor ? { cursor } : {}) });
    const ordered = await readDevelopers(admin, byTool('claude_code'), ports);
    const next = ordered.next_cursor as string;
    expect(await failure(readDevelopers(admin, byTool('github_copilot', next), ports))).toBeInstanceOf(
      ValidationError,
    );
    expect((await readDevelopers(admin, byTool('claude_code', next), ports)).developers).toHaveLength(2);
  });
});

describe('the seats view', () => {
  /** A Claude Enterprise organisation that assigned 5 seats; its roll-up lists two of their holders. */
  async function withEnterprise() {
    const { ports } = await setup();
    await ports.usage.replaceSeats({
      team_id: 't',
      integration_id: 'int_e',
      provider: 'claude_enterprise',
      taken_at: '2026-06-15T06:00:00Z',
      seats: [
        {
          developer: { key: 'email:alice@corp.com', kind: 'user', email: 'alice@corp.com' },
          last_activity_at: '2026-06-13T00:00:00.000Z',
          activity_known_since: '2026-05-15',
        },
        {
          developer: { key: 'email:bob@corp.com', kind: 'user', email: 'bob@corp.com' },
          last_activity_at: null,
          activity_known_since: '2026-05-15',
        },
      ],
      organisation: { as_of: '2026-06-13', assigned_seats: 5, pending_invites: 1 },
    });
    return ports;
  }

  it('counts the seats held as the dashboard does: the organisation’s count where it reports one', async () => {
    const ports = await withEnterprise();
    const view = await readSeats(admin, 7, ports);
    const snapshots = await ports.usage.getSeats('t');
    const dashboard = (provider: string) =>
      seatSummary(
        snapshots.filter((snapshot) => snapshot.provider === provider),
        view.period.start_date,
      );
    expect(view.tools).toEqual([
      {
        provider: 'claude_enterprise',
        name: 'Claude Enterprise Analytics',
        assigned: 5,
        assigned_from: 'organisation',
        listed: 2,
        active_in_period: 1,
        // Bob's seat, idle since the roll-up's window began, and the three seats it names nobody for.
        idle_14: 4,
        idle_30: 4,
        idle_60: 4,
        never_active: 0,
        cycle_spend_cents: null,
      },
      {
        provider: 'github_copilot',
        name: 'GitHub Copilot',
        assigned: 3,
        assigned_from: 'listed',
        listed: 3,
        active_in_period: 2,
        idle_14: 1,
        idle_30: 1,
        idle_60: 1,
        never_active: 1,
        cycle_spend_cents: null,
      },
    ]);
    for (const tool of view.tools) {
      expect(tool).toMatchObject({
        assigned: dashboard(tool.provider)?.assigned,
        assigned_from: dashboard(tool.provider)?.assigned_from,
        active_in_period: dashboard(tool.provider)?.active_in_period,
        never_active: dashboard(tool.provider)?.never_active,
      });
    }
    expect(view.seats.filter((seat) => seat.provider === 'claude_enterprise')).toHaveLength(2);
  });

  it('gives a member their own seats, counted as listed: the organisation’s counts are not theirs', async () => {
    const ports = await withEnterprise();
    const view = await readSeats(alice, 7, ports);
    expect(view.visibility).toBe('own_row');
    expect(view.seats.map((seat) => [seat.provider, seat.developer_id])).toEqual([
      ['github_copilot', 'alice'],
      ['claude_enterprise', 'alice'],
    ]);
    expect(
      view.tools.map((tool) => [tool.provider, tool.assigned, tool.assigned_from, tool.idle_14]),
    ).toEqual([
      ['claude_enterprise', 1, 'listed', 0],
      ['github_copilot', 1, 'listed', 0],
    ]);
    // A member who holds no seat sees no tool, not the tools' seats.
    const none = await readSeats(stranger, 7, ports);
    expect([none.tools, none.seats]).toEqual([[], []]);
  });

  it('names every provider that reports licences, connected or not', async () => {
    const { ports } = shared;
    const view = await readSeats(admin, 7, {
      ...ports,
      seatProviders: ['github_copilot', 'claude_enterprise', 'gone'],
    });
    expect(view.seat_providers).toEqual([
      { provider: 'github_copilot', name: 'GitHub Copilot' },
      { provider: 'claude_enterprise', name: 'Claude Enterprise Analytics' },
      // A provider no longer offered shows as its id.
      { provider: 'gone', name: 'gone' },
    ]);
    expect(view.tools.map((tool) => tool.provider)).toEqual(['github_copilot']);
  });
});

describe('one person’s figures', () => {
  it('draws the person’s interactions per day across their tools, with what is known of each day', async () => {
    const { ports } = shared;
    const detail = await readPerson(admin, 'alice', 7, ports);
    expect(detail.developer).toMatchObject({ id: 'alice', interactions: 12 });
    expect(detail.heatmap_data).toEqual([
      { date: '2026-06-09', count: 1, state: 'ok' },
      { date: '2026-06-10', count: 8, state: 'ok' },
      { date: '2026-06-11', count: 0, state: 'no_activity' },
      { date: '2026-06-12', count: 0, state: 'no_activity' },
      { date: '2026-06-13', count: 2, state: 'ok' },
      // Copilot has not published the day yet: Claude Code's figures alone.
      { date: '2026-06-14', count: 1, state: 'partial' },
      { date: '2026-06-15', count: 0, state: 'pending' },
    ]);
  });

  it('judges the days by the tools the person uses only', async () => {
    const { ports } = shared;
    const detail = await readPerson(admin, 'jane', 7, ports);
    expect(detail.heatmap_data.map((day) => [day.count, day.state])).toEqual([
      [0, 'no_activity'],
      [3, 'ok'],
      [0, 'no_activity'],
      [1, 'ok'],
      [0, 'no_activity'],
      [2, 'ok'],
      [0, 'pending'],
    ]);
  });

  it('shows an admin an identity that matches nobody, and answers 404 for one without usage', async () => {
    const { ports } = shared;
    expect((await readPerson(admin, jdoeId, 7, ports)).developer).toMatchObject({
      kind: 'identity',
      interactions: 2,
    });
    expect(
      await failure(readPerson(admin, identitySubjectId('', { key: 'email:x@y.z' }), 7, ports)),
    ).toBeInstanceOf(NotFoundError);
  });

  it('shows an idle roster person a row of zeros', async () => {
    const { ports } = shared;
    const detail = await readPerson(admin, 'bob', 7, ports);
    expect(detail.developer.interactions).toBe(0);
    expect(detail.heatmap_data.every((day) => day.count === 0)).toBe(true);
  });

  it('is the member’s own only: another person’s figures are refused', async () => {
    const { ports } = shared;
    expect((await readPerson(alice, 'alice', 7, ports)).developer.id).toBe('alice');
    expect(await failure(readPerson(alice, 'jane', 7, ports))).toBeInstanceOf(ForbiddenError);
    expect(await failure(readPerson(alice, strangerId, 7, ports))).toBeInstanceOf(ForbiddenError);
    expect(await failure(readPerson(memberWith(), 'alice', 7, ports))).toBeInstanceOf(ForbiddenError);
  });
});

describe('the caller’s own figures', () => {
  it('are the roster person with the caller’s e-mail', async () => {
    const { ports } = shared;
    const me = await readMe(alice, 7, ports);
    expect(me.developer).toMatchObject({ id: 'alice', interactions: 12 });
    expect(me.heatmap_data.map((day) => day.count)).toEqual([1, 8, 0, 0, 2, 1, 0]);
  });

  it('are the usage reported for the e-mail of someone not on the roster', async () => {
    const { ports } = shared;
    expect((await readMe(stranger, 7, ports)).developer).toMatchObject({ id: strangerId, interactions: 4 });
  });

  it('cannot be found without a verified e-mail, nor for an e-mail that matches nothing', async () => {
    const { ports } = shared;
    const noEmail = await failure(readMe(memberWith(), 7, ports));
    expect(noEmail).toBeInstanceOf(NotFoundError);
    expect(noEmail.message).toMatch(/no verified e-mail/);
    const unknown = await failure(readMe(memberWith('walter@corp.com'), 7, ports));
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect(unknown.message).toMatch(/matches nobody on the team's roster/);
  });
});
