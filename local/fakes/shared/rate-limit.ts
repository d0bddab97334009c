/** Rate limits of the fake provider servers, counted on real time (what a provider's limiter sees). */
export interface RateLimit {
  perWindow: number;
  windowMs: number;
}

/** A rolling window of admitted requests; refused requests do not count. */
export class RollingLimiter {
  private times: number[] = [];

  constructor(private readonly limit: RateLimit) {
    if (!(Number.isInteger(limit.perWindow) && limit.perWindow >= 1 && limit.windowMs > 0)) {
      throw new RangeError('a rate limit needs a positive integer perWindow and a positive windowMs');
    }
  }

  /** Undefined when admitted (and counted); else the milliseconds until a request would be admitted. */
  admit(at: number): number | undefined {
    this.times = this.times.filter((time) => time > at - this.limit.windowMs);
    if (this.times.length < this.limit.perWindow) {
      this.times.push(at);
      return undefined;
    }
    return Math.max(0, Math.min(...this.times) + this.limit.windowMs - at);
  }
}

/** The most times that fall in one half-open window [t, t + windowMs). */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while (sorted[last]! - sorted[first]! >= windowMs) first++;
    best = Math.max(best, last - first + 1);
  }
  return best;
}
