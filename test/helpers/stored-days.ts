import {
  emptyBreakdowns,
  zeroMetrics,
  type DeveloperDayUsage,
  type DeveloperRef,
  type UsageMetrics,
} from '../../functions/domain/metrics';
import type { Integration } from '../../functions/domain/model';
import type { UsageRepository } from '../../functions/domain/ports';
import { dayReplacement } from '../../functions/domain/stored-day';
import {
  refreshAfterStoring,
  type RefreshAttributionPorts,
} from '../../functions/domain/use-cases/refresh-attribution';

/** One developer's use of a tool on a day: `key` is an e-mail unless `ref` says otherwise. */
export interface Use {
  key: string;
  interactions: number;
  teams?: string[];
  ref?: Partial<DeveloperRef>;
  active?: boolean;
  /** Other figures of the row (suggestions shown and accepted, …); 0 where not given. */
  metrics?: Partial<UsageMetrics>;
}

/** Stores a fetched day exactly as the fetcher does: rows, raw, level-0 block, rollup and ledger together. */
export async function storeDay(
  usage: Pick<UsageRepository, 'replaceDay'>,
  integration: Integration,
  date: string,
  uses: Use[],
): Promise<void> {
  const rows: DeveloperDayUsage[] = uses.map((use) => ({
    date,
    developer: { key: use.key, kind: 'user', email: use.key, ...use.ref },
    active: use.active ?? true,
    metrics: { ...zeroMetrics(), ...use.metrics, interactions: use.interactions },
    breakdowns: emptyBreakdowns(),
    extras: {},
    ...(use.teams ? { teams: use.teams } : {}),
  }));
  await usage.replaceDay(
    dayReplacement({
      team_id: integration.team_id,
      integration_id: integration.integration_id,
      provider: integration.provider,
      sync_id: 's',
      date,
      rows,
      raw: {},
      attempts: 0,
      now: `${date}T12:00:00.000Z`,
    }),
  );
}

/** What a fetcher does after storing days: the blocks above them, then their attribution. */
export async function refreshAfterSync(
  ports: RefreshAttributionPorts,
  integration: Integration,
  dates: string[],
): Promise<void> {
  const ref = { integration_id: integration.integration_id, provider: integration.provider };
  await refreshAfterStoring(integration.team_id, ref, dates, ports);
}
