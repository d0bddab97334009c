import { addDays, toIsoDay } from '../dates';
import { Attribution, identityLinks } from '../attribution';
import { buildDashboard, type Dashboard } from '../dashboard';
import { coveringBlocks } from '../identity-blocks';
import type { Caller, DayTotals, Integration, LedgerDay, LedgerEntry } from '../model';
import type {
  AttributionStore,
  Clock,
  IntegrationRepository,
  RosterRepository,
  UsageRepository,
} from '../ports';
import { visibleGroup } from '../privacy';
import { toolOf } from '../provider-manifest';
import { toolNamer, type ManifestCatalog } from '../provider';
import type { Grain } from '../series';
import { seatsOfSome } from '../seats';

/**
 * Today, and past days a provider has not published yet (GitHub: up to two days behind), have no ledger
 * entry, because nothing asks for them. They count as pending for each active integration, so the heatmap
 * shows them as partial or pending — never as a quiet day, nor as complete with another tool's figures alone.
 */
export function unpublishedDays(
  integrations: readonly Integration[],
  ledger: readonly Pick<LedgerDay, 'integration_id' | 'date'>[],
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

/** The period's breakdowns of the integrations with stored days in it: the breakdown blocks covering it. */
async function periodBreakdowns(
  teamId: string,
  totals: readonly DayTotals[],
  start: string,
  end: string,
  ports: Pick<ReadDashboardPorts, 'attribution'>,
) {
  const integrations = new Map(totals.map((day) => [day.integration_id, day.provider]));
  const blocks = coveringBlocks(start, end);
  const found = await ports.attribution.getBreakdownBlocks(
    teamId,
    [...integrations].flatMap(([integration_id, provider]) =>
      blocks.map((block) => ({ integration_id, provider, block })),
    ),
  );
  return [...found.values()].map((block) => block.breakdowns);
}

export interface ReadDashboardPorts {
  usage: Pick<UsageRepository, 'getLedgerDays' | 'getSeats'>;
  integrations: Pick<IntegrationRepository, 'list'>;
  attribution: Pick<AttributionStore, 'getDayPeople' | 'getGroupRollups' | 'getBreakdownBlocks'>;
  roster: Pick<RosterRepository, 'get' | 'version'>;
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

/** A stored day's sums, from its ledger entry. */
function totalsOf(teamId: string, entry: LedgerDay): DayTotals | undefined {
  if (!entry.metrics) return undefined;
  const { integration_id, provider, date, developers, metrics } = entry;
  return {
    team_id: teamId,
    integration_id,
    provider,
    date,
    developers,
    metrics,
    active_developers: entry.active_developers ?? 0,
  };
}

/**
 * The team page — or a group's, with `group` — over the `days` UTC days ending today. The team's page reads the
 * period's ledger (each stored day's state and sums), each day's attribution (distinct people active,
 * interactions matched to roster people) and the breakdown blocks covering the period (≤ 2 a level per
 * integration, docs/data-model.md) — small items whatever the team's size or variety. A group's page reads the
 * group's daily rollups instead of the team's sums and blocks.
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
  // The team's page asks for everything at once (its breakdown blocks as soon as the ledger says which
  // integrations stored days) and needs only the roster's version; a group's page first needs the roster's
  // people to know the group.
  const teamPage = query.group === undefined;
  const ledgerRead = ports.usage.getLedgerDays(caller.teamId, start, today);
  const [rosterRead, allSeats, stored, integrations, teamPeople, teamBreakdowns] = await Promise.all([
    teamPage ? ports.roster.version(caller.teamId) : ports.roster.get(caller.teamId),
    ports.usage.getSeats(caller.teamId),
    ledgerRead,
    ports.integrations.list(caller.teamId),
    teamPage ? ports.attribution.getDayPeople(caller.teamId, start, today) : undefined,
    teamPage
      ? ledgerRead.then((days) =>
          periodBreakdowns(
            caller.teamId,
            days.flatMap((entry) => totalsOf(caller.teamId, entry) ?? []),
            start,
            today,
            ports,
          ),
        )
      : undefined,
  ]);
  const rosterVersion = typeof rosterRead === 'number' ? rosterRead : rosterRead.version;
  const attribution =
    typeof rosterRead === 'number' ? undefined : new Attribution(rosterRead, identityLinks(allSeats));
  const group =
    query.group === undefined || !attribution ? null : visibleGroup(caller, attribution, query.group);
  const [attributed, groupRollups] = group
    ? await Promise.all([
        ports.attribution.getDayPeople(caller.teamId, start, today, group.name),
        ports.attribution.getGroupRollups(caller.teamId, group.name, start, today),
      ])
    : [teamPeople ?? [], undefined];
  const teamTotals = stored.flatMap((entry) => totalsOf(caller.teamId, entry) ?? []);
  const breakdowns = groupRollups ? groupRollups.map((rollup) => rollup.breakdowns) : (teamBreakdowns ?? []);
  const members =
    group && attribution
      ? { of: attribution, ids: new Set(attribution.members(group.name).map((person) => person.id)) }
      : undefined;
  // A group's seats are its members' listed seats; the organisations' counts are the whole organisation's.
  const seats = members
    ? seatsOfSome(allSeats, (snapshot, seat) =>
        members.ids.has(
          members.of.resolve(snapshot.provider, snapshot.integration_id, seat.developer).subject,
        ),
      )
    : allSeats;
  const newestOffset = (provider: string) => ports.manifests.find(provider)?.sync.newestOffset ?? 1;
  const ledger = [...stored, ...unpublishedDays(integrations, stored, now, start, newestOffset)];
  const toolName = toolNamer(ports.manifests, integrations);
  const byDate = new Map(attributed.map((day) => [day.date, day]));
  const activePeople = new Map(
    attributed.map((day) => [
      day.date,
      group ? (day.group ?? { active_people: 0, by_provider: {} }) : day.team,
    ]),
  );
  const matched = new Map<string, number>();
  for (const day of attributed) {
    for (const [provider, figures] of Object.entries(day.matched)) {
      matched.set(provider, (matched.get(provider) ?? 0) + figures.matched_interactions);
    }
  }
  // Days with usage whose attribution is missing or older than the roster: group figures may lag there.
  const daysWithUsage = new Set(teamTotals.map((day) => day.date));
  const behind = [...daysWithUsage].filter(
    (date) => (byDate.get(date)?.roster_version ?? -1) < rosterVersion,
  ).length;
  return {
    team_id: caller.teamId,
    group,
    attribution: { roster_version: rosterVersion, days_behind: behind, up_to_date: behind === 0 },
    ...buildDashboard({
      today,
      days,
      totals: groupRollups ?? teamTotals,
      breakdowns,
      ledger,
      seats,
      toolName,
      toolOf: (provider) => toolOf(ports.manifests.find(provider) ?? { id: provider }),
      activePeople,
      grain: query.grain ?? 'day',
      ...(group ? {} : { matched }),
    }),
  };
}
