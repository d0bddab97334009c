import { addDays, lastDays, toIsoDay } from '../dates';
import { buildDashboard, type Dashboard } from '../dashboard';
import { buildDeveloperUsage, type DeveloperUsage } from '../developers';
import type { Caller, Integration, LedgerEntry } from '../model';
import type { Clock, IntegrationRepository, UsageRepository } from '../ports';
import { providerName, type ManifestCatalog } from '../provider';
import { seatViews, unreportedTeams, type SeatView, type UnreportedTeam } from '../seats';

/**
 * Today, and past days a provider has not published yet (GitHub: up to two days behind), have no ledger
 * entry, because nothing asks for them. They count as pending for each active integration, so the heatmap
 * shows them as partial or pending — never as a quiet day, nor as complete with another tool's figures alone.
 */
export function unpublishedDays(
  integrations: readonly Integration[],
  ledger: readonly LedgerEntry[],
  now: Date,
  start: string,
  newestOffset: (provider: string) => number,
): LedgerEntry[] {
  const today = toIsoDay(now);
  const known = new Set(ledger.map((entry) => `${entry.integration_id}|${entry.date}`));
  const entries: LedgerEntry[] = [];
  for (const integration of integrations) {
    // A paused or failing integration awaits nothing: its missing days are not drawn as pending.
    if (integration.status !== 'active' || !integration.sync_enabled) continue;
    for (let back = 0; back < newestOffset(integration.provider); back++) {
      const date = addDays(today, -back);
      if (date < start || known.has(`${integration.integration_id}|${date}`)) continue;
      entries.push({
        team_id: integration.team_id,
        integration_id: integration.integration_id,
        provider: integration.provider,
        date,
        state: 'pending',
        reason: back === 0 ? 'the day is not over yet' : 'the provider has not published this day yet',
        attempts: 0,
        sync_id: 'none',
        updated_at: now.toISOString(),
        developers: 0,
        interactions: 0,
      });
    }
  }
  return entries;
}

export interface ReadDashboardPorts {
  usage: Pick<UsageRepository, 'getRollups' | 'getLedger' | 'getSeats'>;
  integrations: Pick<IntegrationRepository, 'list'>;
  manifests: ManifestCatalog;
  clock: Clock;
}

/** The team page over the `days` UTC days ending today: O(days × integrations) items read. */
export async function readDashboard(
  caller: Caller,
  days: number,
  ports: ReadDashboardPorts,
): Promise<Dashboard & { team_id: string }> {
  const now = ports.clock.now();
  const today = toIsoDay(now);
  const start = addDays(today, -(days - 1));
  const [rollups, stored, seats, integrations] = await Promise.all([
    ports.usage.getRollups(caller.teamId, start, today),
    ports.usage.getLedger(caller.teamId, start, today),
    ports.usage.getSeats(caller.teamId),
    ports.integrations.list(caller.teamId),
  ]);
  const newestOffset = (provider: string) => ports.manifests.find(provider)?.sync.newestOffset ?? 1;
  const ledger = [...stored, ...unpublishedDays(integrations, stored, now, start, newestOffset)];
  const toolName = (provider: string) => providerName(ports.manifests, provider);
  return { team_id: caller.teamId, ...buildDashboard({ today, days, rollups, ledger, seats, toolName }) };
}

export interface ReadDeveloperUsagePorts {
  usage: Pick<UsageRepository, 'getDeveloperDays' | 'getSeats'>;
  manifests: ManifestCatalog;
  clock: Clock;
}

/** Per-developer usage across tools, every seat, and teams that hold seats but are missing from the rows. */
export async function readDeveloperUsage(
  caller: Caller,
  days: number,
  ports: ReadDeveloperUsagePorts,
): Promise<{
  team_id: string;
  period: { start_date: string; end_date: string; days: number };
  developers: DeveloperUsage[];
  seats: SeatView[];
  unreported_teams: UnreportedTeam[];
}> {
  const today = toIsoDay(ports.clock.now());
  const dates = lastDays(today, days);
  const [rows, seats] = await Promise.all([
    ports.usage.getDeveloperDays(caller.teamId, dates),
    ports.usage.getSeats(caller.teamId),
  ]);
  return {
    team_id: caller.teamId,
    period: { start_date: dates[0] as string, end_date: today, days },
    developers: buildDeveloperUsage(rows, (provider) => providerName(ports.manifests, provider)),
    seats: seatViews(seats, dates[0] as string),
    unreported_teams: unreportedTeams(rows, seats, ports.manifests),
  };
}
