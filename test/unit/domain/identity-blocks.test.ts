import {
  MAX_BLOCK_LEVEL,
  activeOffsets,
  ancestorLevels,
  blockAt,
  blockEnd,
  blockKey,
  blockLength,
  childBlocks,
  coveringBlocks,
  dayBlock,
  dayNumber,
  dayOfNumber,
  mergeBlocks,
  metricsOfVector,
  type BlockRef,
  type IdentityBlock,
} from '../../../functions/domain/identity-blocks';
import {
  METRIC_NAMES,
  emptyBreakdowns,
  zeroMetrics,
  type DeveloperDayUsage,
} from '../../../functions/domain/metrics';

/** A small seeded PRNG, so a failing case can be run again. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Checks that the blocks are aligned, contiguous, exactly cover [start, end] and use ≤ 2 blocks per level. */
const numbers = new Map<string, number>();
const cachedDayNumber = (day: string): number => {
  let n = numbers.get(day);
  if (n === undefined) numbers.set(day, (n = dayNumber(day)));
  return n;
};

function expectExactCover(start: number, end: number, blocks: BlockRef[]): void {
  let next = start;
  const perLevel = new Map<number, number>();
  for (const block of blocks) {
    const first = cachedDayNumber(block.start);
    const size = blockLength(block.level);
    if (first !== next) throw new Error(`[${start},${end}]: block ${blockKey(block)} starts at ${first}`);
    if (first % size !== 0) throw new Error(`[${start},${end}]: block ${blockKey(block)} is not aligned`);
    if (block.level < 0 || block.level > MAX_BLOCK_LEVEL) throw new Error(`level ${block.level}`);
    perLevel.set(block.level, (perLevel.get(block.level) ?? 0) + 1);
    next = first + size;
  }
  if (next !== end + 1) throw new Error(`[${start},${end}]: the blocks end at ${next - 1}`);
  for (const [level, count] of perLevel) {
    if (count > 2) throw new Error(`[${start},${end}]: ${count} blocks of level ${level}`);
  }
}

/**
 * The fewest aligned blocks (levels 0…MAX) that tile [from, end], for every origin ≤ from ≤ end (index
 * from - origin), by dynamic programming from the end backwards — an independent check of "the fewest".
 */
function fewestBlocks(origin: number, end: number): Int32Array {
  const fewest = new Int32Array(end - origin + 2);
  for (let from = end; from >= origin; from--) {
    let best = Number.MAX_SAFE_INTEGER;
    for (let level = 0; level <= MAX_BLOCK_LEVEL; level++) {
      const size = blockLength(level);
      if (from % size !== 0 || from + size - 1 > end) continue;
      best = Math.min(best, 1 + (fewest[from + size - origin] as number));
    }
    fewest[from - origin] = best;
  }
  return fewest;
}

const row = (
  key: string,
  interactions: number,
  options: { active?: boolean; teams?: string[]; login?: string; cost?: number } = {},
): DeveloperDayUsage => ({
  date: '',
  developer: { key, kind: 'user', ...(options.login ? { login: options.login } : {}) },
  active: options.active ?? interactions > 0,
  metrics: { ...zeroMetrics(), interactions, cost_cents: options.cost ?? 0, tokens_input: interactions * 10 },
  breakdowns: emptyBreakdowns(),
  extras: {},
  ...(options.teams ? { teams: options.teams } : {}),
});

const head = (stamp: string) => ({ integration_id: 'int_a', provider: 'claude_code', stamp });

describe('day numbers and blocks', () => {
  it('numbers days from 1970-01-01 and turns numbers back into the same days', () => {
    expect(dayNumber('1970-01-01')).toBe(0);
    expect(dayNumber('1970-01-02')).toBe(1);
    expect(dayNumber('2024-03-01') - dayNumber('2024-02-28')).toBe(2);
    for (const day of ['2024-02-29', '2026-06-15', '1999-12-31'])
      expect(dayOfNumber(dayNumber(day))).toBe(day);
  });

  it('places a day in the aligned block of each level that contains it', () => {
    for (let level = 0; level <= MAX_BLOCK_LEVEL; level++) {
      const block = blockAt('2026-06-15', level);
      expect(block.level).toBe(level);
      expect(dayNumber(block.start) % blockLength(level)).toBe(0);
      expect(block.start <= '2026-06-15' && '2026-06-15' <= blockEnd(block)).toBe(true);
    }
    expect(blockAt('2026-06-15', 0)).toEqual({ level: 0, start: '2026-06-15' });
  });

  it('splits a block into its two halves, and names blocks so that a level sorts before its days', () => {
    const block = blockAt('2026-06-15', 3);
    const [left, right] = childBlocks(block);
    expect(left).toEqual({ level: 2, start: block.start });
    expect(dayNumber(right.start)).toBe(dayNumber(block.start) + 4);
    expect(blockEnd(right)).toBe(blockEnd(block));
    expect(blockKey({ level: 3, start: '2026-06-08' })).toBe('03#2026-06-08');
    expect(blockKey({ level: 9, start: '2025-11-29' })).toBe('09#2025-11-29');
  });
});

