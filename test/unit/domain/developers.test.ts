import { buildDeveloperUsage } from '../../../functions/domain/developers';
import { emptyBreakdowns, zeroMetrics } from '../../../functions/domain/metrics';
import type { StoredDeveloperDay } from '../../../functions/domain/model';

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

describe('developers across tools', () => {
  it('collects each developer’s teams over the period', () => {
    const [dana] = buildDeveloperUsage(
      [row('dana', '2026-07-01', ['web']), row('dana', '2026-07-02', ['platform', 'web'])],
      () => 'GitHub Copilot',
    );
    expect(dana?.teams).toEqual(['platform', 'web']);
    expect(dana?.active_days).toBe(2);
  });
});
