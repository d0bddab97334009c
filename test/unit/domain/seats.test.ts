import type { SeatSnapshot } from '../../../functions/domain/model';
import { seatSummary, seatViews, unreportedTeams } from '../../../functions/domain/seats';
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
      active_in_period: 2,
      inactive_in_period: 2,
      never_active: 1,
      cycle_spend_cents: null,
      utilisation: 0.5,
      taken_at: '2026-01-10T00:00:00Z',
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
