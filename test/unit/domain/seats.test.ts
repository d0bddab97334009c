import type { SeatAssignment, SeatOrganisationCounts, SeatSnapshot } from '../../../functions/domain/model';
import {
  idleDays,
  seatSummary,
  seatToolSummaries,
  seatsOfSome,
  seatViews,
  unreportedTeams,
  type SeatView,
} from '../../../functions/domain/seats';
import { createManifestCatalog, manifestCatalog } from '../../../functions/providers/manifests';

/** What the usage of the period names: `<provider>|<team>`. */
const reported = (...teams: string[]) => new Set(teams.map((team) => `github_copilot|${team}`));

const snapshot = (teams: (string | null)[]): SeatSnapshot => ({
  team_id: 't',
  integration_id: 'int_1',
  provider: 'github_copilot',
  taken_at: '2026-07-10T00:00:00Z',
  seats: teams.map((team, index) => ({
    developer: { key: `github:${index}`, kind: 'user' },
    assigning_team: team,
  })),
});

describe('seats', () => {
  it('names teams with seats that no usage row reports, with their seat count', () => {
    const teams = unreportedTeams(
      reported('platform'),
      [snapshot(['platform', 'data', 'data', null])],
      manifestCatalog,
    );
    expect(teams).toEqual([
      {
        provider: 'github_copilot',
        team: 'data',
        seats: 2,
        reason: expect.stringMatching(/fewer than five/),
      },
    ]);
    expect(unreportedTeams(reported('platform'), [], manifestCatalog)).toEqual([]);
  });

  it('says a provider without its own wording reports no usage for the team, in general words', () => {
    const [team] = unreportedTeams(reported('platform'), [snapshot(['data'])], createManifestCatalog([]));
    expect(team?.reason).toMatch(/^The provider reports no usage for this team/);
  });

  it('lists every seat with whether it was active in the period (its last activity), unused first', () => {
    const seats: SeatSnapshot = {
      ...snapshot([]),
      seats: [
        {
          developer: { key: 'github:a', kind: 'user', login: 'a' },
          last_activity_at: '2026-07-09T10:00:00Z',
          last_activity_editor: 'vscode/1.109.0',
        },
        { developer: { key: 'github:idle', kind: 'user', login: 'idle' }, last_activity_at: null },
      ],
    };
    const views = seatViews([seats], '2026-07-01', (_snapshot, seat) => `row-of-${seat.developer.key}`);
    expect(views.map((view) => [view.developer_id, view.active_in_period])).toEqual([
      ['row-of-github:idle', false],
      ['row-of-github:a', true],
    ]);
    expect(views[1]).toMatchObject({ last_activity_editor: 'vscode/1.109.0', assigning_team: null });
  });
});

describe('seat summary', () => {
  it('counts seats active in the period, idle ones and never-active ones', () => {
    const seat = (last: string | null) => ({
      developer: { key: 'k', kind: 'user' as const },
      last_activity_at: last,
    });
    const summary = seatSummary(
      [
        {
          team_id: 't',
          integration_id: 'i',
          provider: 'github_copilot',
          taken_at: '2026-01-10T00:00:00Z',
          seats: [
            seat('2026-01-09T10:00:00Z'),
            seat('2025-12-01T00:00:00Z'),
            seat(null),
            seat('2026-01-05T00:00:00Z'),
          ],
        },
      ],
      '2026-01-04',
    );
    expect(summary).toEqual({
      assigned: 4,
      assigned_from: 'listed',
      listed: 4,
      active_in_period: 2,
      inactive_in_period: 2,
      never_active: 1,
      cycle_spend_cents: null,
      utilisation: 0.5,
      taken_at: '2026-01-10T00:00:00Z',
      organisation: null,
    });
    expect(seatSummary([], '2026-01-04')).toBeNull();
  });
});

describe('seats whose activity the provider reports only for a window', () => {
  it('counts an idle one as inactive, not never active, and sums exact spend once', () => {
    const summary = seatSummary(
      [
        {
          team_id: 't',
          integration_id: 'i',
          provider: 'cursor',
          taken_at: '2026-01-10T00:00:00Z',
          seats: [
            {
              developer: { key: 'email:a@x', kind: 'user' },
              last_activity_at: null,
              activity_known_since: '2025-12-11',
              cycle_spend_cents: 0.4,
            },
            {
              developer: { key: 'email:b@x', kind: 'user' },
              last_activity_at: '2026-01-09',
              activity_known_since: '2025-12-11',
              cycle_spend_cents: 0.4,
            },
            { developer: { key: 'email:c@x', kind: 'user' }, last_activity_at: null, cycle_spend_cents: 0.3 },
          ],
        },
      ],
      '2026-01-04',
    );
    // 0.4 + 0.4 + 0.3 = 1.1 cents: 1 cent once rounded, where rounding each first would say 0.
    expect(summary).toMatchObject({
      active_in_period: 1,
      never_active: 1,
      inactive_in_period: 2,
      cycle_spend_cents: 1,
    });
  });
});

