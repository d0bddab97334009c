import { Api, ApiError } from './api';
import {
  cognitoSignIn,
  completeCognitoSignIn,
  currentSession,
  localSignIn,
  signOut,
  type Session,
} from './auth';
import { loadConfig, type PageConfig } from './config';
import { h, notice } from './dom';
import type { View, ViewContext } from './app-context';
import { overview } from './views/overview';
import { people, person } from './views/people';
import { seats } from './views/seats';
import { settings } from './views/settings';

/** The team page: signs in, then routes `#/view/...?params` to a view that reads the API. */
const ROUTES: Record<string, { title: string; view: View; nav: boolean }> = {
  '': { title: 'Overview', view: overview, nav: true },
  people: {
    title: 'People',
    view: (context) => (context.rest.length ? person(context) : people(context)),
    nav: true,
  },
  me: { title: 'My usage', view: (context) => person(context, true), nav: true },
  seats: { title: 'Seats', view: seats, nav: true },
  settings: { title: 'Settings', view: settings, nav: true },
};

const app = document.getElementById('app') as HTMLElement;
const nav = document.getElementById('nav') as HTMLElement;
const who = document.getElementById('who') as HTMLElement;

function signInForm(config: PageConfig, message?: string): HTMLElement {
  if (config.auth.kind === 'cognito') {
    const auth = config.auth;
    return h(
      'section',
      { class: 'sign-in' },
      h('h1', {}, 'Sign in'),
      message && notice('error', message),
      h(
        'button',
        { type: 'button', onclick: () => void cognitoSignIn(auth) },
        'Sign in with your team account',
      ),
    );
  }
  const status = h('p', { class: 'status', role: 'status' });
  const form = h(
    'form',
    { class: 'sign-in', 'aria-label': 'Local sign-in' },
    h('h1', {}, 'Sign in (local run)'),
    message && notice('error', message),
    h(
      'p',
      { class: 'hint' },
      'Locally any team, role and e-mail may be chosen; the token comes from the local issuer the API checks.',
    ),
    h('label', {}, 'Team ', h('input', { name: 'team', value: 'demo-team', required: true })),
    h(
      'label',
      {},
      'Role ',
      h(
        'select',
        { name: 'role' },
        h('option', { value: 'admin' }, 'admin'),
        h('option', { value: 'member' }, 'member'),
      ),
    ),
    h(
      'label',
      {},
      'E-mail (for "my usage") ',
      h('input', { name: 'email', type: 'email', placeholder: 'ana.silva@demo-org.example' }),
    ),
    h('button', { type: 'submit' }, 'Sign in'),
    status,
  ) as HTMLFormElement;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    void localSignIn(String(data.get('team')), String(data.get('role')), String(data.get('email') ?? ''))
      .then(() => route(config))
      .catch((error: unknown) => {
        status.className = 'status error';
        status.textContent = (error as Error).message;
      });
  });
  return form;
}

function chrome(config: PageConfig, session: Session, current: string): void {
  nav.replaceChildren(
    ...Object.entries(ROUTES)
      .filter(([name, entry]) => entry.nav && (name !== 'me' || session.email))
      .map(([name, entry]) =>
        h('a', { href: `#/${name}`, 'aria-current': name === current ? 'page' : null }, entry.title),
      ),
  );
  who.replaceChildren(
    h('span', {}, `${session.team} · ${session.role}${session.email ? ` · ${session.email}` : ''}`),
    ' ',
    h('button', { type: 'button', class: 'link', onclick: () => signOut(config) }, 'Sign out'),
  );
}

async function route(config: PageConfig): Promise<void> {
  const session = currentSession();
  if (!session) {
    nav.replaceChildren();
    who.replaceChildren();
    app.replaceChildren(signInForm(config));
    return;
  }
  const [path = '', query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const [name = '', ...rest] = path.split('/').filter(Boolean);
  const entry = ROUTES[name] ?? ROUTES[''];
  chrome(config, session, ROUTES[name] ? name : '');
  document.title = `${entry?.title ?? 'Overview'} · AI usage`;
  app.replaceChildren(notice('loading', 'Loading…'));
  app.setAttribute('aria-busy', 'true');
  const api = new Api(config.api_base, session.token, () => {
    sessionStorage.clear();
  });
  const context: ViewContext = {
    api,
    session,
    params: new URLSearchParams(query),
    rest: rest.map(decodeURIComponent),
    refresh: () => void route(config),
  };
  try {
    const view = await (entry as (typeof ROUTES)[string]).view(context);
    app.replaceChildren(view);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      app.replaceChildren(signInForm(config, 'Your sign-in has expired: sign in again.'));
    } else if (error instanceof ApiError && error.status === 403) {
      app.replaceChildren(
        notice(
          'error',
          h('p', {}, error.detail || 'This is for admins of your team.'),
          h('a', { href: '#/' }, 'Back to the overview'),
        ),
      );
    } else if (error instanceof ApiError && error.status === 404) {
      app.replaceChildren(
        notice(
          'error',
          h('p', {}, error.detail || 'Not found.'),
          h('a', { href: '#/' }, 'Back to the overview'),
        ),
      );
    } else {
      app.replaceChildren(
        notice(
          'error',
          h('p', {}, `Something went wrong: ${(error as Error).message}`),
          h('button', { type: 'button', onclick: () => void route(config) }, 'Try again'),
        ),
      );
    }
  } finally {
    app.removeAttribute('aria-busy');
  }
}

async function start(): Promise<void> {
  try {
    const config = await loadConfig();
    await completeCognitoSignIn(config);
    window.addEventListener('hashchange', () => void route(config));
    await route(config);
  } catch (error) {
    app.replaceChildren(notice('error', (error as Error).message));
  }
}

void start();
