import { addDays, toIsoDay } from './dates';
import type { LedgerEntry } from './model';
import type { ProviderManifest } from './provider-manifest';

/**
 * Which stored days the daily run asks for again, per integration: days inside the provider's history window
 * (its backfill depth, ending with the newest day it serves) that `failed`, or are still `pending` although
 * the provider has published them and no sync has touched them for a while (a job lost or dead-lettered).
 * Never a day that is `ok`, `no_activity` or `not_available`. Oldest first, at most MAX_REPAIR_DAYS a run, so
 * a long outage heals over a few days without crowding out the daily fetch.
 */
export const MAX_REPAIR_DAYS = 14;
/** A pending day no sync has touched for this long is not in flight any more. */
export const STALE_PENDING_HOURS = 6;

export function historyWindow(manifest: ProviderManifest, now: Date): { start: string; end: string } {
  const end = addDays(toIsoDay(now), -manifest.sync.newestOffset);
  return { start: addDays(end, -(manifest.sync.backfillDays - 1)), end };
}

export function daysToRepair(
  ledger: readonly Pick<LedgerEntry, 'date' | 'state' | 'updated_at'>[],
  manifest: ProviderManifest,
  now: Date,
  skip: ReadonlySet<string> = new Set(),
): string[] {
  const { start, end } = historyWindow(manifest, now);
  const stale = now.getTime() - STALE_PENDING_HOURS * 3_600_000;
  return ledger
    .filter(
      (entry) =>
        entry.date >= start &&
        entry.date <= end &&
        !skip.has(entry.date) &&
        (entry.state === 'failed' || (entry.state === 'pending' && Date.parse(entry.updated_at) < stale)),
    )
    .map((entry) => entry.date)
    .sort()
    .slice(0, MAX_REPAIR_DAYS);
}
