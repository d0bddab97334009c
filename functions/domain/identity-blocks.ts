import { toIsoDay } from './dates';
import { METRIC_NAMES, type DeveloperDayUsage, type DeveloperRef, type UsageMetrics } from './metrics';

/**
 * Per-identity figures over aligned blocks of days — the pre-aggregates behind every per-person view.
 *
 * A block of level L covers 2^L consecutive UTC days whose first day number (days since 1970-01-01) is a
 * multiple of 2^L; level 0 is one day, level 9 is 512 days. Any period of N days is the union of at most two
 * blocks per level (`coveringBlocks`), so a 90-day view reads ≤ 12 blocks per integration and a 365-day view
 * ≤ 16, whatever the team's size. A block holds, for every identity of one integration that had a row in its
 * days, the summed metrics and a bitmap of the days it was active — sums add up across blocks, and bitmaps
 * keep "active days" exact when one person's identities in several tools are merged.
 *
 * A level-0 block is built from the day's rows; a block of level L ≥ 1 from its two children. Each block
 * carries a `stamp` (changes on every write) and the stamps of the children it was built from, so a writer can
 * tell that a child changed under it and build again (see functions/domain/use-cases/refresh-attribution.ts).
 */
export const MAX_BLOCK_LEVEL = 9;
const DAY_MS = 86_400_000;

export interface BlockRef {
  level: number;
  /** First day of the block. */
  start: string;
}

export interface IdentityTotals {
  key: string;
  ref: DeveloperRef;
  /** Sums in METRIC_NAMES order. */
  metrics: number[];
  /** Base64 bitmap: bit i (byte i >> 3, bit i & 7) is the block's day i, set when the identity was active. */
  active: string;
  /** Provider teams named for the identity in the block (GitHub team slugs). */
  teams?: string[];
}

export interface IdentityBlock extends BlockRef {
  integration_id: string;
  provider: string;
  stamp: string;
  /** Stamps of the two children it was built from (null for a child absent); empty at level 0. */
  from: (string | null)[];
  identities: IdentityTotals[];
}

export const dayNumber = (day: string): number => Date.parse(`${day}T00:00:00Z`) / DAY_MS;
export const dayOfNumber = (n: number): string => toIsoDay(new Date(n * DAY_MS));
export const blockLength = (level: number): number => 2 ** level;

export function blockAt(date: string, level: number): BlockRef {
  const size = blockLength(level);
  return { level, start: dayOfNumber(Math.floor(dayNumber(date) / size) * size) };
}

export const blockEnd = (block: BlockRef): string =>
  dayOfNumber(dayNumber(block.start) + blockLength(block.level) - 1);

export const blockKey = (block: BlockRef): string => `${String(block.level).padStart(2, '0')}#${block.start}`;

export function childBlocks(block: BlockRef): [BlockRef, BlockRef] {
  const level = block.level - 1;
  const start = dayNumber(block.start);
  return [
    { level, start: block.start },
    { level, start: dayOfNumber(start + blockLength(level)) },
  ];
}

/**
 * The fewest aligned blocks whose union is exactly [start, end]: from the start, the largest block that begins
 * there and ends within the period, again and again (at most two blocks per level).
 */
export function coveringBlocks(start: string, end: string): BlockRef[] {
  const blocks: BlockRef[] = [];
  let from = dayNumber(start);
  const to = dayNumber(end);
  while (from <= to) {
    let level = MAX_BLOCK_LEVEL;
    while (level > 0 && (from % blockLength(level) !== 0 || from + blockLength(level) - 1 > to)) level--;
    blocks.push({ level, start: dayOfNumber(from) });
    from += blockLength(level);
  }
  return blocks;
}

/** The blocks above these days, level by level from 1 up (each once), in the order they must be rebuilt. */
export function ancestorLevels(dates: readonly string[]): BlockRef[][] {
  const levels: BlockRef[][] = [];
  for (let level = 1; level <= MAX_BLOCK_LEVEL; level++) {
    const seen = new Map<string, BlockRef>();
    for (const date of dates) {
      const block = blockAt(date, level);
      seen.set(block.start, block);
    }
    levels.push([...seen.values()].sort((a, b) => a.start.localeCompare(b.start)));
  }
  return levels;
}

