import { addDays, daysBetween, lastDays } from '../../../../functions/domain/dates';
import type { Breakdowns } from '../../../../functions/domain/metrics';
import type { ReattributionRequest } from '../../../../functions/domain/ports';
import type { DayAttribution } from '../../../../functions/domain/day-attribution';
import {
  activeOffsets,
  blockAt,
  blockKey,
  coveringBlocks,
  dayNumber,
  type IdentityBlock,
} from '../../../../functions/domain/identity-blocks';
import { emptyRoster, toPerson, type PersonInput, type Roster } from '../../../../functions/domain/roster';
import {
  REATTRIBUTION_DAYS_PER_MESSAGE,
  attributeDays,
  reattributeTeam,
  refreshBlocks,
} from '../../../../functions/domain/use-cases/refresh-attribution';
import {
  MemoryAttributionQueue,
  MemoryAttributionStore,
  MemoryRoster,
  MemoryUsage,
  failure,
  fixedClock,
  integrationRecord,
  memoryLog,
} from '../../../helpers/memory-ports';
import { refreshAfterSync, storeDay, type Use } from '../../../helpers/stored-days';
import { manifestCatalog } from '../../../../functions/providers/manifests';

const claude = integrationRecord({ integration_id: 'int_c', provider: 'claude_code' });
const claudeRef = { integration_id: 'int_c', provider: 'claude_code' };
const cursor = integrationRecord({ integration_id: 'int_x', provider: 'cursor' });

const byEmail = (address: string, interactions: number): Use => ({
  key: `email:${address}`,
  interactions,
  ref: { email: address },
});

const people: PersonInput[] = [
  { id: 'dana', display_name: 'Dana', emails: ['dana@x.org'], groups: ['platform'] },
  { id: 'fox', display_name: 'Fox', emails: ['fox@x.org'], groups: ['platform', 'data'] },
];
const rosterAt = (version: number, inputs = people): Roster => ({
  ...emptyRoster('t'),
  version,
  people: inputs.map(toPerson),
});

function setup() {
  const usage = new MemoryUsage();
  const attribution = new MemoryAttributionStore(usage);
  const roster = new MemoryRoster();
  roster.rosters.set('t', rosterAt(1));
  const log = memoryLog();
  return {
    usage,
    attribution,
    roster,
    log,
    ports: { attribution, roster, usage, manifests: manifestCatalog, log },
  };
}

/** A seeded stream of numbers in [0, 1). */
function random(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 48271) % 2147483647) / 2147483647;
}

/** Per identity: summed interactions and active days over [start, end], read from blocks or from rows. */
type Figures = Map<string, { interactions: number; days: string[] }>;

function figuresOfRows(usage: MemoryUsage, integrationId: string, start: string, end: string): Figures {
  const figures: Figures = new Map();
  for (const date of daysBetween(start, end)) {
    for (const row of usage.rows.get(`t|${integrationId}|${date}`) ?? []) {
      const entry = figures.get(row.developer.key) ?? { interactions: 0, days: [] };
      entry.interactions += row.metrics.interactions;
      if (row.active || row.metrics.interactions > 0) entry.days.push(date);
      figures.set(row.developer.key, entry);
    }
  }
  return figures;
}

async function figuresOfBlocks(
  store: MemoryAttributionStore,
  start: string,
  end: string,
): Promise<{ figures: Figures; blocks: IdentityBlock[] }> {
  const wanted = coveringBlocks(start, end).map((block) => ({ ...claudeRef, block }));
  const blocks = await store.getBlocks('t', wanted);
  const figures: Figures = new Map();
  for (const block of blocks) {
    for (const identity of block.identities) {
      const entry = figures.get(identity.key) ?? { interactions: 0, days: [] };
      entry.interactions += identity.metrics[0] ?? 0;
      for (const offset of activeOffsets(identity, block.level))
        entry.days.push(addDays(block.start, offset));
      figures.set(identity.key, entry);
    }
  }
  for (const entry of figures.values()) entry.days.sort();
  return { figures, blocks };
}