describe('covering a period with blocks', () => {
  it('covers every period of a 160-day stretch exactly, aligned, with the fewest blocks and ≤ 2 per level', () => {
    // 2025-11-29 … 2026-05-07 crosses a 512-aligned boundary (day 20480 = 2026-01-27).
    const origin = dayNumber('2025-11-29');
    const last = origin + 159;
    let periods = 0;
    for (let end = origin; end <= last; end++) {
      const fewest = fewestBlocks(origin, end);
      for (let start = origin; start <= end; start++) {
        const blocks = coveringBlocks(dayOfNumber(start), dayOfNumber(end));
        expectExactCover(start, end, blocks);
        if (blocks.length !== fewest[start - origin]) {
          throw new Error(
            `[${start},${end}]: ${blocks.length} blocks, ${String(fewest[start - origin])} suffice`,
          );
        }
        periods++;
      }
    }
    expect(periods).toBe((160 * 161) / 2);
  });

  it('covers random periods within 700 days exactly, with the fewest blocks and ≤ 2 per level', () => {
    const next = random(20260615);
    const origin = dayNumber('2024-11-20');
    const ends = new Map<number, Int32Array>();
    for (let i = 0; i < 2000; i++) {
      const a = origin + Math.floor(next() * 700);
      const b = origin + Math.floor(next() * 700);
      const [start, end] = a <= b ? [a, b] : [b, a];
      const blocks = coveringBlocks(dayOfNumber(start), dayOfNumber(end));
      expectExactCover(start, end, blocks);
      const fewest = ends.get(end) ?? fewestBlocks(origin, end);
      ends.set(end, fewest);
      expect(blocks.length).toBe(fewest[start - origin]);
    }
  });

  it('reads at most 12 blocks for any 90-day view and at most 16 for any 365-day view', () => {
    const origin = dayNumber('2025-01-01');
    for (let start = origin; start < origin + 1024; start++) {
      expect(coveringBlocks(dayOfNumber(start), dayOfNumber(start + 89)).length).toBeLessThanOrEqual(12);
      expect(coveringBlocks(dayOfNumber(start), dayOfNumber(start + 364)).length).toBeLessThanOrEqual(16);
    }
  });

  it('covers a one-day period with that day, an aligned block with itself, and nothing when start > end', () => {
    expect(coveringBlocks('2026-06-15', '2026-06-15')).toEqual([{ level: 0, start: '2026-06-15' }]);
    const aligned = blockAt('2026-06-15', 4);
    expect(coveringBlocks(aligned.start, blockEnd(aligned))).toEqual([aligned]);
    expect(coveringBlocks('2026-06-15', '2026-06-14')).toEqual([]);
  });
});

describe('the blocks above stored days', () => {
  it('lists, level by level from 1 up, each block above the days once, oldest first', () => {
    const dates = ['2026-06-15', '2026-06-14', '2026-06-16', '2025-01-03'];
    const levels = ancestorLevels(dates);
    expect(levels).toHaveLength(MAX_BLOCK_LEVEL);
    levels.forEach((blocks, index) => {
      const level = index + 1;
      const expected = [...new Set(dates.map((date) => blockAt(date, level).start))].sort();
      expect(blocks).toEqual(expected.map((start) => ({ level, start })));
    });
    // 2026-06-14 and 2026-06-15 share their level-1 block; 2026-06-16 starts the next one.
    expect(levels[0]).toEqual([
      { level: 1, start: '2025-01-02' },
      { level: 1, start: '2026-06-14' },
      { level: 1, start: '2026-06-16' },
    ]);
  });

  it('lists no block for no day', () => {
    expect(ancestorLevels([]).every((level) => level.length === 0)).toBe(true);
  });
});

describe('a day block', () => {
  it('holds each identity’s figures in metric order, whether it was active, and its teams', () => {
    const block = dayBlock(head('s1'), '2026-06-15', [
      row('email:a@x', 3, { teams: ['platform'], cost: 12 }),
      row('email:idle@x', 0, { active: false }),
      row('email:present@x', 0, { active: true }),
    ]);
    expect(block).toMatchObject({ level: 0, start: '2026-06-15', from: [], stamp: 's1' });
    const [a, idle, present] = block.identities;
    expect(a?.metrics).toHaveLength(METRIC_NAMES.length);
    expect(metricsOfVector(a?.metrics ?? [])).toEqual({
      ...zeroMetrics(),
      interactions: 3,
      cost_cents: 12,
      tokens_input: 30,
    });
    expect(a?.teams).toEqual(['platform']);
    expect(activeOffsets(a!, 0)).toEqual([0]);
    expect(activeOffsets(idle!, 0)).toEqual([]);
    expect(idle).not.toHaveProperty('teams');
    expect(activeOffsets(present!, 0)).toEqual([0]);
  });

  it('counts a day with interactions as active even when the provider says otherwise', () => {
    const block = dayBlock(head('s'), '2026-06-15', [row('k', 2, { active: false })]);
    expect(activeOffsets(block.identities[0]!, 0)).toEqual([0]);
  });
});

