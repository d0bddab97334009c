import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { CONTENT_SECURITY_POLICY, contentSecurityPolicy } from '../web/headers';
import type { PageConfig } from '../web/src/config';

export type { PageConfig };

/**
 * The team page for the local run: the files `npm run build:web` wrote (web/dist), and the page's configuration
 * (`/config.json`: the API's base path and the local sign-in) — in AWS CloudFront serves the same files and a
 * configuration written at deploy time. Unknown paths get index.html (the page routes itself).
 */
export interface PageFile {
  status: number;
  type: string;
  body: Buffer | string;
  /** The Content-Security-Policy to send with it (its sign-in service allowed). */
  csp: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

export const LOCAL_PAGE_CONFIG: PageConfig = { api_base: '/api/ai-usage', auth: { kind: 'local' } };

/**
 * The page's files; `config` says how it signs in (the local sign-in unless a test gives a hosted sign-in,
 * whose origin the CSP then allows as CloudFront's allows Cognito's).
 */
export function pageFiles(
  directory: string,
  config: () => PageConfig = () => LOCAL_PAGE_CONFIG,
): (pathname: string) => PageFile {
  const csp = () => {
    const auth = config().auth;
    return auth.kind === 'cognito'
      ? contentSecurityPolicy([new URL(auth.domain).origin])
      : CONTENT_SECURITY_POLICY;
  };
  return (pathname) => {
    const file = serve(directory, config, pathname);
    return { ...file, csp: csp() };
  };
}

function serve(directory: string, config: () => PageConfig, pathname: string): Omit<PageFile, 'csp'> {
  if (pathname === '/config.json') {
    return { status: 200, type: TYPES['.json'] as string, body: JSON.stringify(config()) };
  }
  const relative = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
  const file = join(directory, relative);
  if (relative !== '' && file.startsWith(directory) && existsSync(file) && extname(file) !== '') {
    return {
      status: 200,
      type: TYPES[extname(file)] ?? 'application/octet-stream',
      body: readFileSync(file),
    };
  }
  const index = join(directory, 'index.html');
  if (!existsSync(index)) {
    return {
      status: 503,
      type: TYPES['.html'] as string,
      body: '<!doctype html><title>AI usage</title><p>The page is not built: run <code>npm run build:web</code>.</p>',
    };
  }
  return { status: 200, type: TYPES['.html'] as string, body: readFileSync(index) };
}
