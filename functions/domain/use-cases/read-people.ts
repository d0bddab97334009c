import { Attribution, identityLinks, identitySubjectId } from '../attribution';
import { BREAKDOWN_DIMENSIONS, addMetrics, type BreakdownDimension, type PartialMetrics } from '../metrics';
import { addDays, lastDays, toIsoDay } from '../dates';
import { heatmapDays, sortedBreakdown, type BreakdownRow, type HeatmapDay } from '../dashboard';
import { NotFoundError, ValidationError } from '../errors';
import {
  activeOffsets,
  coveringBlocks,
  dayNumber,
  dayOfNumber,
  type IdentityBlock,
} from '../identity-blocks';
import type { Caller, LedgerDay, SeatSnapshot } from '../model';
import { toolOf } from '../provider-manifest';
import { buildPeopleUsage, sortPeople, type MatchRate, type PersonUsage, type SortField } from '../people';
import type {
  AttributionStore,
  Clock,
  IntegrationRepository,
  RosterRepository,
  UsageRepository,
} from '../ports';
import { assertMayReadPerson, canSeeEveryone, ownSubject, visibleGroup } from '../privacy';
import { providerName, toolNamer, type ManifestCatalog } from '../provider';
import {
  idleDays,
  seatToolSummaries,
  seatViews,
  seatsOfSome,
  unreportedTeams,
  type SeatToolSummary,
  type SeatView,
  type UnreportedTeam,
} from '../seats';
import { suggestionsFor, type Suggestion } from '../suggestions';
import { unpublishedDays } from './read-dashboard';

/**
 * Per-person views: the developers list (one row per person across tools, plus identities that match nobody),
 * one person's figures and heatmap, and the caller's own ("me"). All read identity blocks — a fixed number of
 * items per integration whatever the team's size — and attribute them through the roster as they read, so a
 * roster change shows at once. Only one person's detail reads developer rows, by key, for their active days.
 */
export interface ReadPeoplePorts {
  attribution: Pick<AttributionStore, 'blockIntegrations' | 'getBlocks' | 'getDeveloperRows'>;
  roster: Pick<RosterRepository, 'get'>;
  usage: Pick<UsageRepository, 'getSeats' | 'getLedgerDays'>;
  integrations: Pick<IntegrationRepository, 'list'>;
  manifests: ManifestCatalog;
  /** The providers that report licences (those whose provider fetches seats), in display order. */
  seatProviders: readonly string[];
  clock: Clock;
}

