import { FaultQueue as SharedFaultQueue } from '../shared/fault-queue';
import { BODY_DAMAGES, type BodyDamage } from '../shared/damaged-body';
import { isValidDay } from './data';

/**
 * Faults a test (or a person, through POST /__fake/faults) queues to make the fake misbehave the way
 * the real API can: error statuses, rate limits with or without retry-after, slow answers, and answers
 * whose JSON is malformed or cut short.
 */
export type FaultStatus = 400 | 401 | 403 | 429 | 500 | 529;

export interface FaultSpec {
  /** Omitted: the fault only delays (delayMs) or damages (damage) the normal answer. */
  status?: FaultStatus;
  /** How many matching requests it applies to; default 1; Infinity allowed. */
  times?: number;
  /** For 429: the retry-after header in seconds; default 1; null sends none. */
  retryAfterSeconds?: number | null;
  /** The answer's JSON is malformed or cut short (served with status 200 unless `status` says otherwise). */
  damage?: BodyDamage;
  /** Answer only after this many milliseconds. */
  delayMs?: number;
  /** Only requests whose path starts with this; default every /v1/ path. */
  pathPrefix?: string;
  /** Only requests whose starting_at names this UTC day (YYYY-MM-DD). */
  date?: string;
}

export interface FaultTarget {
  path: string;
  /** The UTC day of a valid starting_at, if the request had one. */
  day: string | undefined;
}

const FAULT_STATUSES: readonly number[] = [400, 401, 403, 429, 500, 529];
const API_PREFIX = '/v1/';
/** Longer delays would outlive any sensible test or client timeout and only hold sockets open. */
const MAX_DELAY_MS = 600_000;

function isNonNegativeNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** JSON cannot carry Infinity, so the control endpoint also accepts the string "Infinity". */
function timesOf(value: unknown): unknown {
  return value === 'Infinity' ? Infinity : value;
}

function isValidTimes(value: unknown): boolean {
  return value === Infinity || (typeof value === 'number' && Number.isInteger(value) && value >= 1);
}

function checkFields(spec: Record<string, unknown>): string | undefined {
  const { status, times, retryAfterSeconds, delayMs, pathPrefix, date, damage } = spec;
  if (times !== undefined && !isValidTimes(times)) return 'times must be a positive integer or Infinity';
  if (status !== undefined && !FAULT_STATUSES.includes(status as number)) {
    return `status must be one of ${FAULT_STATUSES.join(', ')}`;
  }
  if (
    retryAfterSeconds !== undefined &&
    retryAfterSeconds !== null &&
    !isNonNegativeNumber(retryAfterSeconds)
  ) {
    return 'retryAfterSeconds must be a non-negative number or null';
  }
  if (damage !== undefined && !BODY_DAMAGES.includes(damage as BodyDamage)) {
    return `damage must be one of ${BODY_DAMAGES.join(', ')}`;
  }
  if (delayMs !== undefined && !(isNonNegativeNumber(delayMs) && delayMs <= MAX_DELAY_MS)) {
    return `delayMs must be between 0 and ${MAX_DELAY_MS}`;
  }
  if (pathPrefix !== undefined && !(typeof pathPrefix === 'string' && pathPrefix.startsWith('/'))) {
    return 'pathPrefix must be a path starting with "/"';
  }
  if (date !== undefined && !(typeof date === 'string' && isValidDay(date))) {
    return 'date must be a YYYY-MM-DD day';
  }
  if (status === undefined && delayMs === undefined && damage === undefined) {
    return 'a fault needs a status, a delayMs, a damage or several of them';
  }
  return undefined;
}

/** A checked copy of the spec, or the reason it is not one. */
export function parseFaultSpec(input: unknown): { fault: FaultSpec } | { error: string } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { error: 'a fault must be a JSON object' };
  }
  const spec: Record<string, unknown> = { ...input };
  if (spec.times !== undefined) spec.times = timesOf(spec.times);
  const error = checkFields(spec);
  // Checked field by field above, so the cast only narrows what is already known.
  return error ? { error } : { fault: spec as FaultSpec };
}

/** Anthropic's faults, matched by path (the API's by default) and day. */
export class ClaudeCodeFaultQueue extends SharedFaultQueue<FaultSpec> {
  constructor() {
    super((input) => {
      const parsed = parseFaultSpec(input);
      return 'error' in parsed ? parsed.error : parsed.fault;
    });
  }

  take(target: FaultTarget): FaultSpec | undefined {
    return this.takeFirst((fault) => matches(fault, target));
  }
}

function matches(fault: FaultSpec, target: FaultTarget): boolean {
  if (!target.path.startsWith(fault.pathPrefix ?? API_PREFIX)) return false;
  return fault.date === undefined || fault.date === target.day;
}
