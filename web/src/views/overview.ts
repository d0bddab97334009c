import { lineChart } from '../chart';
import { h, hours, money, notice, number, percent } from '../dom';
import { heatmap } from '../heatmap';
import type { Dashboard, Roster } from '../types';
import { RANGES, daysOf, withParams, type ViewContext } from '../app-context';

/**
 * What the organisation reports beside the seats it lists (Claude Enterprise): seats assigned and how many of
 * their holders are named, invitations pending, people active in 30 days. Null for tools that report none.
 */
function organisationLine(tool: Dashboard['tools'][number]): string | null {
  const seats = tool.seats;
  const counts = seats?.organisation;
  if (!seats || !counts) return null;
  const parts: string[] = [];
  if (counts.assigned_seats !== null) {
    parts.push(`${number(counts.assigned_seats)} seats assigned, ${number(seats.listed)} holders named`);
  }
  if (counts.pending_invites) {
    parts.push(
      `${number(counts.pending_invites)} invitation${counts.pending_invites === 1 ? '' : 's'} pending`,
    );
  }
  const toolMonthly = counts.tool_active_users.monthly;
  if (toolMonthly !== null) parts.push(`${number(toolMonthly)} active with ${tool.name} in 30 days`);
  else if (counts.active_users.monthly !== null) {
    parts.push(`${number(counts.active_users.monthly)} active in 30 days`);
  }
  return parts.length ? `${parts.join(' · ')} (${counts.as_of})` : null;
}

/** Controls shared by the overview and a person's page: the range, and the series' grain. */
export function periodControls(params: URLSearchParams, withGrain: boolean): HTMLElement {
  const days = daysOf(params);
  const grain = params.get('grain') ?? 'day';
  return h(
    'div',
    { class: 'controls' },
    h(
      'div',
      { role: 'group', 'aria-label': 'Range' },
      RANGES.map((range) =>
        h(
          'a',
          {
            href: withParams(params, { days: String(range) }),
            class: 'toggle',
            'aria-current': String(range) === days ? 'true' : null,
          },
          `${range} days`,
        ),
      ),
    ),
    withGrain &&
      h(
        'div',
        { role: 'group', 'aria-label': 'Grain' },
        ['day', 'week'].map((value) =>
          h(
            'a',
            {
              href: withParams(params, { grain: value }),
              class: 'toggle',
              'aria-current': value === grain ? 'true' : null,
            },
            `By ${value}`,
          ),
        ),
      ),
  );
}

/** The whole team or one group (sub-team) of the roster; members see groups large enough to keep people apart. */
function groupPicker(params: URLSearchParams, roster: Roster, current: string | null): HTMLElement {
  const select = h(
    'select',
    { 'aria-label': 'Group', 'data-testid': 'group' },
    h('option', { value: '', selected: current === null }, 'The whole team'),
    roster.groups.map((group) =>
      h(
        'option',
        { value: group.name, selected: group.name === current },
        `Group ${group.name} (${group.size})`,
      ),
    ),
  ) as HTMLSelectElement;
  select.addEventListener('change', () => {
    location.hash = withParams(params, { group: select.value || null });
  });
  return h('div', { class: 'controls' }, h('label', {}, 'Show ', select));
}

/** States in which a tool's figures are known (wholly or in part); elsewhere its line has a gap. */
const KNOWN = new Set(['ok', 'no_activity', 'partial']);

function card(label: string, value: string, hint?: string): HTMLElement {
  return h(
    'div',
    { class: 'card' },
    h('div', { class: 'label' }, label),
    h('div', { class: 'value' }, value),
    hint && h('div', { class: 'hint' }, hint),
  );
}

