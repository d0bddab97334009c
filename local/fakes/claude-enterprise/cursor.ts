import { createHash } from 'node:crypto';

/**
 * Page cursors of the fake Enterprise Analytics API: `page_<base64url(JSON)>` holding the offset of the next
 * row and a fingerprint of the query that issued it. The API binds a cursor to its query ("do not change
 * query parameters mid-sequence … the request returns a 400"), so a cursor sent with any other parameter
 * changed — another day, product, grouping, limit — does not decode.
 */
const PREFIX = 'page_';
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The query without `page`, in a canonical order: what a cursor is bound to. */
export function queryFingerprint(url: URL): string {
  const params = [...url.searchParams.entries()]
    .filter(([name]) => name !== 'page')
    .map(([name, value]) => `${name}=${value}`)
    .sort();
  return createHash('sha256')
    .update(`${url.pathname}?${params.join('&')}`)
    .digest('base64url')
    .slice(0, 16);
}

export function encodeCursor(url: URL, offset: number): string {
  return PREFIX + Buffer.from(JSON.stringify({ q: queryFingerprint(url), o: offset })).toString('base64url');
}

/** The offset a cursor points at, or undefined when it is malformed, of another query, or past the rows. */
export function decodeCursor(cursor: string, url: URL, rowCount: number): number | undefined {
  if (!cursor.startsWith(PREFIX) || !BASE64URL.test(cursor.slice(PREFIX.length))) return undefined;
  try {
    const body = JSON.parse(
      Buffer.from(cursor.slice(PREFIX.length), 'base64url').toString('utf8'),
    ) as unknown;
    if (typeof body !== 'object' || body === null) return undefined;
    const { q, o } = body as Record<string, unknown>;
    if (q !== queryFingerprint(url) || typeof o !== 'number' || !Number.isInteger(o)) return undefined;
    return o > 0 && o < rowCount ? o : undefined;
  } catch {
    return undefined;
  }
}
