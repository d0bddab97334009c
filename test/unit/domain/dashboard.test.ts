import { buildDashboard, heatmapState } from '../../../functions/domain/dashboard';
import { emptyBreakdowns, zeroMetrics } from '../../../functions/domain/metrics';
import type { DailyRollup, DayState, LedgerEntry } from '../../../functions/domain/model';

const ledger = (
  date: string,
  state: DayState,
  integration = 'int_a',
  provider = 'claude_code',
): LedgerEntry => ({
  team_id: 't',
  integration_id: integration,
  provider,
  date,
  state,
  attempts: 1,
  sync_id: 's',
  updated_at: '',
  developers: 0,
  interactions: 0,
});

const rollup = (
  date: string,
  interactions: number,
  provider = 'claude_code',
  integration = 'int_a',
): DailyRollup => {
  const metrics = {
    ...zeroMetrics(),
    interactions,
    suggestions_shown: interactions,
    suggestions_accepted: Math.floor(interactions / 2),
  };
  const breakdowns = emptyBreakdowns();
  breakdowns.editors.vscode = { interactions };
  return {
    team_id: 't',
    integration_id: integration,
    provider,
    date,
    active_developers: interactions > 0 ? 1 : 0,
    developers: 1,
    metrics,
    breakdowns,
  };
};

/** Rollups as the dashboard reads them: each day's sums, and the breakdowns of the days from `from` on. */
const split = (rollups: DailyRollup[], from = '0000-01-01') => ({
  totals: rollups,
  breakdowns: rollups.filter((day) => day.date >= from).map((day) => day.breakdowns),
});

const names = (provider: string) =>
  ({ claude_code: 'Claude Code', github_copilot: 'GitHub Copilot' })[provider] ?? provider;

describe('heatmap state of a day', () => {
  it.each<[DayState[], number, string]>([
    [[], 0, 'not_fetched'],
    [['ok'], 5, 'ok'],
    [['no_activity'], 0, 'no_activity'],
    [['ok', 'pending'], 5, 'partial'],
    [['failed', 'pending'], 0, 'failed'],
    [['pending'], 0, 'pending'],
    [['not_available'], 0, 'not_available'],
  ])('%j with count %d → %s', (states, count, expected) => {
    expect(
      heatmapState(
        states.map((state, i) => ledger('2026-01-01', state, `int_${i}`)),
        count,
      ),
    ).toBe(expected);
  });
});

describe('dashboard', () => {
  const today = '2026-01-10';
  it('has exactly N consecutive days ending today, zero only where fetched with no activity', () => {
    const dashboard = buildDashboard({
      today,
      days: 5,
      ...split([rollup('2026-01-07', 4), rollup('2026-01-08', 0)]),
      ledger: [
        ledger('2026-01-07', 'ok'),
        ledger('2026-01-08', 'no_activity'),
        ledger('2026-01-09', 'failed'),
        ledger('2026-01-10', 'pending'),
      ],
      toolName: names,
    });
    expect(dashboard.heatmap_data).toEqual([
      { date: '2026-01-06', count: 0, state: 'not_fetched' },
      { date: '2026-01-07', count: 4, state: 'ok' },
      { date: '2026-01-08', count: 0, state: 'no_activity' },
      { date: '2026-01-09', count: 0, state: 'failed' },
      { date: '2026-01-10', count: 0, state: 'pending' },
    ]);
    expect(dashboard.period).toEqual({ start_date: '2026-01-06', end_date: today, days: 5 });
    expect(dashboard.sync).toEqual({ days_fetched: 2, days_pending: 1, days_failed: 1, days_not_fetched: 1 });
  });

  it('totals across tools, picks the top tool and ignores data outside the period', () => {
    const dashboard = buildDashboard({
      today,
      days: 3,
      ...split(
        [
          rollup('2026-01-08', 10),
          rollup('2026-01-09', 30, 'github_copilot', 'int_b'),
          rollup('2026-01-10', 5),
          rollup('2026-01-01', 1000),
        ],
        '2026-01-08',
      ),
      ledger: [
        ledger('2026-01-08', 'ok'),
        ledger('2026-01-09', 'ok', 'int_b', 'github_copilot'),
        ledger('2026-01-10', 'ok'),
      ],
      toolName: names,
    });
    expect(dashboard.total_interactions).toBe(45);
    expect(dashboard.active_days).toBe(3);
    expect(dashboard.top_tool).toEqual({ provider: 'github_copilot', name: 'GitHub Copilot', requests: 30 });
    expect(dashboard.tools.map((tool) => [tool.provider, tool.interactions, tool.active_days])).toEqual([
      ['github_copilot', 30, 1],
      ['claude_code', 15, 2],
    ]);
    expect(dashboard.tools[1]?.acceptance_rate).toBeCloseTo(7 / 15, 4);
    expect(dashboard.breakdowns.editors).toEqual([{ name: 'vscode', interactions: 45 }]);
    expect(dashboard.acceptance_trend.map((d) => d.date)).toEqual(['2026-01-08', '2026-01-09', '2026-01-10']);
  });

  it('sums active time per tool from the sources that report it, and reads older sums without it as 0', () => {
    const withActive = (day: DailyRollup, seconds: number): DailyRollup => ({
      ...day,
      metrics: { ...day.metrics, active_seconds: seconds },
    });
    // A group's rollup stored before the vocabulary had active_seconds lacks the key altogether.
    const { active_seconds: _, ...older } = rollup('2026-01-08', 4, 'claude_enterprise', 'int_e').metrics;
    const dashboard = buildDashboard({
      today,
      days: 3,
      ...split([
        withActive(rollup('2026-01-09', 3, 'claude_code', 'int_telemetry'), 930),
        withActive(rollup('2026-01-10', 2, 'claude_code', 'int_telemetry'), 70),
        {
          ...rollup('2026-01-08', 4, 'claude_enterprise', 'int_e'),
          metrics: older as DailyRollup['metrics'],
        },
        rollup('2026-01-09', 30, 'github_copilot', 'int_b'),
      ]),
      ledger: [],
      toolName: names,
      toolOf: (provider) => (provider === 'claude_enterprise' ? 'claude_code' : provider),
    });
    expect(dashboard.tools.map((tool) => [tool.provider, tool.interactions, tool.active_seconds])).toEqual([
      ['github_copilot', 30, 0],
      ['claude_code', 9, 1000],
    ]);
  });

  it('has no top tool when nothing happened', () => {
    const dashboard = buildDashboard({
      today,
      days: 1,
      totals: [],
      breakdowns: [],
      ledger: [],
      toolName: names,
    });
    expect(dashboard.top_tool).toBeNull();
    expect(dashboard.total_interactions).toBe(0);
    expect(dashboard.heatmap_data).toHaveLength(1);
  });
});
