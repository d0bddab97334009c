import { randomUUID } from 'node:crypto';
import { dayBlock } from '../../functions/domain/identity-blocks';
import { emptyBreakdowns, zeroMetrics, type DeveloperRef } from '../../functions/domain/metrics';
import type { Integration, StoredDeveloperDay } from '../../functions/domain/model';
import type { UsageRepository } from '../../functions/domain/ports';
import { summarizeDay } from '../../functions/domain/rollup';
import {
  attributeDays,
  refreshBlocks,
  type RefreshAttributionPorts,
} from '../../functions/domain/use-cases/refresh-attribution';

/** One developer's use of a tool on a day: `key` is an e-mail unless `ref` says otherwise. */
export interface Use {
  key: string;
  interactions: number;
  teams?: string[];
  ref?: Partial<DeveloperRef>;
  active?: boolean;
}

/** Stores a fetched day exactly as the fetcher does: rows, raw, level-0 block, rollup and ledger together. */
export async function storeDay(
  usage: Pick<UsageRepository, 'replaceDay'>,
  integration: Integration,
  date: string,
  uses: Use[],
): Promise<void> {
  const rows: StoredDeveloperDay[] = uses.map((use) => ({
    team_id: integration.team_id,
    integration_id: integration.integration_id,
    provider: integration.provider,
    date,
    developer: { key: use.key, kind: 'user', email: use.key, ...use.ref },
    active: use.active ?? true,
    metrics: { ...zeroMetrics(), interactions: use.interactions },
    breakdowns: emptyBreakdowns(),
    extras: {},
    ...(use.teams ? { teams: use.teams } : {}),
  }));
  const summary = summarizeDay(rows);
  const identity = {
    team_id: integration.team_id,
    integration_id: integration.integration_id,
    provider: integration.provider,
    sync_id: 's',
  };
  await usage.replaceDay({
    teamId: integration.team_id,
    integrationId: integration.integration_id,
    provider: integration.provider,
    date,
    rows,
    rollup: { ...identity, date, ...summary },
    ledger: {
      ...identity,
      date,
      state: summary.active_developers > 0 ? 'ok' : 'no_activity',
      attempts: 1,
      updated_at: `${date}T12:00:00.000Z`,
      developers: summary.developers,
      interactions: summary.metrics.interactions,
    },
    raw: {},
    block: dayBlock(
      { integration_id: integration.integration_id, provider: integration.provider, stamp: randomUUID() },
      date,
      rows,
    ),
  });
}

/** What a fetcher does after storing days: the blocks above them, then their attribution. */
export async function refreshAfterSync(
  ports: RefreshAttributionPorts,
  integration: Integration,
  dates: string[],
): Promise<void> {
  const ref = { integration_id: integration.integration_id, provider: integration.provider };
  await refreshBlocks(integration.team_id, ref, dates, ports);
  await attributeDays(integration.team_id, dates, ports);
}
