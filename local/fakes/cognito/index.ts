import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { issueToken, type SigningKeys } from '../../jwt';
import { listen } from '../shared/server';

/**
 * A fake of Cognito's hosted sign-in (the OAuth 2.0 endpoints of a user pool domain), for the team page's
 * sign-in in a browser test: `/oauth2/authorize` takes the authorization code grant with a PKCE S256 challenge
 * and shows a sign-in page whose button stands in for the password form; `/oauth2/token` trades a code, once,
 * for tokens when the verifier hashes to the challenge and the client and redirect URI are the ones the code was
 * given to — as Cognito checks them; `/logout` goes back to the logout URI. The ID token is signed by the local
 * issuer, so the local gateway accepts it as API Gateway accepts Cognito's.
 */
export interface FakeCognitoUser {
  username: string;
  teamId: string;
  role: 'admin' | 'member';
  email?: string;
}

export interface FakeCognitoOptions {
  keys: SigningKeys;
  clientId: string;
  /** The page's origin: its callback and logout URI is `${pageOrigin}/`, and the token endpoint allows it (CORS). */
  pageOrigin: string;
  user: FakeCognitoUser;
}

export interface FakeCognito {
  url: string;
  /** Token requests refused, with why (a test asserts the page's exchange was the right one). */
  refusals: string[];
  close(): Promise<void>;
}

const base64url = (buffer: Buffer) => buffer.toString('base64url');

async function form(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startFakeCognito(options: FakeCognitoOptions): Promise<FakeCognito> {
  const codes = new Map<string, { challenge: string; clientId: string; redirectUri: string }>();
  const refusals: string[] = [];
  const callback = `${options.pageOrigin}/`;
  const cors = { 'access-control-allow-origin': options.pageOrigin, vary: 'Origin' };

  const send = (
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    response.writeHead(status, { 'content-type': 'application/json', ...cors, ...headers });
    response.end(JSON.stringify(body));
  };

  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      if (request.method === 'GET' && url.pathname === '/oauth2/authorize') {
        const query = url.searchParams;
        const problem =
          query.get('response_type') !== 'code'
            ? 'unsupported_response_type'
            : query.get('client_id') !== options.clientId
              ? 'invalid client_id'
              : query.get('redirect_uri') !== callback
                ? 'redirect_mismatch'
                : query.get('code_challenge_method') !== 'S256' || !query.get('code_challenge')
                  ? 'a PKCE S256 code_challenge is required'
                  : null;
        if (problem) {
          response.writeHead(400, { 'content-type': 'text/plain' });
          response.end(problem);
          return;
        }
        const code = base64url(randomBytes(24));
        codes.set(code, {
          challenge: query.get('code_challenge') as string,
          clientId: options.clientId,
          redirectUri: callback,
        });
        const next = `${callback}?code=${encodeURIComponent(code)}`;
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(
          `<!doctype html><title>Sign in</title><h1>Sign in</h1><p>${options.user.username}</p>` +
            `<a id="continue" href="${next}">Continue as ${options.user.username}</a>`,
        );
        return;
      }
      if (request.method === 'OPTIONS' && url.pathname === '/oauth2/token') {
        response.writeHead(204, {
          ...cors,
          'access-control-allow-methods': 'POST',
          'access-control-allow-headers': 'content-type',
        });
        response.end();
        return;
      }
      if (request.method === 'POST' && url.pathname === '/oauth2/token') {
        const body = await form(request);
        const code = codes.get(body.get('code') ?? '');
        codes.delete(body.get('code') ?? '');
        const verifier = body.get('code_verifier') ?? '';
        const refusal =
          body.get('grant_type') !== 'authorization_code'
            ? 'unsupported_grant_type'
            : !code
              ? 'invalid_grant: unknown or used code'
              : body.get('client_id') !== code.clientId
                ? 'invalid_client'
                : body.get('redirect_uri') !== code.redirectUri
                  ? 'invalid_grant: redirect_uri'
                  : base64url(createHash('sha256').update(verifier).digest()) !== code.challenge
                    ? 'invalid_grant: code_verifier'
                    : null;
        if (refusal) {
          refusals.push(refusal);
          send(response, 400, { error: refusal.split(':')[0] });
          return;
        }
        const { user } = options;
        const idToken = await issueToken(options.keys, {
          teamId: user.teamId,
          role: user.role,
          subject: user.username,
          ...(user.email ? { email: user.email } : {}),
          ttlSeconds: 3600,
        });
        send(response, 200, {
          id_token: idToken,
          access_token: idToken,
          token_type: 'Bearer',
          expires_in: 3600,
        });
        return;
      }
      if (request.method === 'GET' && url.pathname === '/logout') {
        const target = url.searchParams.get('logout_uri');
        if (url.searchParams.get('client_id') !== options.clientId || target !== callback) {
          response.writeHead(400, { 'content-type': 'text/plain' });
          response.end('invalid logout request');
          return;
        }
        response.writeHead(302, { location: target });
        response.end();
        return;
      }
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
    })().catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String(error));
    });
  });
  const port = await listen(server, 0);
  return {
    url: `http://127.0.0.1:${port}`,
    refusals,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
