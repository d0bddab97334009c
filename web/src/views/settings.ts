import { ApiError } from '../api';
import { h, notice, number } from '../dom';
import type { ImportList, IntegrationList, Roster } from '../types';
import type { ViewContext } from '../app-context';

/** The providers the connect form offers, with what each asks for. */
const PROVIDERS = [
  { id: 'claude_code', name: 'Claude Code', key: 'Admin API key (sk-ant-admin01-…)', options: [] },
  {
    id: 'github_copilot',
    name: 'GitHub Copilot',
    key: 'Token (github_pat_… or ghp_…)',
    options: ['org', 'enterprise'],
  },
  { id: 'cursor', name: 'Cursor', key: 'Admin API key (crsr_…)', options: [] },
] as const;

function problemText(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = error.errors.map((entry) => `${entry.field}: ${entry.message}`).join('; ');
    return `${error.detail || error.title}${fields && !error.detail.includes(fields) ? ` (${fields})` : ''}`;
  }
  return (error as Error).message;
}

/** What the last action said: the view is drawn again after a change, and says it there. */
let said: { text: string; error: boolean } | null = null;

const when = (iso: string) =>
  new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** Settings (admins): integrations with their state and controls, the connect form, the roster and imports. */
export async function settings({ api, session, refresh }: ViewContext): Promise<HTMLElement> {
  const admin = session.role === 'admin';
  const [{ integrations }, roster, imports] = await Promise.all([
    api.get<IntegrationList>('/integrations'),
    api.get<Roster>('/members').catch(() => null),
    api.get<ImportList>('/imports').catch(() => null),
  ]);
  const status = h(
    'p',
    { class: said?.error ? 'status error' : 'status', role: 'status', 'aria-live': 'polite' },
    said?.text,
  );
  said = null;
  const act = async (button: HTMLButtonElement, run: () => Promise<string>) => {
    button.disabled = true;
    status.className = 'status';
    try {
      said = { text: await run(), error: false };
      refresh();
    } catch (error) {
      status.className = 'status error';
      status.textContent =
        error instanceof ApiError && error.status === 429
          ? `A sync of this integration was asked for moments ago: one a minute, the next in ${error.retryAfter ?? 60} s.`
          : problemText(error);
      button.disabled = false;
    }
  };
  const rows = integrations.map((integration) => {
    const sync = integration.last_sync;
    const deadLetters = integration.dead_letters;
    const toggle = h('input', {
      type: 'checkbox',
      role: 'switch',
      checked: integration.sync_enabled,
      disabled: !admin,
      'aria-label': `Daily sync of ${integration.name}`,
      'data-testid': `toggle-${integration.provider}`,
    }) as HTMLInputElement;
    toggle.addEventListener(
      'change',
      () =>
        void act(toggle as unknown as HTMLButtonElement, async () => {
          await api.call('PATCH', `/integrations/${integration.integration_id}`, {
            sync_enabled: toggle.checked,
          });
          return `${integration.name}: daily sync ${toggle.checked ? 'on' : 'off'}.`;
        }),
    );
    const syncNow = h(
      'button',
      { type: 'button', disabled: !admin || !integration.sync_enabled },
      'Sync now',
    ) as HTMLButtonElement;
    syncNow.addEventListener(
      'click',
      () =>
        void act(syncNow, async () => {
          const queued = await api.call<{ days: number }>('POST', '/sync', {
            integration_id: integration.integration_id,
          });
          return `${integration.name}: ${queued.days} days queued.`;
        }),
    );
    const disconnect = h(
      'button',
      { type: 'button', class: 'danger', disabled: !admin },
      'Disconnect',
    ) as HTMLButtonElement;
    disconnect.addEventListener('click', () => {
      if (
        !confirm(`Disconnect ${integration.name}? Its key is deleted; usage already stored stays as history.`)
      )
        return;
      void act(disconnect, async () => {
        await api.call('DELETE', `/integrations/${integration.integration_id}`);
        return `${integration.name} disconnected.`;
      });
    });
    return h(
      'tr',
      { 'data-provider': integration.provider },
      h(
        'th',
        { scope: 'row' },
        integration.name,
        h('div', { class: 'hint' }, `${integration.provider_name} · ${integration.account.name}`),
      ),
      h(
        'td',
        {},
        integration.status === 'active'
          ? 'Active'
          : integration.status === 'invalid_credentials'
            ? 'Key refused: connect again'
            : 'Not available',
        integration.status_message && h('div', { class: 'hint' }, integration.status_message),
      ),
      h(
        'td',
        {},
        sync
          ? `${when(sync.finished_at)} — ${sync.outcome}, ${sync.days_ok} days ok${sync.days_failed ? `, ${sync.days_failed} failed` : ''}${sync.days_pending ? `, ${sync.days_pending} pending` : ''}`
          : 'Not yet',
        sync?.message && h('div', { class: 'hint' }, sync.message),
        deadLetters &&
          h(
            'div',
            { class: 'hint', 'data-testid': `dead-letters-${integration.provider}` },
            `${deadLetters.jobs === 1 ? '1 sync job' : `${deadLetters.jobs} sync jobs`} failed every retry ` +
              `(newest ${when(deadLetters.newest.dead_lettered_at)}: ${deadLetters.newest.error}); ` +
              'their days are asked for again in the daily run.',
          ),
      ),
      h('td', {}, h('label', { class: 'switch' }, toggle, ' Daily sync')),
      h('td', {}, syncNow, ' ', disconnect),
    );
  });

  const provider = h(
    'select',
    { name: 'provider', 'aria-label': 'Tool' },
    PROVIDERS.map((entry) => h('option', { value: entry.id }, entry.name)),
  ) as HTMLSelectElement;
  const key = h('input', {
    name: 'api_key',
    type: 'password',
    autocomplete: 'off',
    required: true,
    'aria-label': 'Key',
  }) as HTMLInputElement;
  const optionFields = h('div', { class: 'options' });
  const keyLabel = h('span');
  const showOptions = () => {
    const chosen = PROVIDERS.find((entry) => entry.id === provider.value) ?? PROVIDERS[0];
    keyLabel.textContent = chosen.key;
    optionFields.replaceChildren(
      ...chosen.options.map((option) =>
        h(
          'label',
          {},
          option === 'org' ? 'Organisation (or leave empty and name an enterprise)' : 'Enterprise',
          h('input', { name: option }),
        ),
      ),
    );
  };
  provider.addEventListener('change', showOptions);
  showOptions();
  const formStatus = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'connect', 'aria-label': 'Connect a tool' },
    h('h2', {}, integrations.length === 0 ? 'Connect your first tool' : 'Connect a tool'),
    h('label', {}, 'Tool ', provider),
    h('label', {}, keyLabel, key),
    optionFields,
    h('button', { type: 'submit', disabled: !admin }, 'Connect'),
    formStatus,
  ) as HTMLFormElement;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const options = Object.fromEntries(
      [...optionFields.querySelectorAll('input')]
        .filter((input) => input.value.trim() !== '')
        .map((input) => [input.name, input.value.trim()]),
    );
    formStatus.className = 'status';
    formStatus.textContent = 'Checking the key with the provider…';
    void api
      .call<{ integration_id: string; backfill?: { days: number } }>('POST', '/connect', {
        provider: provider.value,
        api_key: key.value,
        ...options,
      })
      .then((connected) => {
        key.value = '';
        formStatus.textContent = `Connected; ${connected.backfill ? `backfilling ${connected.backfill.days} days` : 'history follows'}.`;
        refresh();
      })
      .catch((error: unknown) => {
        key.value = '';
        formStatus.className = 'status error';
        formStatus.textContent = problemText(error);
      });
  });

  return h(
    'section',
    { class: 'settings' },
    h('h1', {}, 'Settings'),
    !admin && notice('empty', 'You can look, not change: settings are for admins of your team.'),
    status,
    integrations.length === 0
      ? notice('empty', 'No tool is connected yet.')
      : h(
          'table',
          { class: 'integrations' },
          h('caption', {}, 'Integrations'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Integration', 'State', 'Last sync', 'Schedule', ''].map((label) =>
                h('th', { scope: 'col' }, label),
              ),
            ),
          ),
          h('tbody', {}, rows),
        ),
    admin && form,
    roster &&
      h(
        'section',
        { class: 'roster' },
        h('h2', {}, 'Roster'),
        h(
          'p',
          {},
          roster.version === 0
            ? 'No roster yet: PUT /api/ai-usage/members with your people (docs/api.md).'
            : `${number(roster.people.length)} people in ${roster.groups.length} group${roster.groups.length === 1 ? '' : 's'}: ${roster.groups.map((group) => `${group.name} (${group.size})`).join(', ')}.`,
        ),
      ),
    imports &&
      h(
        'section',
        { class: 'imports' },
        h('h2', {}, 'Imports'),
        h(
          'p',
          {},
          'Tools without a usage API come in as CSV: ',
          h('a', { href: api.url('/imports/template.csv') }, 'the template'),
          '.',
        ),
        imports.imports.length === 0
          ? h('p', {}, 'No imports yet.')
          : h(
              'ul',
              {},
              imports.imports
                .slice(0, 10)
                .map((entry) =>
                  h(
                    'li',
                    {},
                    `${entry.tool_name}: ${entry.state}, ${number(entry.rows)} rows${entry.period ? ` (${entry.period.start_date} – ${entry.period.end_date})` : ''}${entry.error_count ? `, ${entry.error_count} problems` : ''}`,
                  ),
                ),
            ),
      ),
  );
}
