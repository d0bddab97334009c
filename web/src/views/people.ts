import { h, money, notice, number, percent } from '../dom';
import { heatmap } from '../heatmap';
import type { Developers, PersonDetail } from '../types';
import { daysOf, withParams, type ViewContext } from '../app-context';
import { periodControls } from './overview';

const COLUMNS = [
  { key: 'name', label: 'Name' },
  { key: 'interactions', label: 'Interactions' },
  { key: 'active_days', label: 'Active days' },
  { key: 'cost_cents', label: 'Cost' },
] as const;

/** Per person across tools: sortable, searchable, downloadable; members see their own row. */
export async function people({ api, params }: ViewContext): Promise<HTMLElement> {
  const days = daysOf(params);
  const sort = params.get('sort') ?? 'interactions';
  const order = params.get('order') ?? 'desc';
  const query = `?days=${days}&sort=${sort}&order=${order}`;
  const result = await api.get<Developers>(`/dashboard/developers${query}&limit=500`);
  const search = h('input', {
    type: 'search',
    placeholder: 'Search names, e-mails, logins, groups',
    'aria-label': 'Search people',
  }) as HTMLInputElement;
  const body = h('tbody');
  const render = () => {
    const needle = search.value.trim().toLowerCase();
    body.replaceChildren(
      ...result.developers
        .filter(
          (row) =>
            needle === '' ||
            [
              row.display_name,
              ...row.groups,
              ...row.identities.flatMap((identity) => [identity.email ?? '', identity.login ?? '']),
            ]
              .join(' ')
              .toLowerCase()
              .includes(needle),
        )
        .map((row) =>
          h(
            'tr',
            { 'data-id': row.id },
            h(
              'th',
              { scope: 'row' },
              h('a', { href: `#/people/${encodeURIComponent(row.id)}?days=${days}` }, row.display_name),
              row.kind === 'identity' && h('span', { class: 'tag' }, 'not on the roster'),
            ),
            h('td', {}, number(row.interactions)),
            h('td', {}, number(row.active_days)),
            h('td', {}, money(row.cost_cents)),
            h(
              'td',
              {},
              // Acceptance per tool, as the API gives it: never one rate across tools that count
              // suggestions differently.
              row.tools
                .map(
                  (tool) =>
                    `${tool.name} ${number(tool.metrics.interactions)}${
                      tool.acceptance_rate === null ? '' : ` (${percent(tool.acceptance_rate)} accepted)`
                    }`,
                )
                .join(' · '),
            ),
            h('td', {}, row.groups.join(', ')),
          ),
        ),
    );
  };
  search.addEventListener('input', render);
  render();
  return h(
    'section',
    { class: 'people' },
    h(
      'h1',
      {},
      'People',
      h('span', { class: 'period' }, ` ${result.period.start_date} – ${result.period.end_date}`),
    ),
    periodControls(params, false),
    result.visibility === 'own_row' &&
      h('p', { class: 'hint' }, 'You see your own row: the team’s figures per person are for admins.'),
    result.match_rates.length > 0 &&
      h(
        'p',
        { class: 'hint' },
        'Matched to the roster: ',
        result.match_rates.map((rate) => `${rate.name} ${percent(rate.match_rate)}`).join(', '),
      ),
    h(
      'div',
      { class: 'controls' },
      search,
      h(
        'button',
        {
          type: 'button',
          'data-testid': 'download-people',
          onclick: () =>
            void api.download(`/dashboard/developers${query}&format=csv`, 'ai-usage-developers.csv'),
        },
        'Download (CSV)',
      ),
    ),
    result.developers.length === 0
      ? notice('empty', 'No one has usage in this period.')
      : h(
          'table',
          { class: 'people-table' },
          h('caption', {}, `${number(result.total)} rows`),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              COLUMNS.map((column) => {
                const current = sort === column.key;
                const next = current && order === 'desc' ? 'asc' : 'desc';
                return h(
                  'th',
                  {
                    scope: 'col',
                    'aria-sort': current ? (order === 'asc' ? 'ascending' : 'descending') : null,
                  },
                  h('a', { href: withParams(params, { sort: column.key, order: next }) }, column.label),
                );
              }),
              h('th', { scope: 'col' }, 'Tools'),
              h('th', { scope: 'col' }, 'Groups'),
            ),
          ),
          body,
        ),
  );
}

/** One person (or "me"): their figures per tool and their heatmap. */
export async function person({ api, params, rest }: ViewContext, me = false): Promise<HTMLElement> {
  const days = daysOf(params);
  const id = rest[0] ?? '';
  const detail = await api.get<PersonDetail>(
    me ? `/dashboard/me?days=${days}` : `/dashboard/developers/${encodeURIComponent(id)}?days=${days}`,
  );
  const developer = detail.developer;
  return h(
    'section',
    { class: 'person' },
    h('h1', {}, me ? `My usage — ${developer.display_name}` : developer.display_name),
    periodControls(params, false),
    h(
      'div',
      { class: 'cards' },
      h(
        'div',
        { class: 'card' },
        h('div', { class: 'label' }, 'Interactions'),
        h('div', { class: 'value' }, number(developer.interactions)),
      ),
      h(
        'div',
        { class: 'card' },
        h('div', { class: 'label' }, 'Active days'),
        h('div', { class: 'value' }, number(developer.active_days)),
      ),
      h(
        'div',
        { class: 'card' },
        h('div', { class: 'label' }, 'Cost'),
        h('div', { class: 'value' }, money(developer.cost_cents)),
      ),
    ),
    h(
      'table',
      {},
      h('caption', {}, 'Per tool'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Tool', 'Interactions', 'Active days', 'Acceptance'].map((label) =>
            h('th', { scope: 'col' }, label),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        developer.tools.map((tool) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, tool.name),
            h('td', {}, number(tool.metrics.interactions)),
            h('td', {}, number(tool.active_days)),
            h('td', {}, percent(tool.acceptance_rate)),
          ),
        ),
      ),
    ),
    heatmap(detail.heatmap_data, `${developer.display_name}: interactions per day`),
  );
}