describe('refreshing identity blocks', () => {
  it('gives, for any period, the figures of summing the stored rows', async () => {
    const { usage, attribution, ports } = setup();
    const next = random(11);
    const dates = daysBetween('2026-03-20', '2026-06-14').filter(() => next() < 0.85);
    const everyone = ['dana@x.org', 'fox@x.org', 'walter@x.org', 'monica@x.org'];
    for (const date of dates) {
      const uses = everyone
        .filter(() => next() < 0.6)
        .map((address) => ({ ...byEmail(address, Math.floor(next() * 6)), active: next() < 0.8 }));
      await storeDay(usage, claude, date, uses);
    }
    await refreshBlocks('t', claudeRef, dates, ports);

    const periods: [string, string][] = [
      ['2026-03-20', '2026-06-14'],
      ['2026-06-08', '2026-06-14'],
      ['2026-03-01', '2026-06-30'],
    ];
    for (let i = 0; i < 40; i++) {
      const a = addDays('2026-03-15', Math.floor(next() * 100));
      const b = addDays('2026-03-15', Math.floor(next() * 100));
      periods.push(a <= b ? [a, b] : [b, a]);
    }
    for (const [start, end] of periods) {
      const { figures, blocks } = await figuresOfBlocks(attribution, start, end);
      expect([start, end, figures]).toEqual([start, end, figuresOfRows(usage, 'int_c', start, end)]);
      // Blocks above level 0 are read, not every day.
      if (dayNumber(end) - dayNumber(start) > 60) expect(blocks.length).toBeLessThan(20);
    }
  });

  it('brings the blocks above a day stored again up to date', async () => {
    const { usage, attribution, ports } = setup();
    const dates = daysBetween('2026-05-01', '2026-06-14');
    for (const date of dates) await storeDay(usage, claude, date, [byEmail('dana@x.org', 1)]);
    await refreshBlocks('t', claudeRef, dates, ports);
    expect(
      (await figuresOfBlocks(attribution, '2026-05-01', '2026-06-14')).figures.get('email:dana@x.org'),
    ).toEqual({
      interactions: 45,
      days: dates,
    });

    await storeDay(usage, claude, '2026-05-20', [byEmail('dana@x.org', 11), byEmail('fox@x.org', 2)]);
    await refreshBlocks('t', claudeRef, ['2026-05-20'], ports);
    const { figures } = await figuresOfBlocks(attribution, '2026-05-01', '2026-06-14');
    expect(figures.get('email:dana@x.org')?.interactions).toBe(55);
    expect(figures.get('email:fox@x.org')).toEqual({ interactions: 2, days: ['2026-05-20'] });
  });

  it('writes no block above days that were never stored', async () => {
    const { attribution, ports } = setup();
    await refreshBlocks('t', claudeRef, ['2026-06-10'], ports);
    expect(attribution.blocks.size).toBe(0);
  });

  it('builds a block again when a day under it changes while it is built: the latest data wins', async () => {
    const { usage, attribution, ports } = setup();
    await storeDay(usage, claude, '2026-06-10', [byEmail('dana@x.org', 1)]);
    const level1 = blockKey(blockAt('2026-06-10', 1));
    let changed = false;
    const racing = Object.assign(Object.create(attribution) as MemoryAttributionStore, {
      async putBlock(teamId: string, block: IdentityBlock, breakdowns: Breakdowns) {
        await attribution.putBlock(teamId, block, breakdowns);
        // Another fetcher stores the day again just after this writer read it.
        if (!changed && blockKey(block) === level1) {
          changed = true;
          await storeDay(usage, claude, '2026-06-10', [byEmail('dana@x.org', 7)]);
        }
      },
    });
    await refreshBlocks('t', claudeRef, ['2026-06-10'], { ...ports, attribution: racing });
    expect(changed).toBe(true);
    const [block] = await attribution.getBlocks('t', [{ ...claudeRef, block: blockAt('2026-06-10', 1) }]);
    expect(block?.identities[0]?.metrics[0]).toBe(7);
    expect(block?.from).toContain(usage.dayBlocks.get('t|int_c|2026-06-10')?.stamp);
  });

  it('gives up on a block whose days never stop changing', async () => {
    const { usage, attribution, ports } = setup();
    await storeDay(usage, claude, '2026-06-10', [byEmail('dana@x.org', 1)]);
    const restless = Object.assign(Object.create(attribution) as MemoryAttributionStore, {
      async putBlock(teamId: string, block: IdentityBlock, breakdowns: Breakdowns) {
        await attribution.putBlock(teamId, block, breakdowns);
        await storeDay(usage, claude, '2026-06-10', [byEmail('dana@x.org', 1)]);
      },
    });
    const error = await failure(
      refreshBlocks('t', claudeRef, ['2026-06-10'], { ...ports, attribution: restless }),
    );
    expect(error.message).toMatch(/kept changing while it was rebuilt/);
  });
});

