/**
 * Page cursors of the Claude Code Analytics endpoint: `page_<base64url(JSON)>` naming the day and the
 * offset of the next record. Clients treat them as opaque; the fake checks them strictly so a client
 * that mixes up days or mangles a cursor gets the 400 the real API documents for stale cursors.
 */
const PREFIX = 'page_';
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const VERSION = 1;

interface CursorBody {
  v: number;
  day: string;
  offset: number;
}

export function encodeCursor(day: string, offset: number): string {
  const body: CursorBody = { v: VERSION, day, offset };
  return PREFIX + Buffer.from(JSON.stringify(body)).toString('base64url');
}

function parseBody(text: string): CursorBody | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const { v, day, offset } = value as Record<string, unknown>;
    if (v !== VERSION || typeof day !== 'string') return undefined;
    if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) return undefined;
    return { v, day, offset };
  } catch {
    return undefined;
  }
}

/**
 * The offset a cursor points at, or undefined when it does not decode, was issued for another day, or
 * points past the day's records (the data it pinned is gone, e.g. the day left the history window).
 */
export function decodeCursor(cursor: string, day: string, recordCount: number): number | undefined {
  if (!cursor.startsWith(PREFIX)) return undefined;
  const encoded = cursor.slice(PREFIX.length);
  // Node's base64url decoder skips invalid characters silently; reject them first.
  if (!BASE64URL.test(encoded)) return undefined;
  const body = parseBody(Buffer.from(encoded, 'base64url').toString('utf8'));
  if (!body || body.day !== day || body.offset >= recordCount) return undefined;
  return body.offset;
}