export async function overview({ api, session, params }: ViewContext): Promise<HTMLElement> {
  const days = daysOf(params);
  const grain = params.get('grain') ?? 'day';
  const group = params.get('group');
  const query = `?days=${days}&grain=${grain}${group ? `&group=${encodeURIComponent(group)}` : ''}`;
  const [dashboard, roster] = await Promise.all([
    api.get<Dashboard>(`/dashboard${query}`),
    api.get<Roster>('/members').catch(() => null),
  ]);
  const view = h('section', { class: 'overview', 'aria-labelledby': 'overview-title' });
  view.append(
    h(
      'h1',
      { id: 'overview-title' },
      group ? `Group ${group}` : 'Team overview',
      h('span', { class: 'period' }, ` ${dashboard.period.start_date} – ${dashboard.period.end_date}`),
    ),
    periodControls(params, true),
    roster && roster.groups.length > 0 ? groupPicker(params, roster, group) : '',
  );
  if (dashboard.tools.length === 0) {
    view.append(
      notice(
        'empty',
        h('p', {}, 'No usage yet: no tool is connected, or nothing has been fetched.'),
        session.role === 'admin'
          ? h('a', { href: '#/settings', class: 'button' }, 'Connect a tool')
          : h('p', {}, 'Ask an admin of your team to connect a tool.'),
      ),
    );
  }
  const points = dashboard.series.points;
  view.append(
    h(
      'div',
      { class: 'cards', 'data-testid': 'totals' },
      card('Interactions', number(dashboard.total_interactions)),
      card('Active days', `${dashboard.active_days} of ${dashboard.period.days}`),
      card(
        'Top tool',
        dashboard.top_tool ? dashboard.top_tool.name : '–',
        dashboard.top_tool ? `${number(dashboard.top_tool.requests)} interactions` : undefined,
      ),
      card(
        'Most people active on a day',
        number(Math.max(0, ...points.map((point) => point.active_developers))),
      ),
    ),
    h(
      'div',
      { class: 'cards tools' },
      dashboard.tools.map((tool) =>
        h(
          'article',
          { class: 'card tool', 'data-provider': tool.provider },
          h('h2', {}, tool.name),
          h(
            'dl',
            {},
            h('dt', {}, 'Interactions'),
            h('dd', {}, number(tool.interactions)),
            h('dt', {}, 'Active days'),
            h('dd', {}, number(tool.active_days)),
            h('dt', {}, 'Most people on a day'),
            h('dd', {}, number(tool.max_daily_active_developers)),
            h('dt', {}, 'Acceptance'),
            h('dd', {}, percent(tool.acceptance_rate)),
            tool.seats && [
              h('dt', {}, 'Seats used'),
              h(
                'dd',
                {},
                `${tool.seats.active_in_period} of ${tool.seats.assigned} (${percent(tool.seats.utilisation)})`,
              ),
            ],
            organisationLine(tool) && [h('dt', {}, 'Organisation'), h('dd', {}, organisationLine(tool))],
            tool.cost_cents > 0 && [h('dt', {}, 'Cost'), h('dd', {}, money(tool.cost_cents))],
            // Only Claude Code's telemetry reports active time: a tool without it shows none, not 0 h.
            tool.active_seconds > 0 && [h('dt', {}, 'Active time'), h('dd', {}, hours(tool.active_seconds))],
          ),
        ),
      ),
    ),
    heatmap(
      dashboard.heatmap_data,
      `Interactions per day, ${group ? `group ${group}` : 'the team'}, last ${dashboard.period.days} days`,
    ),
    lineChart({
      title: `People active per tool, by ${grain}${grain === 'week' ? ' (busiest day of each week)' : ''}`,
      labels: points.map((point) => point.start_date),
      series: dashboard.tools.map((tool, index) => ({
        name: tool.name,
        values: points.map((point) => {
          const figures = point.tools[index];
          return figures && KNOWN.has(figures.state) ? figures.active_developers : null;
        }),
      })),
      format: (value) => number(Math.round(value)),
    }),
    lineChart({
      title: `Acceptance per tool, by ${grain} (each tool counts suggestions its own way, so no rate across tools)`,
      labels: points.map((point) => point.start_date),
      series: dashboard.tools
        .map((tool, index) => ({ tool, index }))
        .filter(({ tool }) => tool.suggestions_shown > 0)
        .map(({ tool, index }) => ({
          name: tool.name,
          values: points.map((point) => point.tools[index]?.acceptance_rate ?? null),
        })),
      format: (value) => percent(value),
      max: 1,
    }),
    h(
      'p',
      { class: 'actions' },
      h(
        'button',
        {
          type: 'button',
          'data-testid': 'download-series',
          onclick: () => void api.download(`/dashboard${query}&format=csv`, 'ai-usage-series.csv'),
        },
        'Download the series (CSV)',
      ),
    ),
  );
  return view;
}
