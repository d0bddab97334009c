import { createHash, randomUUID } from 'node:crypto';
import { dayBlock } from './identity-blocks';
import { METRIC_NAMES, type DeveloperDayUsage, type MetricName } from './metrics';
import type { StoredDeveloperDay } from './model';
import type { DayReplacement } from './ports';
import { summarizeDay } from './rollup';

/** JSON with object keys in order, so the same figures always give the same text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The metrics appended to the vocabulary after fingerprints were first stored (METRIC_NAMES from `active_seconds`
 * on). The fingerprint hashes them only when they are not 0: a day stored before one was appended, synced again
 * from a provider that does not report it, hashes as it did and is not written again (decision 90). The metrics
 * before them are hashed with their zeros, as they always were.
 */
const APPENDED_METRICS: readonly MetricName[] = METRIC_NAMES.slice(METRIC_NAMES.indexOf('active_seconds'));

/**
 * The fingerprint of a day's rows: the same developers with the same figures give the same hash, whatever the
 * order the provider listed them in. The raw answer is left out on purpose: it carries request times and signed
 * links that change on every call although the figures do not.
 */
export function rowsFingerprint(rows: readonly DeveloperDayUsage[]): string {
  const sorted = [...rows]
    .sort((a, b) => (a.developer.key < b.developer.key ? -1 : a.developer.key > b.developer.key ? 1 : 0))
    .map((row) => {
      const metrics: Partial<DeveloperDayUsage['metrics']> = { ...row.metrics };
      for (const name of APPENDED_METRICS) if (!metrics[name]) delete metrics[name];
      return { ...row, metrics };
    });
  return createHash('sha256').update(canonical(sorted)).digest('base64url');
}

/**
 * What storing one day of one integration writes, however the day came (a provider's answer, an imported file,
 * rows typed in): the rows, the day's ledger entry with its sums (`ok`, or `no_activity` without activity), the
 * day's breakdowns, the answer kept as raw, and the day's identity block with a fresh
 * stamp.
 */
export function dayReplacement(input: {
  team_id: string;
  integration_id: string;
  provider: string;
  /** The sync (or import) that stored it. */
  sync_id: string;
  date: string;
  rows: readonly DeveloperDayUsage[];
  raw: unknown;
  /** Attempts the ledger counted before this one. */
  attempts: number;
  now: string;
}): DayReplacement {
  const { team_id, integration_id, provider, sync_id, date } = input;
  const rows: StoredDeveloperDay[] = input.rows.map((row) => ({ ...row, team_id, integration_id, provider }));
  const summary = summarizeDay(rows);
  const active = summary.active_developers > 0 || summary.metrics.interactions > 0;
  return {
    teamId: team_id,
    integrationId: integration_id,
    provider,
    date,
    rows,
    ledger: {
      team_id,
      integration_id,
      provider,
      sync_id,
      date,
      state: active ? 'ok' : 'no_activity',
      attempts: input.attempts + 1,
      updated_at: input.now,
      developers: summary.developers,
      interactions: summary.metrics.interactions,
      metrics: summary.metrics,
      active_developers: summary.active_developers,
    },
    breakdowns: summary.breakdowns,
    raw: input.raw,
    block: dayBlock({ integration_id, provider, stamp: randomUUID() }, date, rows),
  };
}
