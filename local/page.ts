import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';

/**
 * The team page for the local run: the files `npm run build:web` wrote (web/dist), and the page's configuration
 * (`/config.json`: the API's base path and the local sign-in) — in AWS CloudFront serves the same files and a
 * configuration written at deploy time. Unknown paths get index.html (the page routes itself).
 */
export interface PageFile {
  status: number;
  type: string;
  body: Buffer | string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

export const LOCAL_PAGE_CONFIG = { api_base: '/api/ai-usage', auth: { kind: 'local' } } as const;

export function pageFiles(directory: string): (pathname: string) => PageFile {
  return (pathname) => {
    if (pathname === '/config.json') {
      return { status: 200, type: TYPES['.json'] as string, body: JSON.stringify(LOCAL_PAGE_CONFIG) };
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
  };
}
