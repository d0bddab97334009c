import { dayLabel, h, money, notice, number } from '../dom';
import type { Seats } from '../types';
import { daysOf, type ViewContext } from '../app-context';
import { periodControls } from './overview';

/** The empty state: it names every provider that reports licences, as the API lists them. */
function noSeats(result: Seats): string {
  // A member sees their own seats only: none of theirs is not none of the team's.
  const none =
    result.visibility === 'own_row'
      ? 'You hold no seat of a seat-based tool'
      : 'No seat-based tool is connected';
  const names = result.seat_providers.map((provider) => provider.name);
  if (names.length === 0) return `${none}.`;
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return `${none} (${list} report${names.length === 1 ? 's' : ''} their licences).`;
}

/** Licences: per tool assigned and idle 14 / 30 / 60 days, then every seat, unused first. */
export async function seats({ api, params }: ViewContext): Promise<HTMLElement> {
  const days = daysOf(params);
  const result = await api.get<Seats>(`/dashboard/seats?days=${days}`);
  return h(
    'section',
    { class: 'seats' },
    h('h1', {}, 'Seats'),
    periodControls(params, false),
    result.tools.length === 0
      ? notice('empty', noSeats(result))
      : h(
          'div',
          { class: 'cards tools' },
          result.tools.map((tool) =>
            h(
              'article',
              { class: 'card tool', 'data-provider': tool.provider },
              h('h2', {}, tool.name),
              h(
                'dl',
                {},
                h('dt', {}, 'Assigned'),
                h(
                  'dd',
                  {},
                  // The organisation's count can hold seats its listing does not name (Claude Enterprise).
                  tool.assigned_from === 'listed'
                    ? number(tool.assigned)
                    : `${number(tool.assigned)} (${number(tool.listed)} listed by name)`,
                ),
                h('dt', {}, `Used in ${result.period.days} days`),
                h('dd', {}, number(tool.active_in_period)),
                h('dt', {}, 'Idle 14 / 30 / 60 days'),
                h('dd', {}, `${tool.idle_14} / ${tool.idle_30} / ${tool.idle_60}`),
                h('dt', {}, 'Never used'),
                h('dd', {}, number(tool.never_active)),
                h('dt', {}, 'Spend this cycle'),
                h('dd', {}, money(tool.cycle_spend_cents)),
              ),
            ),
          ),
        ),
    h(
      'p',
      { class: 'actions' },
      h(
        'button',
        {
          type: 'button',
          'data-testid': 'download-seats',
          onclick: () => void api.download(`/dashboard/seats?days=${days}&format=csv`, 'ai-usage-seats.csv'),
        },
        'Download (CSV)',
      ),
    ),
    result.seats.length > 0 &&
      h(
        'table',
        { class: 'seats-table' },
        h('caption', {}, `${number(result.seats.length)} seats, unused first`),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Tool', 'Holder', 'Last activity', 'Idle days', 'Plan', 'Spend'].map((label) =>
              h('th', { scope: 'col' }, label),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          result.seats.map((seat) =>
            h(
              'tr',
              {},
              h(
                'td',
                {},
                result.tools.find((tool) => tool.provider === seat.provider)?.name ?? seat.provider,
              ),
              h('th', { scope: 'row' }, seat.display_name),
              h('td', {}, seat.last_activity_at ? dayLabel(seat.last_activity_at.slice(0, 10)) : 'never'),
              h('td', {}, seat.idle_days === null ? '–' : number(seat.idle_days)),
              h('td', {}, seat.plan_type ?? '–'),
              h('td', {}, money(seat.cycle_spend_cents)),
            ),
          ),
        ),
      ),
  );
}