export interface DevelopersQuery {
  days: number;
  group?: string | undefined;
  sort: SortField;
  order: 'asc' | 'desc';
  /** The tool whose acceptance rate `sort: 'acceptance_rate'` orders by (required with it, only with it). */
  tool?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

export type DeveloperRow = PersonUsage & { suggestions: Suggestion[] };

export interface Period {
  start_date: string;
  end_date: string;
  days: number;
}

interface Loaded {
  period: Period;
  attribution: Attribution;
  blocks: IdentityBlock[];
  seats: SeatSnapshot[];
  toolName: (provider: string) => string;
  toolOf: (provider: string) => string;
}

async function load(caller: Caller, days: number, ports: ReadPeoplePorts): Promise<Loaded> {
  const today = toIsoDay(ports.clock.now());
  const start = addDays(today, -(days - 1));
  const [roster, integrations, seats, connected] = await Promise.all([
    ports.roster.get(caller.teamId),
    ports.attribution.blockIntegrations(caller.teamId),
    ports.usage.getSeats(caller.teamId),
    ports.integrations.list(caller.teamId),
  ]);
  const covering = coveringBlocks(start, today);
  const blocks = await ports.attribution.getBlocks(
    caller.teamId,
    integrations.flatMap((integration) => covering.map((block) => ({ ...integration, block }))),
  );
  return {
    period: { start_date: start, end_date: today, days },
    attribution: new Attribution(roster, identityLinks(seats)),
    blocks,
    seats,
    toolName: toolNamer(ports.manifests, connected),
    toolOf: (provider: string) => toolOf(ports.manifests.find(provider) ?? { id: provider }),
  };
}

/** Every subject of the period (roster people without usage too), attributed through the roster. */
const peopleOf = ({ blocks, period, attribution, toolName, toolOf }: Loaded) =>
  buildPeopleUsage({
    blocks,
    start: period.start_date,
    days: period.days,
    attribution,
    toolName,
    toolOf,
    includeIdle: true,
  });

/** What a cursor must be used with: the same days, group, sort and order (and the tool sorted by). */
const cursorShape = (query: DevelopersQuery) =>
  `${query.days}|${query.group ?? ''}|${query.sort}|${query.order}${query.tool === undefined ? '' : `|${query.tool}`}`;

/**
 * Acceptance orders rows by one tool's rate: a rate across tools would rank one person's Copilot completions
 * against another's Claude Code edits (metrics.ts, acceptanceRate).
 */
function checkSortTool(query: DevelopersQuery): void {
  if (query.sort === 'acceptance_rate' && query.tool === undefined) {
    throw new ValidationError('Acceptance is per tool: name the tool whose rate orders the rows.', [
      {
        field: 'tool',
        message:
          'is required with sort=acceptance_rate: tools count a suggestion differently, so rows are ordered by one tool’s rate (e.g. tool=github_copilot)',
      },
    ]);
  }
  if (query.sort !== 'acceptance_rate' && query.tool !== undefined) {
    throw new ValidationError('A tool orders rows only by its acceptance rate.', [
      { field: 'tool', message: 'is only taken with sort=acceptance_rate' },
    ]);
  }
}

/** A page position, tied to the query it belongs to (a cursor of another sort or period is refused). */
function cursorOffset(query: DevelopersQuery): number {
  if (!query.cursor) return 0;
  const shape = cursorShape(query);
  try {
    const [offset, of] = JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8')) as [
      number,
      string,
    ];
    if (Number.isInteger(offset) && offset >= 0 && of === shape) return offset;
  } catch {
    // fall through to the error below
  }
  throw new ValidationError('The cursor is not valid for this query.', [
    {
      field: 'cursor',
      message: 'pass next_cursor of the previous page, with the same days, group, sort and order',
    },
  ]);
}

const nextCursor = (query: DevelopersQuery, offset: number): string =>
  Buffer.from(JSON.stringify([offset, cursorShape(query)]), 'utf8').toString('base64url');

/** GET /dashboard/developers: one row per person across tools, identities that match nobody, seats. */
export async function readDevelopers(
  caller: Caller,
  query: DevelopersQuery,
  ports: ReadPeoplePorts,
): Promise<{
  team_id: string;
  period: Period;
  roster_version: number;
  group: { name: string; size: number } | null;
  visibility: 'everyone' | 'own_row';
  match_rates: MatchRate[];
  total: number;
  developers: DeveloperRow[];
  next_cursor: string | null;
  seats: SeatView[];
  unreported_teams: UnreportedTeam[];
}> {
  checkSortTool(query);
  const loaded = await load(caller, query.days, ports);
  const { attribution, blocks, period, seats: snapshots } = loaded;
  const group = query.group === undefined ? null : visibleGroup(caller, attribution, query.group);
  const everyone = canSeeEveryone(caller);
  const own = ownSubject(caller, attribution);
  const { people, match_rates } = peopleOf(loaded);
  const inGroup = (row: PersonUsage) => group === null || row.groups.includes(group.name);
  const visible = people.filter((row) => inGroup(row) && (everyone || row.id === own));
  const sorted = sortPeople(visible, query.sort, query.order, query.tool);
  const offset = cursorOffset(query);
  const page = sorted.slice(offset, offset + query.limit).map((row) => ({
    ...row,
    suggestions:
      everyone && row.kind === 'identity'
        ? row.identities.flatMap((identity) => suggestionsFor(identity, attribution.roster))
        : [],
  }));
  const visibleIds = new Set(visible.map((row) => row.id));
  const seats = seatViews(
    snapshots,
    period.start_date,
    (snapshot, seat) =>
      attribution.resolve(snapshot.provider, snapshot.integration_id, seat.developer).subject,
  ).filter((seat) => (everyone && group === null) || visibleIds.has(seat.developer_id));
  const reported = new Set(
    blocks.flatMap((block) =>
      block.identities.flatMap((identity) =>
        (identity.teams ?? []).map((team) => `${block.provider}|${team}`),
      ),
    ),
  );
  return {
    team_id: caller.teamId,
    period,
    roster_version: attribution.roster.version,
    group,
    visibility: everyone ? 'everyone' : 'own_row',
    match_rates: everyone && group === null ? match_rates : [],
    total: sorted.length,
    developers: page,
    next_cursor: offset + query.limit < sorted.length ? nextCursor(query, offset + query.limit) : null,
    seats,
    unreported_teams: unreportedTeams(reported, snapshots, ports.manifests),
  };
}