describe('attributing days', () => {
  it('writes each stored day’s attribution with the roster version and the stamps it was built from', async () => {
    const { usage, attribution, ports } = setup();
    await storeDay(usage, claude, '2026-06-10', [byEmail('dana@x.org', 2), byEmail('stranger@x.org', 1)]);
    await storeDay(usage, cursor, '2026-06-10', [byEmail('fox@x.org', 3), byEmail('dana@x.org', 1)]);
    const result = await attributeDays('t', ['2026-06-09', '2026-06-10'], ports);
    expect(result).toEqual({ attributed: 1, roster_version: 1 });
    const [day] = await attribution.getDayAttributions('t', '2026-06-01', '2026-06-30');
    expect(day).toEqual({
      team_id: 't',
      date: '2026-06-10',
      roster_version: 1,
      stamps: {
        int_c: usage.dayBlocks.get('t|int_c|2026-06-10')?.stamp,
        int_x: usage.dayBlocks.get('t|int_x|2026-06-10')?.stamp,
      },
      team: { active_people: 3, by_provider: { claude_code: 2, cursor: 2 } },
      groups: {
        platform: { active_people: 2, by_provider: { claude_code: 1, cursor: 2 } },
        data: { active_people: 1, by_provider: { cursor: 1 } },
      },
      matched: {
        claude_code: { interactions: 3, matched_interactions: 2 },
        cursor: { interactions: 4, matched_interactions: 4 },
      },
    });
    const platform = await attribution.getGroupRollups('t', 'platform', '2026-06-10', '2026-06-10');
    expect(platform.map((rollup) => [rollup.integration_id, rollup.metrics.interactions]).sort()).toEqual([
      ['int_c', 2],
      ['int_x', 4],
    ]);
  });

  it('attributes with the newer roster when another writer already used it', async () => {
    const { usage, attribution, log } = setup();
    await storeDay(usage, claude, '2026-06-10', [byEmail('dana@x.org', 2), byEmail('walter@x.org', 1)]);
    const newer = rosterAt(2, [
      ...people,
      { id: 'walter', display_name: 'Walter', emails: ['walter@x.org'] },
    ]);
    await attribution.putDayAttribution(
      { team_id: 't', date: '2026-06-10', roster_version: 2 } as DayAttribution,
      [],
    );
    // This writer read version 1; the roster is at version 2 by the time it reads again.
    const versions = [rosterAt(1), newer];
    const roster = { get: async () => structuredClone(versions.length > 1 ? versions.shift()! : newer) };
    const result = await attributeDays('t', ['2026-06-10'], {
      attribution,
      roster,
      usage,
      manifests: manifestCatalog,
      log,
    });
    expect(result).toEqual({ attributed: 1, roster_version: 2 });
    const [day] = await attribution.getDayAttributions('t', '2026-06-10', '2026-06-10');
    expect(day?.roster_version).toBe(2);
    expect(day?.matched).toEqual({ claude_code: { interactions: 3, matched_interactions: 3 } });
  });

  it('attributes a day again when it is stored again meanwhile', async () => {
    const { usage, attribution, ports } = setup();
    await storeDay(usage, claude, '2026-06-10', [byEmail('dana@x.org', 2)]);
    let restored = false;
    const racing = Object.assign(Object.create(attribution) as MemoryAttributionStore, {
      async getDigestStamps(...args: Parameters<MemoryAttributionStore['getDigestStamps']>) {
        if (!restored) {
          restored = true;
          await storeDay(usage, claude, '2026-06-10', [byEmail('dana@x.org', 2), byEmail('fox@x.org', 5)]);
        }
        return attribution.getDigestStamps(...args);
      },
    });
    const result = await attributeDays('t', ['2026-06-10'], { ...ports, attribution: racing });
    expect(result.attributed).toBe(1);
    const [day] = await attribution.getDayAttributions('t', '2026-06-10', '2026-06-10');
    expect(day?.team.active_people).toBe(2);
    expect(day?.stamps).toEqual({ int_c: usage.dayBlocks.get('t|int_c|2026-06-10')?.stamp });
  });
});