describe('seats of an organisation that reports its own counts (Claude Enterprise)', () => {
  const listedSeat = (name: string, last: string | null): SeatAssignment => ({
    developer: { key: `email:${name}@x`, kind: 'user', email: `${name}@x` },
    last_activity_at: last,
    plan_type: 'enterprise',
    activity_known_since: '2026-06-14',
  });
  const enterprise = (
    seats: SeatAssignment[],
    organisation?: SeatOrganisationCounts,
    integration = 'int_e',
  ): SeatSnapshot => ({
    team_id: 't',
    integration_id: integration,
    provider: 'claude_enterprise',
    taken_at: '2026-07-14T06:00:00Z',
    seats,
    ...(organisation ? { organisation } : {}),
  });
  const counts: SeatOrganisationCounts = {
    as_of: '2026-07-13',
    assigned_seats: 10,
    pending_invites: 2,
    active_users: { daily: 4, weekly: 6, monthly: 7 },
    tool_active_users: { daily: 3, weekly: 5, monthly: 5 },
  };

  it('holds the organisation’s assigned seats, of which the listed ones active in the period are used', () => {
    const seats = [
      listedSeat('a', '2026-07-12T00:00:00.000Z'),
      listedSeat('b', '2026-07-02T00:00:00.000Z'),
      listedSeat('c', '2026-06-20T00:00:00.000Z'),
      listedSeat('d', null),
    ];
    expect(seatSummary([enterprise(seats, counts)], '2026-07-01')).toEqual({
      assigned: 10,
      assigned_from: 'organisation',
      listed: 4,
      active_in_period: 2,
      // The two idle listed seats and the six seats the listing does not name.
      inactive_in_period: 8,
      never_active: 0,
      utilisation: 0.2,
      cycle_spend_cents: null,
      taken_at: '2026-07-14T06:00:00Z',
      organisation: {
        as_of: '2026-07-13',
        assigned_seats: 10,
        pending_invites: 2,
        active_users: { daily: 4, weekly: 6, monthly: 7 },
        tool_active_users: { daily: 3, weekly: 5, monthly: 5 },
      },
    });
  });

  it('never counts more seats used than held, when the listing names people whose seats went since', () => {
    const seats = ['a', 'b', 'c'].map((name) => listedSeat(name, '2026-07-10T00:00:00.000Z'));
    expect(seatSummary([enterprise(seats, { ...counts, assigned_seats: 2 })], '2026-07-01')).toMatchObject({
      assigned: 2,
      listed: 3,
      active_in_period: 2,
      inactive_in_period: 0,
      utilisation: 1,
    });
  });

  it('counts the listed seats of a snapshot without the organisation’s seat count, and says the sum is mixed', () => {
    const older = enterprise([listedSeat('x', '2026-07-10T00:00:00.000Z')], undefined, 'int_old');
    const withoutSeats = enterprise(
      [listedSeat('y', null)],
      { as_of: '2026-07-12', active_users: { daily: 1 } },
      'int_y',
    );
    expect(seatSummary([enterprise([listedSeat('a', null)], counts), older], '2026-07-01')).toMatchObject({
      assigned: 11,
      assigned_from: 'mixed',
      listed: 2,
      active_in_period: 1,
      // Only one organisation reports counts: they are its own.
      organisation: { as_of: '2026-07-13', assigned_seats: 10 },
    });
    // Two organisations: a count is their sum where both report it, else unknown.
    expect(
      seatSummary([enterprise([listedSeat('a', null)], counts), withoutSeats], '2026-07-01'),
    ).toMatchObject({
      assigned: 11,
      assigned_from: 'mixed',
      organisation: {
        as_of: '2026-07-12',
        assigned_seats: null,
        pending_invites: null,
        active_users: { daily: 5, weekly: null, monthly: null },
        tool_active_users: { daily: null, weekly: null, monthly: null },
      },
    });
  });

  it('reads a snapshot stored before organisation counts existed as it did', () => {
    expect(
      seatSummary([enterprise([listedSeat('a', '2026-07-10T00:00:00.000Z')])], '2026-07-01'),
    ).toMatchObject({
      assigned: 1,
      assigned_from: 'listed',
      listed: 1,
      utilisation: 1,
      organisation: null,
    });
  });

  it('gives a group its members’ listed seats only, without the organisation’s counts', () => {
    const seats = [listedSeat('a', '2026-07-12T00:00:00.000Z'), listedSeat('b', null)];
    const group = seatsOfSome(
      [enterprise(seats, counts)],
      (_snapshot, seat) => seat.developer.email === 'a@x',
    );
    expect(group).toEqual([enterprise([seats[0] as SeatAssignment])]);
    expect(seatSummary(group, '2026-07-01')).toMatchObject({
      assigned: 1,
      assigned_from: 'listed',
      active_in_period: 1,
      organisation: null,
    });
  });
});

