import { dayLabel, h, number, s } from './dom';
import type { HeatmapDay } from './types';

/**
 * The calendar heatmap: one cell per day, weeks as columns (Monday on top). Known days are shaded by their
 * count on a blue scale (safe for colour-blind readers); days without data are drawn as hatched or outlined
 * cells with their reason, never as a pale "quiet" cell. A table of the same days follows for screen readers.
 */
export const STATE_LABELS: Record<HeatmapDay['state'], string> = {
  ok: 'Activity',
  no_activity: 'No activity',
  partial: 'Partly fetched',
  pending: 'Waiting for the provider',
  failed: 'Fetching failed',
  not_available: 'Not served by the provider',
  not_fetched: 'Not fetched',
};

const CELL = 14;
const GAP = 3;
const SHADES = ['#deebf7', '#9ecae1', '#4292c6', '#08519c'];

function shade(count: number, max: number): string {
  if (count <= 0 || max <= 0) return '#f7fbff';
  const step = Math.min(SHADES.length - 1, Math.floor((count / max) * SHADES.length));
  return SHADES[step] as string;
}

export function heatmap(days: readonly HeatmapDay[], caption: string): HTMLElement {
  const max = Math.max(0, ...days.map((day) => day.count));
  const first = days[0] ? (new Date(`${days[0].date}T00:00:00Z`).getUTCDay() + 6) % 7 : 0;
  const weeks = Math.ceil((first + days.length) / 7);
  const svg = s(
    'svg',
    {
      class: 'heatmap',
      width: weeks * (CELL + GAP),
      height: 7 * (CELL + GAP),
      role: 'img',
      'aria-label': `${caption}: ${days.length} days, see the table below`,
    },
    s(
      'defs',
      {},
      s(
        'pattern',
        { id: 'hatch', width: 4, height: 4, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
        s('rect', { width: 4, height: 4, fill: '#ffffff' }),
        s('line', { x1: 0, y1: 0, x2: 0, y2: 4, stroke: '#b15928', 'stroke-width': 2 }),
      ),
    ),
    days.map((day, index) => {
      const position = first + index;
      const x = Math.floor(position / 7) * (CELL + GAP);
      const y = (position % 7) * (CELL + GAP);
      const known = day.state === 'ok' || day.state === 'no_activity' || day.state === 'partial';
      const fill = known ? shade(day.count, max) : day.state === 'failed' ? 'url(#hatch)' : '#ffffff';
      return s(
        'rect',
        {
          x,
          y,
          width: CELL,
          height: CELL,
          rx: 2,
          fill,
          stroke: known ? (day.state === 'partial' ? '#6a3d9a' : '#c6dbef') : '#737373',
          'stroke-width': day.state === 'partial' ? 2 : 1,
          'stroke-dasharray': day.state === 'pending' || day.state === 'not_fetched' ? '3 2' : null,
          'data-date': day.date,
          'data-state': day.state,
          'data-count': day.count,
          class: `cell ${day.state}`,
        },
        s(
          'title',
          {},
          `${dayLabel(day.date)}: ${known ? `${number(day.count)} interactions` : ''} ${STATE_LABELS[day.state]}`,
        ),
      );
    }),
  );
  const legend = h(
    'ul',
    { class: 'legend', 'aria-label': 'Legend' },
    h(
      'li',
      {},
      SHADES.map((_, index) => h('span', { class: `swatch shade-${index}` })),
      ' fewer → more interactions',
    ),
    h('li', {}, h('span', { class: 'swatch quiet' }), STATE_LABELS.no_activity),
    h('li', {}, h('span', { class: 'swatch partial' }), `${STATE_LABELS.partial} (counts what is known)`),
    h(
      'li',
      {},
      h('span', { class: 'swatch pending' }),
      `${STATE_LABELS.pending} / ${STATE_LABELS.not_fetched}`,
    ),
    h('li', {}, h('span', { class: 'swatch failed' }), STATE_LABELS.failed),
    h('li', {}, h('span', { class: 'swatch unavailable' }), STATE_LABELS.not_available),
  );
  const table = h(
    'details',
    { class: 'as-table' },
    h('summary', {}, 'The same days as a table'),
    h(
      'table',
      { class: 'heatmap-table' },
      h('caption', {}, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Day'),
          h('th', { scope: 'col' }, 'Interactions'),
          h('th', { scope: 'col' }, 'State'),
        ),
      ),
      h(
        'tbody',
        {},
        days.map((day) =>
          h(
            'tr',
            { 'data-state': day.state },
            h('th', { scope: 'row' }, day.date),
            h('td', {}, number(day.count)),
            h('td', {}, STATE_LABELS[day.state]),
          ),
        ),
      ),
    ),
  );
  return h('figure', { class: 'heatmap-figure' }, h('figcaption', {}, caption), svg, legend, table);
}