describe('merging blocks', () => {
  /** Builds the level-`level` block above `start` from stored days, bottom-up, as refreshBlocks does. */
  function build(
    level: number,
    start: string,
    days: ReadonlyMap<string, DeveloperDayUsage[]>,
    stamps: { next: number },
  ): IdentityBlock | undefined {
    if (level === 0) {
      const rows = days.get(start);
      return rows ? dayBlock(head(`s${stamps.next++}`), start, rows) : undefined;
    }
    const block = { level, start };
    const [leftRef, rightRef] = childBlocks(block);
    const left = build(level - 1, leftRef.start, days, stamps);
    const right = build(level - 1, rightRef.start, days, stamps);
    if (!left && !right) return undefined;
    return mergeBlocks(head(`s${stamps.next++}`), block, left, right);
  }

  it('gives, at every level, the sums and active days of summing the days directly', () => {
    const next = random(7);
    const keys = ['email:a@x', 'email:b@x', 'github:7', 'api_key:ci'];
    for (let level = 1; level <= MAX_BLOCK_LEVEL; level++) {
      const block = blockAt('2026-06-15', level);
      const origin = dayNumber(block.start);
      const days = new Map<string, DeveloperDayUsage[]>();
      for (let offset = 0; offset < blockLength(level); offset++) {
        // Some days were never stored (never the first, so the block exists); on others only some
        // identities have a row, some of them idle.
        if (offset > 0 && next() < 0.2) continue;
        const rows = keys
          .filter(() => next() < 0.6)
          .map((key) => {
            const interactions = next() < 0.25 ? 0 : Math.floor(next() * 20);
            return row(key, interactions, { active: interactions > 0 || next() < 0.3 });
          });
        days.set(dayOfNumber(origin + offset), rows);
      }
      const merged = build(level, block.start, days, { next: 1 });
      const expected = new Map<string, { metrics: number[]; active: number[] }>();
      for (const [date, rows] of days) {
        for (const usage of rows) {
          const entry = expected.get(usage.developer.key) ?? {
            metrics: new Array<number>(METRIC_NAMES.length).fill(0),
            active: [],
          };
          METRIC_NAMES.forEach(
            (name, i) => (entry.metrics[i] = (entry.metrics[i] ?? 0) + usage.metrics[name]),
          );
          if (usage.active || usage.metrics.interactions > 0) entry.active.push(dayNumber(date) - origin);
          expected.set(usage.developer.key, entry);
        }
      }
      expect(merged?.level).toBe(level);
      expect(merged?.start).toBe(block.start);
      expect(merged?.identities.map((identity) => identity.key)).toEqual([...expected.keys()].sort());
      for (const identity of merged?.identities ?? []) {
        const want = expected.get(identity.key);
        expect(identity.metrics).toEqual(want?.metrics);
        expect(activeOffsets(identity, level)).toEqual([...(want?.active ?? [])].sort((x, y) => x - y));
      }
    }
  });

  it('records the stamps of the children it was built from, null for a child absent', () => {
    const block = blockAt('2026-06-15', 1);
    const [leftRef, rightRef] = childBlocks(block);
    const left = dayBlock(head('left'), leftRef.start, [row('k', 1)]);
    const right = dayBlock(head('right'), rightRef.start, [row('k', 2)]);
    expect(mergeBlocks(head('m'), block, left, right).from).toEqual(['left', 'right']);
    expect(mergeBlocks(head('m'), block, undefined, right).from).toEqual([null, 'right']);
    const onlyRight = mergeBlocks(head('m'), block, undefined, right);
    expect(activeOffsets(onlyRight.identities[0]!, 1)).toEqual([1]);
    expect(mergeBlocks(head('m'), block, undefined, undefined).identities).toEqual([]);
  });

  it('names an identity as the newer half does (a renamed login) and unites its teams', () => {
    const block = blockAt('2026-06-15', 1);
    const [leftRef, rightRef] = childBlocks(block);
    const left = dayBlock(head('l'), leftRef.start, [
      row('github:7', 1, { login: 'old', teams: ['b', 'a'] }),
    ]);
    const right = dayBlock(head('r'), rightRef.start, [
      row('github:7', 1, { login: 'new', teams: ['c', 'a'] }),
    ]);
    const [identity] = mergeBlocks(head('m'), block, left, right).identities;
    expect(identity?.ref.login).toBe('new');
    expect(identity?.teams).toEqual(['a', 'b', 'c']);
    const [fromOlderOnly] = mergeBlocks(head('m'), block, left, undefined).identities;
    expect(fromOlderOnly?.ref.login).toBe('old');
  });
});

describe('active days of a block', () => {
  it('reads the bitmap day by day: bit i of byte i >> 3 is day i', () => {
    const active = Buffer.from([0b0000_0101, 0b1000_0001]).toString('base64');
    expect(activeOffsets({ active }, 4)).toEqual([0, 2, 8, 15]);
    // Days beyond the block's length are not part of it.
    expect(activeOffsets({ active }, 1)).toEqual([0]);
    expect(activeOffsets({ active: '' }, 3)).toEqual([]);
  });
});
