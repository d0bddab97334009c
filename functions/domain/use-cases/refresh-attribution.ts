import { randomUUID } from 'node:crypto';
import { Attribution, identityLinks } from '../attribution';
import { attributeDay } from '../day-attribution';
import { toolOf } from '../provider-manifest';
import type { ManifestCatalog } from '../provider';
import { ancestorLevels, blockKey, childBlocks, mergeBlocks, type BlockRef } from '../identity-blocks';
import { sumBreakdowns } from '../rollup';
import type {
  AttributionQueue,
  AttributionStore,
  Clock,
  IntegrationRef,
  Log,
  RosterRepository,
  UsageRepository,
} from '../ports';

/**
 * Keeps the pre-aggregates behind per-person and per-group views in step with stored days:
 *  - `refreshBlocks`: after an integration's days were stored, rebuilds the identity blocks above them, level
 *    by level (functions/domain/identity-blocks.ts);
 *  - `attributeDays`: attributes days to people and groups with the current roster (after a sync, and for every
 *    stored day after a roster change).
 * Both are idempotent, and safe when several fetchers of one team run at once: each write is checked against
 * what it was built from (the children's stamps, the digests' stamps) and built again if those changed
 * meanwhile, so the last writer always leaves the block built from the latest data.
 */
export interface RefreshAttributionPorts {
  attribution: AttributionStore;
  roster: Pick<RosterRepository, 'get'>;
  /** Seat snapshots: the e-mails providers link to identities (GitHub SAML). */
  usage: Pick<UsageRepository, 'getSeats'>;
  /** Which tool each provider reports (two sources of one tool count a person once). */
  manifests: Pick<ManifestCatalog, 'find'>;
  log: Log;
}

/** Rebuilds, under concurrent writers, settle in one or two rounds; more means something is wrong. */
const MAX_ROUNDS = 8;
/** Blocks of one level rebuilt at once: a year's backfill has 183 at level 1. */
const BLOCKS_AT_ONCE = 8;
const newStamp = (): string => randomUUID();
/** Bounds of "every stored day" (ISO days sort as text). */
const EARLIEST_DAY = '0000-01-01';
const LATEST_DAY = '9999-12-31';

/** Reads of a child pair that caught a writer between its identity block and its breakdowns, before giving up. */
const MAX_TORN_READS = 20;

/**
 * The two children of a block, each with its breakdowns — read again while a writer is between writing a
 * child's identity block and its breakdowns (their stamps differ for a moment).
 */
async function readChildren(
  teamId: string,
  integration: IntegrationRef,
  children: readonly (IntegrationRef & { block: BlockRef })[],
  ports: RefreshAttributionPorts,
) {
  for (let read = 1; read <= MAX_TORN_READS; read++) {
    const [found, breakdownBlocks] = await Promise.all([
      ports.attribution.getBlocks(teamId, children, { consistent: true }),
      ports.attribution.getBreakdownBlocks(teamId, children, { consistent: true }),
    ]);
    const pair = children.map((wanted) => {
      const block = found.find((candidate) => blockKey(candidate) === blockKey(wanted.block));
      const breakdowns = block
        ? breakdownBlocks.get(`${integration.integration_id}|${blockKey(block)}`)
        : undefined;
      return { block, breakdowns };
    });
    if (pair.every(({ block, breakdowns }) => !block || breakdowns?.stamp === block.stamp)) return pair;
    await new Promise((resolve) => setTimeout(resolve, 5 * read));
  }
  throw new Error(`the blocks under ${integration.integration_id} kept changing while they were read`);
}

async function rebuildBlock(
  teamId: string,
  integration: IntegrationRef,
  block: BlockRef,
  ports: RefreshAttributionPorts,
): Promise<void> {
  const children = childBlocks(block).map((child) => ({ ...integration, block: child }));
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const [left, right] = await readChildren(teamId, integration, children, ports);
    if (!left?.block && !right?.block) return;
    const merged = mergeBlocks({ ...integration, stamp: newStamp() }, block, left?.block, right?.block);
    await ports.attribution.putBlock(
      teamId,
      merged,
      sumBreakdowns([left, right].flatMap((side) => (side?.breakdowns ? [side.breakdowns.breakdowns] : []))),
    );
    const stamps = await ports.attribution.getBlockStamps(teamId, children);
    const now = children.map(
      (wanted) => stamps.get(`${integration.integration_id}|${blockKey(wanted.block)}`) ?? null,
    );
    if (now[0] === merged.from[0] && now[1] === merged.from[1]) return;
  }
  throw new Error(
    `block ${blockKey(block)} of ${integration.integration_id} kept changing while it was rebuilt`,
  );
}

