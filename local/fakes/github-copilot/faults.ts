import { FaultQueue } from '../shared/fault-queue';
/**
 * Faults a test (or a person, through POST /__fake/faults) queues to make the fake GitHub misbehave
 * the ways the real one can. Each applies to the next `times` matching requests (default 1).
 */
export type GitHubFault =
  /** An error answer on API paths containing `path` (default: every API path), optionally for one `day`. */
  | {
      kind: 'status';
      status: 401 | 403 | 404 | 429 | 500 | 502 | 503 | 529;
      path?: string;
      day?: string;
      /** 403/429 as GitHub sends rate limits: primary (remaining 0 + reset) or secondary (message + retry-after). */
      rateLimit?: 'primary' | 'secondary';
      retryAfterSeconds?: number;
      times?: number;
    }
  /** API answers on paths containing `path` (default: every API path), optionally for one `day`, come late. */
  | { kind: 'slow'; delayMs: number; path?: string; day?: string; times?: number }
  /** Report calls hand out links that have already expired. */
  | { kind: 'expired_link'; times?: number }
  /** Downloads stop in the middle of a record (the file is cut short). */
  | { kind: 'truncated_file'; times?: number }
  /** Downloads carry one line that is not JSON, in the middle of the file. */
  | { kind: 'bad_line'; times?: number }
  /** Downloads carry one line that is JSON of another shape (a record the API changed), in the middle of the file. */
  | { kind: 'misshapen_line'; times?: number };

const STATUSES = [401, 403, 404, 429, 500, 502, 503, 529];
/** Longer delays would outlive any sensible client timeout and only hold sockets open. */
const MAX_DELAY_MS = 600_000;

export function checkFault(input: unknown): GitHubFault | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return 'a fault must be a JSON object';
  const fault = { ...(input as Record<string, unknown>) };
  if (fault.times === 'Infinity') fault.times = Infinity;
  const times = fault.times;
  if (times !== undefined && times !== Infinity && !(Number.isInteger(times) && (times as number) >= 1)) {
    return 'times must be a positive integer or "Infinity"';
  }
  switch (fault.kind) {
    case 'status':
      if (!STATUSES.includes(fault.status as number)) return `status must be one of ${STATUSES.join(', ')}`;
      if (fault.rateLimit !== undefined && fault.rateLimit !== 'primary' && fault.rateLimit !== 'secondary') {
        return 'rateLimit must be "primary" or "secondary"';
      }
      return fault as GitHubFault;
    case 'slow':
      if (!(typeof fault.delayMs === 'number' && fault.delayMs >= 0 && fault.delayMs <= MAX_DELAY_MS)) {
        return `delayMs must be between 0 and ${MAX_DELAY_MS}`;
      }
      return fault as GitHubFault;
    case 'expired_link':
    case 'truncated_file':
    case 'bad_line':
    case 'misshapen_line':
      return fault as GitHubFault;
    default:
      return 'kind must be one of status, slow, expired_link, truncated_file, bad_line, misshapen_line';
  }
}

export class GitHubFaultQueue extends FaultQueue<GitHubFault> {
  constructor() {
    super(checkFault);
  }

  /** The first fault of this kind that matches, counted as used. */
  take<K extends GitHubFault['kind']>(
    kind: K,
    target: { path: string; day?: string | undefined } = { path: '' },
  ): Extract<GitHubFault, { kind: K }> | undefined {
    return this.takeFirst((fault) => {
      if (fault.kind !== kind) return false;
      if (fault.kind !== 'status' && fault.kind !== 'slow') return true;
      return (
        (fault.path === undefined || target.path.includes(fault.path)) &&
        (fault.day === undefined || fault.day === target.day)
      );
    }) as Extract<GitHubFault, { kind: K }> | undefined;
  }
}
