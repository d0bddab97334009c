import { addDays, toIsoDay } from '../dates';
import { Attribution, identityLinks } from '../attribution';
import { buildDashboard, type Dashboard } from '../dashboard';
import type { Caller, Integration, LedgerEntry } from '../model';
import type {
  AttributionStore,
  Clock,
  IntegrationRepository,
  RosterRepository,
  UsageRepository,
} from '../ports';
import { visibleGroup } from '../privacy';
import { toolNamer, type ManifestCatalog } from '../provider';
import type { Grain } from '../series';

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
  attribution: Pick<AttributionStore, 'getDayAttributions' | 'getGroupRollups'>;
  roster: Pick<RosterRepository, 'get'>;
  manifests: ManifestCatalog;
  clock: Clock;
}

/** How far the stored days' attribution to people and groups is behind the roster (it catches up by itself). */
export interface AttributionStatus {
  roster_version: number;
  /** Days of the period with usage that are attributed with an older roster, or not yet. */
  days_behind: number;
  up_to_date: boolean;
}

/**
 * The team page — or a group's, with `group` — over the `days` UTC days ending today. Reads O(days ×
 * integrations) items either way: the team's rollups or the group's, the ledger, and each day's attribution
 * (distinct people active, interactions matched to roster people).
 */
export async function readDashboard(
  caller: Caller,
  query: { days: number; group?: string | undefined; grain?: Grain | undefined },
  ports: ReadDashboardPorts,
): Promise<
  Dashboard & {
    team_id: string;
    group: { name: string; size: number } | null;
    attribution: AttributionStatus;
  }
> {
  const { days } = query;
  const now = ports.clock.now();
  const today = toIsoDay(now);
  const start = addDays(today, -(days - 1));
  const [roster, allSeats] = await Promise.all([
    ports.roster.get(caller.teamId),
    ports.usage.getSeats(caller.teamId),
  ]);
  const attribution = new Attribution(roster, identityLinks(allSeats));
  const group = query.group === undefined ? null : visibleGroup(caller, attribution, query.group);
  const [teamRollups, stored, integrations, attributed] = await Promise.all([
    ports.usage.getRollups(caller.teamId, start, today),
    ports.usage.getLedger(caller.teamId, start, today),
    ports.integrations.list(caller.teamId),
    ports.attribution.getDayAttributions(caller.teamId, start, today),
  ]);
  const rollups = group
    ? await ports.attribution.getGroupRollups(caller.teamId, group.name, start, today)
    : teamRollups;
  const members = group ? new Set(attribution.members(group.name).map((person) => person.id)) : undefined;
  const seats = members
    ? allSeats.map((snapshot) => ({
        ...snapshot,
        seats: snapshot.seats.filter((seat) =>
          members.has(
            attribution.resolve(snapshot.provider, snapshot.integration_id, seat.developer).subject,
          ),
        ),
      }))
    : allSeats;
  const newestOffset = (provider: string) => ports.manifests.find(provider)?.sync.newestOffset ?? 1;
  const ledger = [...stored, ...unpublishedDays(integrations, stored, now, start, newestOffset)];
  const toolName = toolNamer(ports.manifests, integrations);
  const byDate = new Map(attributed.map((day) => [day.date, day]));
  const activePeople = new Map(
    attributed.map((day) => [
      day.date,
      group ? (day.groups[group.name] ?? { active_people: 0, by_provider: {} }) : day.team,
    ]),
  );
  const matched = new Map<string, number>();
  for (const day of attributed) {
    for (const [provider, figures] of Object.entries(day.matched)) {
      matched.set(provider, (matched.get(provider) ?? 0) + figures.matched_interactions);
    }
  }
  // Days with usage whose attribution is missing or older than the roster: group figures may lag there.
  const daysWithUsage = new Set(teamRollups.map((rollup) => rollup.date));
  const behind = [...daysWithUsage].filter(
    (date) => (byDate.get(date)?.roster_version ?? -1) < roster.version,
  ).length;
  return {
    team_id: caller.teamId,
    group,
    attribution: { roster_version: roster.version, days_behind: behind, up_to_date: behind === 0 },
    ...buildDashboard({
      today,
      days,
      rollups,
      ledger,
      seats,
      toolName,
      activePeople,
      grain: query.grain ?? 'day',
      ...(group ? {} : { matched }),
    }),
  };
}