export async function refreshBlocks(
  teamId: string,
  integration: IntegrationRef,
  dates: readonly string[],
  ports: RefreshAttributionPorts,
): Promise<void> {
  for (const level of ancestorLevels(dates)) {
    // A level's blocks are independent of each other (a few at a time); the next level needs them all.
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(BLOCKS_AT_ONCE, level.length) }, async () => {
        while (next < level.length) await rebuildBlock(teamId, integration, level[next++] as BlockRef, ports);
      }),
    );
  }
}

/** After days of an integration were stored: the blocks above them, then their attribution (in that order). */
export async function refreshAfterStoring(
  teamId: string,
  integration: IntegrationRef,
  dates: readonly string[],
  ports: RefreshAttributionPorts,
): Promise<void> {
  if (dates.length === 0) return;
  await refreshBlocks(teamId, integration, dates, ports);
  await attributeDays(teamId, dates, ports);
}

/**
 * Attributes each day to people and groups with the current roster: reads every integration's digest of the
 * day, writes the day's attribution and group rollups, then checks that no digest changed meanwhile (and
 * reads the roster again if a newer one was used by another writer). Days with nothing stored are skipped.
 */
export async function attributeDays(
  teamId: string,
  dates: readonly string[],
  ports: RefreshAttributionPorts,
): Promise<{ attributed: number; roster_version: number }> {
  const [roster, seats, integrations] = await Promise.all([
    ports.roster.get(teamId),
    ports.usage.getSeats(teamId),
    ports.attribution.blockIntegrations(teamId),
  ]);
  const links = identityLinks(seats);
  let attribution = new Attribution(roster, links);
  let attributed = 0;
  for (const date of dates) {
    for (let round = 1; ; round++) {
      if (round > MAX_ROUNDS) throw new Error(`day ${date} kept changing while it was attributed`);
      const digests = await ports.attribution.getDayDigests(teamId, date, integrations);
      if (digests.length === 0) break;
      const { day, rollups } = attributeDay(teamId, date, digests, attribution, (provider) =>
        toolOf(ports.manifests.find(provider) ?? { id: provider }),
      );
      if (!(await ports.attribution.putDayAttribution(day, rollups))) {
        attribution = new Attribution(await ports.roster.get(teamId), links);
        continue;
      }
      const stamps = await ports.attribution.getDigestStamps(teamId, date, integrations);
      const same =
        Object.keys(stamps).length === digests.length &&
        digests.every((digest) => stamps[digest.integration_id] === digest.stamp);
      if (same) {
        attributed++;
        break;
      }
    }
  }
  return { attributed, roster_version: attribution.roster.version };
}

export interface ReattributePorts extends RefreshAttributionPorts {
  usage: Pick<UsageRepository, 'getLedger' | 'getSeats'>;
  reattribution: AttributionQueue;
  clock: Clock;
}

/** Days attributed per message: a year of a 1,000-person team takes a few messages, each well within its timeout. */
export const REATTRIBUTION_DAYS_PER_MESSAGE = 60;

/**
 * After a roster change: attributes every stored day whose attribution predates the roster, newest first (the
 * days people look at), a bounded number per message; the rest goes back on the queue as a continuation that
 * starts before the oldest day done, so the work always ends (a stored day with nothing to attribute is passed,
 * not retried). Repeating a request is harmless: days already attributed to the current roster are skipped.
 */
export async function reattributeTeam(
  request: { team_id: string; roster_version: number; before?: string | undefined },
  ports: ReattributePorts,
): Promise<{ attributed: number; remaining: number }> {
  const teamId = request.team_id;
  const [roster, ledger, attributed] = await Promise.all([
    ports.roster.get(teamId),
    ports.usage.getLedger(teamId, EARLIEST_DAY, LATEST_DAY),
    ports.attribution.getDayAttributions(teamId, EARLIEST_DAY, LATEST_DAY),
  ]);
  const current = new Map(attributed.map((day) => [day.date, day.roster_version]));
  const stored = new Set(
    ledger
      .filter((entry) => entry.state === 'ok' || entry.state === 'no_activity')
      .map((entry) => entry.date),
  );
  const behind = [...stored]
    .filter(
      (date) => (current.get(date) ?? -1) < roster.version && (!request.before || date < request.before),
    )
    .sort()
    .reverse();
  const now = behind.slice(0, REATTRIBUTION_DAYS_PER_MESSAGE);
  const result = await attributeDays(teamId, now, ports);
  const remaining = behind.length - now.length;
  if (remaining > 0) {
    await ports.reattribution.requestReattribution({
      team_id: teamId,
      roster_version: result.roster_version,
      requested_at: ports.clock.now().toISOString(),
      before: now[now.length - 1] as string,
    });
  }
  ports.log.info('days attributed again', { team_id: teamId, attributed: result.attributed, remaining });
  return { attributed: result.attributed, remaining };
}
