import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * Large documents (a day's raw answer, a seat snapshot, the roster, attribution blocks) are stored as gzip JSON
 * split into parts that each fit comfortably in one item, well under DynamoDB's 400 KB limit.
 */
export const PART_BYTES = 300_000;

/** gzip JSON split into parts of at most PART_BYTES. */
export function compressParts(value: unknown): Buffer[] {
  const compressed = gzipSync(Buffer.from(JSON.stringify(value ?? null)));
  const count = Math.max(1, Math.ceil(compressed.length / PART_BYTES));
  return Array.from({ length: count }, (_, part) =>
    compressed.subarray(part * PART_BYTES, (part + 1) * PART_BYTES),
  );
}

/** The value of items holding `part` (number) and `data` (bytes), in any order. */
export function decompressParts(items: readonly Record<string, unknown>[]): unknown {
  const parts = [...items]
    .sort((a, b) => Number(a.part) - Number(b.part))
    .map((item) => Buffer.from(item.data as Uint8Array));
  return JSON.parse(gunzipSync(Buffer.concat(parts)).toString('utf8')) as unknown;
}

/** Sort-key suffix of a part: three digits, so parts sort in order. */
export const partSuffix = (part: number): string => String(part).padStart(3, '0');
