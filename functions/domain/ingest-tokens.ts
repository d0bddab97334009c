import { createHash, randomBytes } from 'node:crypto';

/**
 * Ingest tokens: what a team's machines send (as `Authorization: Bearer …`) to push telemetry, e.g. Claude Code's
 * OpenTelemetry metrics. A token is shown once, when made; only its SHA-256 is kept (a lookup item by hash names
 * the team), so a leaked table reveals no token and a revoked one can never be read back.
 */
export const INGEST_TOKEN_PREFIX = 'aiu_ingest_';
/** `aiu_ingest_` then 32 random bytes in base64url (43 characters): 256 bits, so a hash without salt is safe. */
export const INGEST_TOKEN_PATTERN = /^aiu_ingest_[A-Za-z0-9_-]{43}$/;
/** Tokens a team may hold at once (one per machine fleet or rollout; revoke to make room). */
export const MAX_INGEST_TOKENS = 20;

export interface IngestToken {
  team_id: string;
  token_id: string;
  name: string;
  created_at: string;
  created_by: string;
  /** When a request last authenticated with it (updated at most every LAST_USED_RESOLUTION_SECONDS). */
  last_used_at: string | null;
  /** SHA-256 of the token, base64url: the lookup item's key. */
  token_hash: string;
}

/** last_used_at is written at most this often per token, not on every request of a 60-s export cycle. */
export const LAST_USED_RESOLUTION_SECONDS = 300;

export function newIngestToken(): string {
  return `${INGEST_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashIngestToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** The bearer token of an Authorization header, if it is shaped like an ingest token. */
export function ingestTokenOf(authorization: string | undefined): string | undefined {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  return token && INGEST_TOKEN_PATTERN.test(token) ? token : undefined;
}
