import { FaultQueue, faultFields } from '../shared/fault-queue';
import { BODY_DAMAGES, type BodyDamage } from '../shared/damaged-body';
import { isValidDay } from '../shared/seeded';

/**
 * Faults a test (or a person, through POST /__fake/faults) queues to make the fake Enterprise Analytics API
 * misbehave the ways the real one can: Anthropic error statuses, rate limits with or without retry-after, and
 * slow answers. Each applies to the next `times` matching requests (default 1), before authentication and
 * normal handling, as an outage would.
 */
export type EnterpriseFaultStatus = 400 | 401 | 403 | 429 | 500 | 529;

export interface EnterpriseFault {
  /** Omitted: the fault only delays (delayMs) or damages (damage) the normal answer. */
  status?: EnterpriseFaultStatus;
  /** The normal answer's JSON sent broken: not JSON, or cut short (sent as complete). */
  damage?: BodyDamage;
  /** How many matching requests it applies to; default 1; Infinity (or "Infinity" in JSON) for all. */
  times?: number;
  /** The error's message instead of the status's usual one (e.g. a 400 naming the newest published day). */
  message?: string;
  /** For 429: the retry-after header in seconds; default 1; null sends none. */
  retryAfterSeconds?: number | null;
  /** Answer only after this many milliseconds. */
  delayMs?: number;
  /** Only requests whose path starts with this (e.g. "/v1/organizations/analytics/users"); default all. */
  pathPrefix?: string;
  /** Only requests about this UTC day (`date`, `starting_date` or the day of `starting_at`). */
  date?: string;
}

const STATUSES: readonly number[] = [400, 401, 403, 429, 500, 529];
/** Longer delays would outlive any sensible client timeout and only hold sockets open. */
const MAX_DELAY_MS = 600_000;

const nonNegative = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

function problem(fault: Record<string, unknown>): string | undefined {
  const { status, times, retryAfterSeconds, delayMs, pathPrefix, date, message, damage } = fault;
  if (damage !== undefined && !BODY_DAMAGES.includes(damage as BodyDamage)) {
    return `damage must be one of ${BODY_DAMAGES.join(', ')}`;
  }
  if (message !== undefined && !(typeof message === 'string' && message.length <= 500)) {
    return 'message must be a string of at most 500 characters';
  }
  if (times !== undefined && times !== Infinity && !(Number.isInteger(times) && (times as number) >= 1)) {
    return 'times must be a positive integer or "Infinity"';
  }
  if (status !== undefined && !STATUSES.includes(status as number)) {
    return `status must be one of ${STATUSES.join(', ')}`;
  }
  if (retryAfterSeconds !== undefined && retryAfterSeconds !== null && !nonNegative(retryAfterSeconds)) {
    return 'retryAfterSeconds must be a non-negative number or null';
  }
  if (delayMs !== undefined && !(nonNegative(delayMs) && delayMs <= MAX_DELAY_MS)) {
    return `delayMs must be between 0 and ${MAX_DELAY_MS}`;
  }
  if (pathPrefix !== undefined && !(typeof pathPrefix === 'string' && pathPrefix.startsWith('/'))) {
    return 'pathPrefix must be a path starting with "/"';
  }
  if (date !== undefined && !(typeof date === 'string' && isValidDay(date)))
    return 'date must be a YYYY-MM-DD day';
  if (status === undefined && delayMs === undefined && damage === undefined) {
    return 'a fault needs a status, a delayMs, a damage or several of them';
  }
  return undefined;
}

/** A checked copy of the fault, or the reason it is not one. */
export function parseEnterpriseFault(input: unknown): { fault: EnterpriseFault } | { error: string } {
  const fault = faultFields(input);
  if (typeof fault === 'string') return { error: fault };
  const error = problem(fault);
  // Checked field by field above, so the cast only narrows what is already known.
  return error ? { error } : { fault: fault as EnterpriseFault };
}

/** The Enterprise API's faults, matched by path prefix and the day a request is about. */
export class EnterpriseFaultQueue extends FaultQueue<EnterpriseFault> {
  constructor() {
    super((input) => {
      const parsed = parseEnterpriseFault(input);
      return 'error' in parsed ? parsed.error : parsed.fault;
    });
  }

  take(path: string, day: string | undefined): EnterpriseFault | undefined {
    return this.takeFirst(
      (fault) =>
        (fault.pathPrefix === undefined || path.startsWith(fault.pathPrefix)) &&
        (fault.date === undefined || fault.date === day),
    );
  }
}
