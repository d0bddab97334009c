import { randomUUID } from 'node:crypto';
import { dayBlock } from './identity-blocks';
import type { DeveloperDayUsage } from './metrics';
import type { StoredDeveloperDay } from './model';
import type { DayReplacement } from './ports';
import { summarizeDay } from './rollup';

/**
 * What storing one day of one integration writes, however the day came (a provider's answer, an imported file,
 * rows typed in): the rows, the day's rollup and ledger entry (`ok`, or `no_activity` without activity), the
 * answer kept as raw, and the day's identity block with a fresh stamp.
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
  const identity = { team_id, integration_id, provider, sync_id };
  return {
    teamId: team_id,
    integrationId: integration_id,
    provider,
    date,
    rows,
    rollup: { ...identity, date, ...summary },
    ledger: {
      ...identity,
      date,
      state: active ? 'ok' : 'no_activity',
      attempts: input.attempts + 1,
      updated_at: input.now,
      developers: summary.developers,
      interactions: summary.metrics.interactions,
    },
    raw: input.raw,
    block: dayBlock({ integration_id, provider, stamp: randomUUID() }, date, rows),
  };
}
