import { capBreakdowns, summarizeDay, OTHER } from '../../../functions/domain/rollup';
import { emptyBreakdowns, zeroMetrics, type DeveloperDayUsage } from '../../../functions/domain/metrics';

function row(key: string, interactions: number, active = true, model = 'm1'): DeveloperDayUsage {
  const metrics = { ...zeroMetrics(), interactions, sessions: interactions, cost_cents: interactions * 2 };
  const breakdowns = emptyBreakdowns();
  breakdowns.models[model] = { interactions, cost_cents: interactions * 2 };
  return { date: '2026-01-01', developer: { key, kind: 'user' }, active, metrics, breakdowns, extras: {} };
}

describe('daily rollup', () => {
  it('sums every figure and merges breakdowns', () => {
    const summary = summarizeDay([row('a', 3), row('b', 4, true, 'm2'), row('c', 0, false)]);
    expect(summary.metrics.interactions).toBe(7);
    expect(summary.metrics.cost_cents).toBe(14);
    expect(summary.active_developers).toBe(2);
    expect(summary.developers).toBe(3);
    expect(summary.breakdowns.models).toEqual({
      m1: { interactions: 3, cost_cents: 6 },
      m2: { interactions: 4, cost_cents: 8 },
    });
  });

  it('bounds breakdowns by folding the smallest entries into "other" without losing totals', () => {
    const breakdowns = emptyBreakdowns();
    for (let i = 1; i <= 60; i++) breakdowns.languages[`lang${i}`] = { interactions: i };
    const capped = capBreakdowns(breakdowns, 10);
    const names = Object.keys(capped.languages);
    expect(names).toHaveLength(10);
    expect(names).toContain(OTHER);
    expect(names).toContain('lang60');
    expect(names).not.toContain('lang1');
    const total = Object.values(capped.languages).reduce(
      (sum, figures) => sum + (figures.interactions ?? 0),
      0,
    );
    expect(total).toBe((60 * 61) / 2);
  });
});