describe('attributing stored days again after a roster change', () => {
  const DAYS = REATTRIBUTION_DAYS_PER_MESSAGE + 10;
  const dates = daysBetween(addDays('2026-06-14', -(DAYS - 1)), '2026-06-14');

  async function storedTeam() {
    const context = setup();
    for (const [index, date] of dates.entries()) {
      await storeDay(context.usage, claude, date, [byEmail(index % 2 ? 'dana@x.org' : 'walter@x.org', 1)]);
    }
    await refreshAfterSync(context.ports, claude, dates);
    // A day that failed holds no data: nothing to attribute.
    await context.usage.recordDayState({
      team_id: 't',
      integration_id: 'int_c',
      provider: 'claude_code',
      date: '2026-06-15',
      state: 'failed',
      reason: 'server (500)',
      sync_id: 's',
      updated_at: '2026-06-15T08:00:00.000Z',
    });
    context.roster.rosters.set(
      't',
      rosterAt(2, [...people, { id: 'walter', display_name: 'Walter', emails: ['walter@x.org'] }]),
    );
    const ports = {
      ...context.ports,
      reattribution: new MemoryAttributionQueue(),
      clock: fixedClock('2026-06-15T09:00:00Z'),
    };
    const versions = async () =>
      new Map(
        (await context.attribution.getDayAttributions('t', '0000-01-01', '9999-12-31')).map((day) => [
          day.date,
          day.roster_version,
        ]),
      );
    return { ...context, ports, versions };
  }

  it('attributes the newest days first, a bounded number per message, and asks again for the rest', async () => {
    const { ports, versions, log } = await storedTeam();
    expect([...(await versions()).values()].every((version) => version === 1)).toBe(true);

    const first = await reattributeTeam({ team_id: 't', roster_version: 2 }, ports);
    expect(first).toEqual({ attributed: REATTRIBUTION_DAYS_PER_MESSAGE, remaining: 10 });
    const after = await versions();
    expect(dates.filter((date) => after.get(date) === 2)).toEqual(dates.slice(10));
    expect(dates.filter((date) => after.get(date) === 1)).toEqual(dates.slice(0, 10));
    // The continuation starts before the oldest day done.
    expect(ports.reattribution.requests).toEqual([
      { team_id: 't', roster_version: 2, requested_at: '2026-06-15T09:00:00.000Z', before: dates[10] },
    ]);
    expect(log.lines.at(-1)).toEqual({
      level: 'info',
      message: 'days attributed again',
      attributes: { team_id: 't', attributed: REATTRIBUTION_DAYS_PER_MESSAGE, remaining: 10 },
    });

    const second = await reattributeTeam(ports.reattribution.requests[0] as ReattributionRequest, ports);
    expect(second).toEqual({ attributed: 10, remaining: 0 });
    expect([...(await versions()).values()].every((version) => version === 2)).toBe(true);
    expect(ports.reattribution.requests).toHaveLength(1);
  });

  it('ends even when stored days have nothing to attribute (each continuation starts before the last)', async () => {
    const { ports, usage } = await storedTeam();
    // 70 more days the ledger calls stored but without rows (no digest): they cannot be attributed.
    for (const date of lastDays('2026-01-31', 70)) {
      await usage.recordDayState({
        team_id: 't',
        integration_id: 'int_c',
        provider: 'claude_code',
        sync_id: 's',
        date,
        state: 'not_available',
        updated_at: date,
      });
      const entry = usage.entry('t', 'int_c', date);
      if (entry) entry.state = 'ok';
    }
    let request: ReattributionRequest | undefined = { team_id: 't', roster_version: 2, requested_at: '' };
    let messages = 0;
    while (request && messages < 10) {
      const before = ports.reattribution.requests.length;
      await reattributeTeam(request, ports);
      messages++;
      request =
        ports.reattribution.requests.length > before ? ports.reattribution.requests.at(-1) : undefined;
    }
    expect(request).toBeUndefined();
    expect(messages).toBe(3);
  });

  it('skips days already attributed with the current roster: repeating a request is harmless', async () => {
    const { ports, attribution } = await storedTeam();
    await reattributeTeam({ team_id: 't', roster_version: 2 }, ports);
    await reattributeTeam({ team_id: 't', roster_version: 2 }, ports);
    const written = new Map(
      (await attribution.getDayAttributions('t', '0000-01-01', '9999-12-31')).map((day) => [day.date, day]),
    );
    expect(await reattributeTeam({ team_id: 't', roster_version: 2 }, ports)).toEqual({
      attributed: 0,
      remaining: 0,
    });
    // Walter is on the roster now: his days count him as a matched person.
    expect(written.get(dates[0] as string)?.matched.claude_code).toEqual({
      interactions: 1,
      matched_interactions: 1,
    });
    expect(ports.reattribution.requests).toHaveLength(1);
  });
});
