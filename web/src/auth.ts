import type { PageConfig } from './config';

/**
 * Sign-in. Locally: pick a team, role and e-mail; the local run issues a token from the same issuer the local
 * API verifies. In AWS: Cognito's hosted sign-in with the authorization code grant and PKCE; the ID token (which
 * carries the team and role claims the API reads) is kept in this tab's session storage only.
 */
const TOKEN = 'ai-usage.token';
const VERIFIER = 'ai-usage.pkce';

export interface Session {
  token: string;
  team: string;
  role: 'admin' | 'member';
  email: string | null;
}

function claims(token: string): Record<string, unknown> {
  const part = token.split('.')[1] ?? '';
  const json = atob(
    part
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(part.length / 4) * 4, '='),
  );
  return JSON.parse(json) as Record<string, unknown>;
}

export function currentSession(): Session | null {
  const token = sessionStorage.getItem(TOKEN);
  if (!token) return null;
  try {
    const payload = claims(token);
    if (typeof payload.exp === 'number' && payload.exp * 1000 < Date.now()) {
      sessionStorage.removeItem(TOKEN);
      return null;
    }
    return {
      token,
      team: String(payload['custom:team_id'] ?? ''),
      role: payload['custom:role'] === 'admin' ? 'admin' : 'member',
      email: typeof payload.email === 'string' ? payload.email : null,
    };
  } catch {
    sessionStorage.removeItem(TOKEN);
    return null;
  }
}

export function signOut(config: PageConfig): void {
  sessionStorage.removeItem(TOKEN);
  if (config.auth.kind === 'cognito') {
    const url = new URL(`${config.auth.domain}/logout`);
    url.searchParams.set('client_id', config.auth.client_id);
    url.searchParams.set('logout_uri', `${location.origin}/`);
    location.assign(url.toString());
  } else {
    location.hash = '#/';
    location.reload();
  }
}

/** Local sign-in: the local run's token endpoint (it exists only there). */
export async function localSignIn(team: string, role: string, email: string): Promise<void> {
  const response = await fetch('/_local/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ team_id: team, role, ...(email ? { email } : {}) }),
  });
  const body = (await response.json()) as { token?: string; detail?: string };
  if (!response.ok || !body.token) throw new Error(body.detail ?? `Sign-in failed (${response.status}).`);
  sessionStorage.setItem(TOKEN, body.token);
}

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/** Cognito: to the hosted sign-in with a PKCE challenge. */
export async function cognitoSignIn(config: Extract<PageConfig['auth'], { kind: 'cognito' }>): Promise<void> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  sessionStorage.setItem(VERIFIER, verifier);
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  const url = new URL(`${config.domain}/oauth2/authorize`);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', config.client_id);
  url.searchParams.set('redirect_uri', `${location.origin}/`);
  url.searchParams.set('scope', config.scopes.join(' '));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('code_challenge', challenge);
  location.assign(url.toString());
}

/** Back from the hosted sign-in (`?code=`): the code and the verifier for tokens. */
export async function completeCognitoSignIn(config: PageConfig): Promise<void> {
  if (config.auth.kind !== 'cognito') return;
  const code = new URLSearchParams(location.search).get('code');
  if (!code) return;
  // A code is used once, and only by the tab that asked for it (it holds the verifier): drop it either way.
  history.replaceState(null, '', `${location.pathname}${location.hash}`);
  const verifier = sessionStorage.getItem(VERIFIER);
  if (!verifier) return;
  const response = await fetch(`${config.auth.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.auth.client_id,
      code,
      redirect_uri: `${location.origin}/`,
      code_verifier: verifier,
    }),
  });
  sessionStorage.removeItem(VERIFIER);
  if (!response.ok) throw new Error(`Sign-in failed (${response.status}).`);
  const tokens = (await response.json()) as { id_token?: string };
  if (tokens.id_token) sessionStorage.setItem(TOKEN, tokens.id_token);
}