const metricVector = (metrics: UsageMetrics): number[] => METRIC_NAMES.map((name) => metrics[name]);

export function metricsOfVector(vector: readonly number[]): UsageMetrics {
  return Object.fromEntries(METRIC_NAMES.map((name, index) => [name, vector[index] ?? 0])) as UsageMetrics;
}

function addVector(target: number[], source: readonly number[]): void {
  for (let i = 0; i < METRIC_NAMES.length; i++) target[i] = (target[i] ?? 0) + (source[i] ?? 0);
}

/** A day counts as active for an identity when the provider says so or any interaction was recorded. */
export const activeRow = (row: Pick<DeveloperDayUsage, 'active' | 'metrics'>): boolean =>
  row.active || row.metrics.interactions > 0;

/** Level-0 block of one integration's day. Rows are one per identity (mergeByDeveloper). */
export function dayBlock(
  head: Pick<IdentityBlock, 'integration_id' | 'provider' | 'stamp'>,
  date: string,
  rows: readonly DeveloperDayUsage[],
): IdentityBlock {
  return {
    ...head,
    level: 0,
    start: date,
    from: [],
    identities: rows.map((row) => ({
      key: row.developer.key,
      ref: row.developer,
      metrics: metricVector(row.metrics),
      active: Buffer.from([activeRow(row) ? 1 : 0]).toString('base64'),
      ...(row.teams?.length ? { teams: [...row.teams] } : {}),
    })),
  };
}

/** A block of level ≥ 1 from its two children (either may be absent: no day of it was stored). */
export function mergeBlocks(
  head: Pick<IdentityBlock, 'integration_id' | 'provider' | 'stamp'>,
  block: BlockRef,
  left: IdentityBlock | undefined,
  right: IdentityBlock | undefined,
): IdentityBlock {
  const half = blockLength(block.level - 1);
  const bytes = Math.ceil(blockLength(block.level) / 8);
  const merged = new Map<string, { totals: IdentityTotals; bits: Uint8Array }>();
  const take = (child: IdentityBlock | undefined, offset: number) => {
    for (const identity of child?.identities ?? []) {
      let entry = merged.get(identity.key);
      if (!entry) {
        entry = {
          totals: {
            key: identity.key,
            ref: identity.ref,
            metrics: new Array<number>(METRIC_NAMES.length).fill(0),
            active: '',
          },
          bits: new Uint8Array(bytes),
        };
        merged.set(identity.key, entry);
      }
      // The newer half names the identity as it is now (a renamed login).
      if (offset > 0) entry.totals.ref = identity.ref;
      addVector(entry.totals.metrics, identity.metrics);
      if (identity.teams?.length) {
        entry.totals.teams = [...new Set([...(entry.totals.teams ?? []), ...identity.teams])].sort();
      }
      const childBits = Buffer.from(identity.active, 'base64');
      for (let day = 0; day < half; day++) {
        if (((childBits[day >> 3] ?? 0) >> (day & 7)) & 1) {
          const bit = offset + day;
          entry.bits[bit >> 3] = (entry.bits[bit >> 3] ?? 0) | (1 << (bit & 7));
        }
      }
    }
  };
  take(left, 0);
  take(right, half);
  return {
    ...head,
    level: block.level,
    start: block.start,
    from: [left?.stamp ?? null, right?.stamp ?? null],
    identities: [...merged.values()]
      .map(({ totals, bits }) => ({ ...totals, active: Buffer.from(bits).toString('base64') }))
      .sort((a, b) => a.key.localeCompare(b.key)),
  };
}

/** Days (offsets from the block's start) on which the identity was active. */
export function activeOffsets(identity: Pick<IdentityTotals, 'active'>, level: number): number[] {
  const bits = Buffer.from(identity.active, 'base64');
  const offsets: number[] = [];
  for (let day = 0; day < blockLength(level); day++) {
    if (((bits[day >> 3] ?? 0) >> (day & 7)) & 1) offsets.push(day);
  }
  return offsets;
}
