import { buildDeveloperUsage, seatViews, unreportedTeams } from '../../../functions/domain/developers';
import { emptyBreakdowns, zeroMetrics } from '../../../functions/domain/metrics';
import type { StoredDeveloperDay } from '../../../functions/domain/model';
import type { SeatSnapshot } from '../../../functions/domain/ports';

const row = (login: string, date: string, teams?: string[]): StoredDeveloperDay => ({
  team_id: 't',
  integration_id: 'int_1',
  provider: 'github_copilot',
  date,
  developer: { key: `github:${login}`, kind: 'user', login },
  active: true,
  metrics: { ...zeroMetrics(), interactions: 10 },
  breakdowns: emptyBreakdowns(),
  extras: {},
  ...(teams ? { teams } : {}),
});

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

describe('developers across tools', () => {
  it('collects each developer’s teams over the period', () => {
    const [dana] = buildDeveloperUsage(
      [row('dana', '2026-07-01', ['web']), row('dana', '2026-07-02', ['platform', 'web'])],
      () => 'GitHub Copilot',
    );
    expect(dana?.teams).toEqual(['platform', 'web']);
    expect(dana?.active_days).toBe(2);
  });

  it('names teams with seats that no usage row reports, with their seat count', () => {
    const rows = [row('a', '2026-07-01', ['platform']), row('b', '2026-07-01')];
    const teams = unreportedTeams(rows, [snapshot(['platform', 'data', 'data', null])]);
    expect(teams).toEqual([
      {
        provider: 'github_copilot',
        team: 'data',
        seats: 2,
        reason: expect.stringMatching(/fewer than five/),
      },
    ]);
    expect(unreportedTeams(rows, [])).toEqual([]);
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
    const views = seatViews([seats], '2026-07-01');
    expect(views.map((view) => [view.developer.key, view.active_in_period])).toEqual([
      ['github:idle', false],
      ['github:a', true],
    ]);
    expect(views[1]).toMatchObject({ last_activity_editor: 'vscode/1.109.0', assigning_team: null });
  });
});