export interface SeatsView {
  team_id: string;
  period: Period;
  visibility: 'everyone' | 'own_row';
  tools: (SeatToolSummary & { name: string })[];
  seats: (SeatView & { display_name: string; idle_days: number | null })[];
  /** Every provider that reports licences, connected or not: what a team without seats could connect. */
  seat_providers: { provider: string; name: string }[];
}

/**
 * GET /dashboard/seats: every licence of the seat-based tools with whose it is and how long it has been idle,
 * and per tool the seats held (by the dashboard's rule: the organisation's count where reported), used, idle
 * 14 / 30 / 60 days and their spend. Members see their own seats only, counted as listed.
 */
export async function readSeats(caller: Caller, days: number, ports: ReadPeoplePorts): Promise<SeatsView> {
  const loaded = await load(caller, days, ports);
  const { attribution, period, seats: snapshots, toolName } = loaded;
  const everyone = canSeeEveryone(caller);
  const own = ownSubject(caller, attribution);
  const names = new Map(peopleOf(loaded).people.map((row) => [row.id, row.display_name]));
  const holder = (snapshot: SeatSnapshot, seat: SeatSnapshot['seats'][number]) =>
    attribution.resolve(snapshot.provider, snapshot.integration_id, seat.developer).subject;
  // A member's own seats, without the organisation's counts: those are the whole organisation's, not theirs.
  const visible = everyone
    ? snapshots
    : seatsOfSome(snapshots, (snapshot, seat) => holder(snapshot, seat) === own).filter(
        (snapshot) => snapshot.seats.length > 0,
      );
  const seats = seatViews(visible, period.start_date, holder).map((seat) => ({
    ...seat,
    display_name:
      names.get(seat.developer_id) ??
      seat.developer.display_name ??
      seat.developer.email ??
      seat.developer.login ??
      seat.developer.key,
    idle_days: idleDays(seat, period.end_date),
  }));
  return {
    team_id: caller.teamId,
    period,
    visibility: everyone ? 'everyone' : 'own_row',
    tools: seatToolSummaries(visible, period.start_date, period.end_date).map((summary) => ({
      ...summary,
      name: toolName(summary.provider),
    })),
    seats,
    seat_providers: ports.seatProviders.map((provider) => ({
      provider,
      name: providerName(ports.manifests, provider),
    })),
  };
}

export interface PersonDetail {
  team_id: string;
  period: Period;
  roster_version: number;
  developer: PersonUsage;
  heatmap_data: HeatmapDay[];
  breakdowns: Record<BreakdownDimension, BreakdownRow[]>;
}

