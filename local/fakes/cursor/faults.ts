import { FaultQueue, faultFields } from '../shared/fault-queue';
import { BODY_DAMAGES, type BodyDamage } from '../shared/damaged-body';

/**
 * Faults a test (or a person, through POST /__fake/faults) queues to make the fake Cursor API misbehave
 * the ways the real one can: error statuses (with Cursor's `{error, message}` body or a body of your
 * own), rate limits with or without `Retry-After`, slow answers, and answers whose JSON is malformed or cut
 * short. Each applies to the next `times` matching requests (default 1), before authentication and normal
 * handling, as an outage would.
 */
export type CursorFaultStatus = 400 | 401 | 403 | 404 | 429 | 500 | 502 | 503 | 529;

export interface CursorFault {
  /** Omitted: the fault only delays (delayMs) or damages (damage) the normal answer. */
  status?: CursorFaultStatus;
  /** The answer's JSON is malformed or cut short. */
  damage?: BodyDamage;
  /** Only requests whose path starts with this (e.g. "/teams/daily-usage-data"); default every API path. */
  pathPrefix?: string;
  /** How many matching requests it applies to; default 1; Infinity (or "Infinity" in JSON) for all. */
  times?: number;
  /** Sent as `Retry-After` (seconds) when given; Cursor documents none, so by default there is none. */
  retryAfterSeconds?: number;
  /** The answer's JSON body instead of the status's usual `{error, message}`. */
  body?: Record<string, unknown>;
  /** Answer only after this many milliseconds. */
  delayMs?: number;
}

const FAULT_STATUSES: readonly number[] = [400, 401, 403, 404, 429, 500, 502, 503, 529];
/** Longer delays would outlive any sensible client timeout and only hold sockets open. */
const MAX_DELAY_MS = 600_000;

/** The body each status has unless the fault brings its own (the documented ones where Cursor has them). */
export const FAULT_BODIES: Record<CursorFaultStatus, { error: string; message: string }> = {
  400: { error: 'Bad Request', message: 'Invalid request' },
  401: { error: 'Unauthorized', message: 'Invalid API key' },
  403: { error: 'Forbidden', message: 'Enterprise access required' },
  404: { error: 'Not Found', message: 'Resource not found' },
  429: { error: 'Too Many Requests', message: 'Rate limit exceeded. Please try again later.' },
  500: { error: 'Internal Server Error', message: 'An unexpected error occurred' },
  502: { error: 'Bad Gateway', message: 'The server received an invalid response from an upstream server' },
  503: { error: 'Service Unavailable', message: 'The service is temporarily unavailable' },
  // Not a status Cursor documents: what an overloaded upstream on its way may answer.
  529: { error: 'Overloaded', message: 'The service is overloaded' },
};

function isNonNegativeNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function checkFields(fault: Record<string, unknown>): string | undefined {
  const { status, times, retryAfterSeconds, delayMs, pathPrefix, body, damage } = fault;
  if (times !== undefined && times !== Infinity && !(Number.isInteger(times) && (times as number) >= 1)) {
    return 'times must be a positive integer or "Infinity"';
  }
  if (status !== undefined && !FAULT_STATUSES.includes(status as number)) {
    return `status must be one of ${FAULT_STATUSES.join(', ')}`;
  }
  if (retryAfterSeconds !== undefined && !isNonNegativeNumber(retryAfterSeconds)) {
    return 'retryAfterSeconds must be a non-negative number';
  }
  if (delayMs !== undefined && !(isNonNegativeNumber(delayMs) && delayMs <= MAX_DELAY_MS)) {
    return `delayMs must be between 0 and ${MAX_DELAY_MS}`;
  }
  if (pathPrefix !== undefined && !(typeof pathPrefix === 'string' && pathPrefix.startsWith('/'))) {
    return 'pathPrefix must be a path starting with "/"';
  }
  if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    return 'body must be a JSON object';
  }
  if (damage !== undefined && !BODY_DAMAGES.includes(damage as BodyDamage)) {
    return `damage must be one of ${BODY_DAMAGES.join(', ')}`;
  }
  if (status === undefined && delayMs === undefined && damage === undefined) {
    return 'a fault needs a status, a delayMs, a damage or several of them';
  }
  return undefined;
}

/** A checked copy of the fault, or the reason it is not one. */
export function parseCursorFault(input: unknown): { fault: CursorFault } | { error: string } {
  const fault = faultFields(input);
  if (typeof fault === 'string') return { error: fault };
  const error = checkFields(fault);
  // Checked field by field above, so the cast only narrows what is already known.
  return error ? { error } : { fault: fault as CursorFault };
}

/** Cursor's faults, matched by path prefix. */
export class CursorFaultQueue extends FaultQueue<CursorFault> {
  constructor() {
    super((input) => {
      const parsed = parseCursorFault(input);
      return 'error' in parsed ? parsed.error : parsed.fault;
    });
  }

  take(path: string): CursorFault | undefined {
    return this.takeFirst((fault) => fault.pathPrefix === undefined || path.startsWith(fault.pathPrefix));
  }
}
