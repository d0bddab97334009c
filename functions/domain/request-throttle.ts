import type { RequestCounter } from './ports';

/** A team's allowance: at most `requests` in each fixed window of `windowSeconds`. */
export interface ThrottleLimit {
  requests: number;
  windowSeconds: number;
}

/** How often an instance adds what it counted to the shared count: after `every` requests, or `afterMs`. */
export interface ThrottleFlush {
  every: number;
  afterMs: number;
}

export const DEFAULT_THROTTLE_FLUSH: ThrottleFlush = { every: 20, afterMs: 5_000 };

interface TeamWindow {
  start: number;
  /** The shared count as last answered (every instance's requests, this one's included). */
  known: number;
  /** This instance's requests not yet added to the shared count. */
  pending: number;
  flushedAt: number;
}

/** Teams an instance remembers before it forgets those of past windows. */
const REMEMBERED_TEAMS = 10_000;

/**
 * A per-team request limit over fixed windows, shared by every instance of a function through a counter
 * (decision 92). An instance does not write each request: it counts locally and adds its count to the shared one
 * after `flush.every` requests or `flush.afterMs`, and always on its first request of a window, so it learns what
 * the other instances admitted. A team can therefore pass its limit by at most (`flush.every` − 1) requests per
 * instance and what arrives within `flush.afterMs`; one instance alone is exact.
 */
export class TeamThrottle {
  private readonly teams = new Map<string, TeamWindow>();

  constructor(
    private readonly counter: RequestCounter,
    /** What is counted (a route), so two limits of one team keep separate counts. */
    private readonly scope: string,
    private readonly limit: ThrottleLimit,
    private readonly flush: ThrottleFlush = DEFAULT_THROTTLE_FLUSH,
  ) {
    if (!Number.isInteger(limit.requests) || limit.requests < 1) {
      throw new Error(`a throttle needs a positive whole number of requests, not ${limit.requests}`);
    }
  }

  /** Counts one request of the team: undefined when it may go on, else the seconds until its window ends. */
  async admit(teamId: string, now: Date): Promise<number | undefined> {
    const windowMs = this.limit.windowSeconds * 1000;
    const at = now.getTime();
    const start = Math.floor(at / windowMs) * windowMs;
    let window = this.teams.get(teamId);
    if (!window || window.start !== start) {
      if (this.teams.size >= REMEMBERED_TEAMS) this.forgetBefore(start);
      window = { start, known: 0, pending: 0, flushedAt: Number.NEGATIVE_INFINITY };
      this.teams.set(teamId, window);
    }
    const retryAfter = Math.max(1, Math.ceil((start + windowMs - at) / 1000));
    if (window.known + window.pending >= this.limit.requests) return retryAfter;
    window.pending++;
    if (window.pending >= this.flush.every || at - window.flushedAt >= this.flush.afterMs) {
      const count = window.pending;
      window.pending = 0;
      window.flushedAt = at;
      const total = await this.counter.add(
        teamId,
        this.scope,
        new Date(start).toISOString(),
        count,
        // Kept a window past its end, then removed by the table's time to live.
        new Date(start + 2 * windowMs),
      );
      window.known = Math.max(window.known, total);
      // Other instances filled the window meanwhile: this request is one too many.
      if (total > this.limit.requests) return retryAfter;
    }
    return undefined;
  }

  private forgetBefore(start: number): void {
    for (const [team, window] of this.teams) if (window.start < start) this.teams.delete(team);
  }
}