async function personDetail(
  caller: Caller,
  subject: string,
  loaded: Loaded,
  ports: ReadPeoplePorts,
): Promise<PersonDetail | undefined> {
  const { attribution, blocks, period } = loaded;
  const { people } = peopleOf(loaded);
  const developer = people.find((row) => row.id === subject);
  if (!developer) return undefined;

  // The person's rows, by key, on the days their identities were active (every other day counts 0).
  const wanted: { date: string; integration_id: string; key: string }[] = [];
  for (const block of blocks) {
    for (const identity of block.identities) {
      if (attribution.resolve(block.provider, block.integration_id, identity.ref).subject !== subject)
        continue;
      for (const offset of activeOffsets(identity, block.level)) {
        wanted.push({
          date: dayOfNumber(dayNumber(block.start) + offset),
          integration_id: block.integration_id,
          key: identity.key,
        });
      }
    }
  }
  const now = ports.clock.now();
  const [rows, stored, integrations] = await Promise.all([
    ports.attribution.getDeveloperRows(caller.teamId, wanted),
    ports.usage.getLedgerDays(caller.teamId, period.start_date, period.end_date),
    ports.integrations.list(caller.teamId),
  ]);
  const newestOffset = (provider: string) => ports.manifests.find(provider)?.sync.newestOffset ?? 1;
  const own = new Set(developer.identities.map((identity) => identity.integration_id));
  // Days are judged by the tools the person uses (all the team's tools while they have no usage).
  const ledger = [
    ...stored,
    ...unpublishedDays(integrations, stored, now, period.start_date, newestOffset),
  ].filter((entry) => own.size === 0 || own.has(entry.integration_id));
  const ledgerByDate = new Map<string, Pick<LedgerDay, 'state'>[]>();
  for (const entry of ledger) ledgerByDate.set(entry.date, [...(ledgerByDate.get(entry.date) ?? []), entry]);
  const countByDate = new Map<string, number>();
  const breakdowns = Object.fromEntries(
    BREAKDOWN_DIMENSIONS.map((dimension) => [dimension, new Map<string, PartialMetrics>()]),
  ) as Record<BreakdownDimension, Map<string, PartialMetrics>>;
  for (const row of rows) {
    countByDate.set(row.date, (countByDate.get(row.date) ?? 0) + row.metrics.interactions);
    for (const dimension of BREAKDOWN_DIMENSIONS) {
      for (const [name, figures] of Object.entries(row.breakdowns[dimension])) {
        const target = breakdowns[dimension].get(name) ?? {};
        addMetrics(target, figures);
        breakdowns[dimension].set(name, target);
      }
    }
  }
  return {
    team_id: caller.teamId,
    period,
    roster_version: attribution.roster.version,
    developer,
    heatmap_data: heatmapDays(lastDays(period.end_date, period.days), ledgerByDate, countByDate),
    breakdowns: Object.fromEntries(
      BREAKDOWN_DIMENSIONS.map((dimension) => [dimension, sortedBreakdown(breakdowns[dimension])]),
    ) as Record<BreakdownDimension, BreakdownRow[]>,
  };
}

/** GET /dashboard/developers/{id}: one person's (or unmatched identity's) figures per tool and heatmap. */
export async function readPerson(
  caller: Caller,
  subject: string,
  days: number,
  ports: ReadPeoplePorts,
): Promise<PersonDetail> {
  const loaded = await load(caller, days, ports);
  assertMayReadPerson(caller, loaded.attribution, subject);
  const detail = await personDetail(caller, subject, loaded, ports);
  if (!detail) {
    throw new NotFoundError(
      `No developer with that id in the team: not a person on the roster, nor an identity with usage in the last ${days} days.`,
    );
  }
  return detail;
}

/** GET /dashboard/me: the caller's own figures, found from the verified e-mail of their token. */
export async function readMe(caller: Caller, days: number, ports: ReadPeoplePorts): Promise<PersonDetail> {
  if (!caller.email) {
    throw new NotFoundError(
      'Your token carries no verified e-mail, so your usage cannot be found. Verify your e-mail and sign in again.',
    );
  }
  const loaded = await load(caller, days, ports);
  const subject =
    ownSubject(caller, loaded.attribution) ?? identitySubjectId('', { key: `email:${caller.email}` });
  const detail = await personDetail(caller, subject, loaded, ports);
  if (!detail) {
    throw new NotFoundError(
      `Your e-mail ${caller.email} matches nobody on the team's roster, and no tool reports usage for it in the ` +
        `last ${days} days. Ask an admin to add you to the roster with this e-mail (PUT /api/ai-usage/members).`,
    );
  }
  return detail;
}