describe('the seats view, per provider', () => {
  const seat = (key: string, last: string | null, spend?: number): SeatAssignment => ({
    developer: { key, kind: 'user' },
    last_activity_at: last,
    ...(spend === undefined ? {} : { cycle_spend_cents: spend }),
  });
  const of = (
    provider: string,
    seats: SeatAssignment[],
    organisation?: SeatOrganisationCounts,
    integration = `int_${provider}`,
  ): SeatSnapshot => ({
    team_id: 't',
    integration_id: integration,
    provider,
    taken_at: '2026-06-15T03:00:00Z',
    seats,
    ...(organisation ? { organisation } : {}),
  });

  it('counts idle days to the period’s last day, null when never active', () => {
    const view = (last: string | null) => ({ last_activity_at: last }) as SeatView;
    expect(idleDays(view('2026-06-01T23:59:00Z'), '2026-06-15')).toBe(14);
    expect(idleDays(view('2026-06-15T08:00:00Z'), '2026-06-15')).toBe(0);
    expect(idleDays(view(null), '2026-06-15')).toBeNull();
  });

  it('sums per provider the seats idle 14 / 30 / 60 days (never active in each) and their spend', () => {
    const summaries = seatToolSummaries(
      [
        of('b', [
          seat('b1', '2026-06-14T00:00:00Z', 120),
          seat('b2', '2026-06-01T00:00:00Z', 30),
          seat('b3', '2026-05-01T00:00:00Z'),
          seat('b4', '2026-03-01T00:00:00Z'),
          seat('b5', null),
        ]),
        of('a', [seat('a1', '2026-06-15T00:00:00Z')]),
      ],
      '2026-05-17',
      '2026-06-15',
    );
    expect(summaries).toEqual([
      {
        provider: 'a',
        assigned: 1,
        assigned_from: 'listed',
        listed: 1,
        active_in_period: 1,
        idle_14: 0,
        idle_30: 0,
        idle_60: 0,
        never_active: 0,
        cycle_spend_cents: null,
      },
      {
        provider: 'b',
        assigned: 5,
        assigned_from: 'listed',
        listed: 5,
        active_in_period: 2,
        idle_14: 4,
        idle_30: 3,
        idle_60: 2,
        never_active: 1,
        cycle_spend_cents: 150,
      },
    ]);
  });

  it('holds the organisation’s assigned seats, as the dashboard does, and counts the unnamed ones idle', () => {
    const counts: SeatOrganisationCounts = { as_of: '2026-06-13', assigned_seats: 10 };
    const snapshots = [
      of(
        'claude_enterprise',
        [
          seat('a', '2026-06-12T00:00:00.000Z'),
          seat('b', '2026-06-10T00:00:00.000Z'),
          seat('c', '2026-05-20T00:00:00.000Z'),
          seat('d', null),
        ],
        counts,
      ),
    ];
    const [summary] = seatToolSummaries(snapshots, '2026-05-17', '2026-06-15');
    const dashboard = seatSummary(snapshots, '2026-05-17');
    expect(summary).toEqual({
      provider: 'claude_enterprise',
      // The seats held and used are the dashboard's, by the same rule.
      assigned: dashboard?.assigned,
      assigned_from: 'organisation',
      listed: 4,
      active_in_period: dashboard?.active_in_period,
      // Two listed seats idle 14 days or more (c, and d never active), and the six seats nobody is listed for.
      idle_14: 8,
      idle_30: 7,
      idle_60: 7,
      never_active: 1,
      cycle_spend_cents: null,
    });
    expect(summary).toMatchObject({ assigned: 10, active_in_period: 3 });
  });

  it('never counts more seats idle than held, and a member’s own seats as listed', () => {
    const counts: SeatOrganisationCounts = { as_of: '2026-06-13', assigned_seats: 2 };
    const snapshots = [
      of(
        'claude_enterprise',
        ['a', 'b', 'c'].map((key) => seat(key, null)),
        counts,
      ),
    ];
    expect(seatToolSummaries(snapshots, '2026-05-17', '2026-06-15')).toMatchObject([
      { assigned: 2, listed: 3, idle_14: 2, idle_60: 2, never_active: 2 },
    ]);
    const own = seatsOfSome(snapshots, (_snapshot, held) => held.developer.key === 'a');
    expect(seatToolSummaries(own, '2026-05-17', '2026-06-15')).toMatchObject([
      { assigned: 1, assigned_from: 'listed', listed: 1, idle_14: 1, never_active: 1 },
    ]);
  });

  it('sums several organisations of one provider, each by its own count', () => {
    const snapshots = [
      of('claude_enterprise', [seat('a', '2026-06-12T00:00:00.000Z')], {
        as_of: '2026-06-13',
        assigned_seats: 3,
      }),
      of('claude_enterprise', [seat('b', '2026-06-12T00:00:00.000Z')], undefined, 'int_old'),
    ];
    expect(seatToolSummaries(snapshots, '2026-05-17', '2026-06-15')).toEqual([
      expect.objectContaining({
        assigned: 4,
        assigned_from: 'mixed',
        listed: 2,
        active_in_period: 2,
        idle_14: 2,
      }),
    ]);
  });
});
