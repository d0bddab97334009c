import type { RequestCounter } from '../../../functions/domain/ports';
import { TeamThrottle } from '../../../functions/domain/request-throttle';

/** The shared count, in memory: what every instance's flushes added, per team and window. */
class MemoryCounter implements RequestCounter {
  readonly counts = new Map<string, number>();
  calls = 0;
  async add(teamId: string, scope: string, windowStart: string, count: number): Promise<number> {
    this.calls++;
    const key = `${teamId}|${scope}|${windowStart}`;
    const total = (this.counts.get(key) ?? 0) + count;
    this.counts.set(key, total);
    return total;
  }
}

const at = (seconds: number) => new Date(Date.parse('2026-11-30T10:00:00Z') + seconds * 1000);
const limit = { requests: 50, windowSeconds: 60 };
const flush = { every: 10, afterMs: 5_000 };

async function admitted(throttle: TeamThrottle, team: string, times: number, when: Date): Promise<number> {
  let passed = 0;
  for (let i = 0; i < times; i++) if ((await throttle.admit(team, when)) === undefined) passed++;
  return passed;
}

describe('TeamThrottle', () => {
  it('admits exactly the limit from one instance, then answers the seconds to the window’s end', async () => {
    const counter = new MemoryCounter();
    const throttle = new TeamThrottle(counter, 'otlp', limit, flush);
    expect(await admitted(throttle, 'team-a', 80, at(15))).toBe(50);
    expect(await throttle.admit('team-a', at(15))).toBe(45);
    expect(await throttle.admit('team-a', at(59.2))).toBe(1);
    // Counted in batches, not a write a request: the first request, then every tenth.
    expect(counter.calls).toBeLessThanOrEqual(6);
  });

  it('starts again in the next window, and keeps teams and scopes apart', async () => {
    const counter = new MemoryCounter();
    const throttle = new TeamThrottle(counter, 'otlp', limit, flush);
    expect(await admitted(throttle, 'team-a', 60, at(10))).toBe(50);
    expect(await admitted(throttle, 'team-b', 60, at(10))).toBe(50);
    expect(await admitted(new TeamThrottle(counter, 'other', limit, flush), 'team-a', 5, at(10))).toBe(5);
    expect(await admitted(throttle, 'team-a', 60, at(70))).toBe(50);
  });

  it('learns what other instances admitted and stays within the limit plus one batch per instance', async () => {
    const counter = new MemoryCounter();
    const instances = Array.from({ length: 4 }, () => new TeamThrottle(counter, 'otlp', limit, flush));
    let passed = 0;
    // Requests spread round-robin over the instances, as a load balancer spreads them.
    for (let i = 0; i < 400; i++) {
      const instance = instances[i % instances.length] as TeamThrottle;
      if ((await instance.admit('team-a', at(20 + i / 100))) === undefined) passed++;
    }
    expect(passed).toBeGreaterThanOrEqual(limit.requests);
    expect(passed).toBeLessThanOrEqual(limit.requests + instances.length * (flush.every - 1));
  });

  it('adds what an idle instance counted after afterMs, so a slow trickle is counted too', async () => {
    const counter = new MemoryCounter();
    const throttle = new TeamThrottle(counter, 'otlp', limit, flush);
    await throttle.admit('team-a', at(1));
    await throttle.admit('team-a', at(2));
    await throttle.admit('team-a', at(7));
    expect(counter.counts.get('team-a|otlp|2026-11-30T10:00:00.000Z')).toBe(3);
  });

  it('refuses a limit that is not a positive whole number', () => {
    expect(() => new TeamThrottle(new MemoryCounter(), 'otlp', { requests: 0, windowSeconds: 60 })).toThrow(
      /positive whole number/,
    );
    expect(
      () => new TeamThrottle(new MemoryCounter(), 'otlp', { requests: Number.NaN, windowSeconds: 60 }),
    ).toThrow();
  });
});
