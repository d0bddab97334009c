import type { HeatmapDay, HeatmapState } from '../../../functions/domain/dashboard';
import { buildSeries, combinedState, weekStart, type DayFigures } from '../../../functions/domain/series';

/** The dashboard's series by day and by week. */
const day = (date: string, count: number, state: HeatmapState): HeatmapDay => ({ date, count, state });
const tools = (entries: Record<string, [number, number, number, number]>): DayFigures['tools'] =>
  new Map(
    Object.entries(entries).map(([provider, [interactions, active, shown, accepted]]) => [
      provider,
      { interactions, active_developers: active, suggestions_shown: shown, suggestions_accepted: accepted },
    ]),
  );

describe('weeks', () => {
  it('start on Monday (ISO weeks)', () => {
    expect(weekStart('2026-06-15')).toBe('2026-06-15'); // a Monday
    expect(weekStart('2026-06-21')).toBe('2026-06-15'); // its Sunday
    expect(weekStart('2026-06-22')).toBe('2026-06-22');
    expect(weekStart('2026-01-01')).toBe('2025-12-29'); // across a year
  });

  it.each([
    [['ok', 'no_activity'], 5, 'ok'],
    [['no_activity', 'no_activity'], 0, 'no_activity'],
    [['ok', 'pending'], 5, 'partial'],
    [['partial', 'ok'], 5, 'partial'],
    [['not_fetched', 'failed', 'pending'], 0, 'failed'],
    [['not_fetched', 'pending', 'not_available'], 0, 'pending'],
    [['not_fetched', 'not_available'], 0, 'not_available'],
    [['not_fetched'], 0, 'not_fetched'],
  ] as [HeatmapState[], number, HeatmapState][])(
    'of days %j (count %d) are %s: a gap never reads as a quiet week',
    (states, count, expected) => {
      expect(combinedState(states, count)).toBe(expected);
    },
  );
});

describe('the series', () => {
  // Thursday 2026-06-11 to Tuesday 2026-06-16: the first week is cut to four days, the last to two.
  const heatmap = [
    day('2026-06-11', 10, 'ok'),
    day('2026-06-12', 0, 'no_activity'),
    day('2026-06-13', 4, 'partial'),
    day('2026-06-14', 0, 'not_fetched'),
    day('2026-06-15', 7, 'ok'),
    day('2026-06-16', 0, 'pending'),
  ];
  const figures = new Map<string, DayFigures>([
    ['2026-06-11', { active_developers: 3, tools: tools({ a: [6, 2, 10, 4], b: [4, 2, 0, 0] }) }],
    ['2026-06-13', { active_developers: 1, tools: tools({ a: [4, 1, 5, 5] }) }],
    ['2026-06-15', { active_developers: 2, tools: tools({ b: [7, 2, 8, 2] }) }],
  ]);

  // Tool a was fetched every day; tool b not from 06-12 to 06-14.
  const toolState = (date: string, provider: string, interactions: number): HeatmapState =>
    provider === 'b' && date >= '2026-06-12' && date <= '2026-06-14'
      ? 'not_fetched'
      : interactions > 0
        ? 'ok'
        : 'no_activity';

  it('by day: a point a day, its state and count the heatmap’s, acceptance per tool only', () => {
    const points = buildSeries({ grain: 'day', heatmap, figures, providers: ['a', 'b'], toolState });
    expect(points).toHaveLength(6);
    expect(points[0]).toEqual({
      start_date: '2026-06-11',
      end_date: '2026-06-11',
      days: 1,
      count: 10,
      state: 'ok',
      active_developers: 3,
      tools: [
        {
          provider: 'a',
          state: 'ok',
          interactions: 6,
          active_developers: 2,
          suggestions_shown: 10,
          suggestions_accepted: 4,
          acceptance_rate: 0.4,
        },
        {
          provider: 'b',
          state: 'ok',
          interactions: 4,
          active_developers: 2,
          suggestions_shown: 0,
          suggestions_accepted: 0,
          acceptance_rate: null,
        },
      ],
    });
    expect(points.map((point) => point.state)).toEqual(heatmap.map((entry) => entry.state));
    expect(Object.keys(points[0] ?? {})).not.toContain('acceptance_rate');
  });

  it('by week: weeks cut to the period, sums of counts and suggestions, people of the busiest day', () => {
    const points = buildSeries({ grain: 'week', heatmap, figures, providers: ['a', 'b'], toolState });
    expect(
      points.map(({ start_date, end_date, days, count, state, active_developers }) => ({
        start_date,
        end_date,
        days,
        count,
        state,
        active_developers,
      })),
    ).toEqual([
      {
        start_date: '2026-06-11',
        end_date: '2026-06-14',
        days: 4,
        count: 14,
        state: 'partial',
        active_developers: 3,
      },
      {
        start_date: '2026-06-15',
        end_date: '2026-06-16',
        days: 2,
        count: 7,
        state: 'partial',
        active_developers: 2,
      },
    ]);
    // Tool b was not fetched on three of the first week's days: its week is partial, not a quiet one.
    expect(points[0]?.tools.map((tool) => tool.state)).toEqual(['ok', 'partial']);
    expect(points[0]?.tools[0]).toEqual({
      provider: 'a',
      state: 'ok',
      interactions: 10,
      active_developers: 2,
      suggestions_shown: 15,
      suggestions_accepted: 9,
      acceptance_rate: 0.6,
    });
    const total = (grain: 'day' | 'week') =>
      buildSeries({ grain, heatmap, figures, providers: ['a', 'b'], toolState }).reduce(
        (sum, point) => sum + point.count,
        0,
      );
    expect(total('week')).toBe(total('day'));
  });
});
