import { dayLabel, h, s } from './dom';

/**
 * A small SVG line chart of a few series over the same points (no library: a few lines of SVG keep the page
 * light). Each series has a colour from a palette safe for colour-blind readers and a marker of its own, and a
 * gap (null) breaks its line rather than dropping it to zero. A table of the same figures follows.
 */
export interface ChartSeries {
  name: string;
  values: (number | null)[];
}

/** Okabe–Ito colours; app.css has the same as .c0–.c6 for the legend (the CSP allows no inline styles). */
const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#000000'];
const WIDTH = 640;
const HEIGHT = 200;
const PAD = { left: 56, right: 12, top: 10, bottom: 26 };

export function lineChart(options: {
  title: string;
  labels: string[];
  series: ChartSeries[];
  format: (value: number) => string;
  max?: number;
}): HTMLElement {
  const { labels, series } = options;
  const all = series.flatMap((line) => line.values.filter((value): value is number => value !== null));
  const max = options.max ?? Math.max(1, ...all);
  const x = (index: number) =>
    PAD.left + (labels.length <= 1 ? 0 : (index / (labels.length - 1)) * (WIDTH - PAD.left - PAD.right));
  const y = (value: number) => PAD.top + (1 - value / max) * (HEIGHT - PAD.top - PAD.bottom);
  const ticks = [0, max / 2, max];
  const svg = s(
    'svg',
    {
      class: 'chart',
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      role: 'img',
      'aria-label': `${options.title}; see the table below`,
    },
    ticks.map((tick) => [
      s('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(tick), y2: y(tick), class: 'grid' }),
      s(
        'text',
        { x: PAD.left - 6, y: y(tick) + 4, 'text-anchor': 'end', class: 'axis' },
        options.format(tick),
      ),
    ]),
    labels.length > 0 && [
      s('text', { x: x(0), y: HEIGHT - 6, class: 'axis' }, dayLabel(labels[0] as string)),
      s(
        'text',
        { x: x(labels.length - 1), y: HEIGHT - 6, 'text-anchor': 'end', class: 'axis' },
        dayLabel(labels.at(-1) as string),
      ),
    ],
    series.map((line, index) => {
      const colour = PALETTE[index % PALETTE.length] as string;
      const segments: string[] = [];
      let current = '';
      line.values.forEach((value, point) => {
        if (value === null) {
          if (current) segments.push(current);
          current = '';
        } else current += `${current ? 'L' : 'M'}${x(point).toFixed(1)},${y(value).toFixed(1)}`;
      });
      if (current) segments.push(current);
      return s(
        'g',
        { class: 'series', 'data-series': line.name },
        segments.map((d) =>
          s('path', {
            d,
            fill: 'none',
            stroke: colour,
            'stroke-width': 2,
            'stroke-dasharray': index % 2 ? '5 3' : null,
          }),
        ),
        line.values.map((value, point) =>
          value === null
            ? null
            : s(
                'circle',
                { cx: x(point), cy: y(value), r: 2.5, fill: colour },
                s('title', {}, `${line.name}, ${labels[point]}: ${options.format(value)}`),
              ),
        ),
      );
    }),
  );
  const legend = h(
    'ul',
    { class: 'legend' },
    series.map((line, index) =>
      h(
        'li',
        {},
        h('span', { class: `swatch line c${index % PALETTE.length}${index % 2 ? ' dashed' : ''}` }),
        line.name,
      ),
    ),
  );
  const table = h(
    'details',
    { class: 'as-table' },
    h('summary', {}, 'As a table'),
    h(
      'table',
      {},
      h('caption', {}, options.title),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'From'),
          series.map((line) => h('th', { scope: 'col' }, line.name)),
        ),
      ),
      h(
        'tbody',
        {},
        labels.map((label, point) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, label),
            series.map((line) =>
              h('td', {}, line.values[point] === null ? '–' : options.format(line.values[point] as number)),
            ),
          ),
        ),
      ),
    ),
  );
  return h(
    'figure',
    { class: 'chart-figure' },
    h('figcaption', {}, options.title),
    series.length ? svg : h('p', {}, 'No tool reports this yet.'),
    legend,
    table,
  );
}
