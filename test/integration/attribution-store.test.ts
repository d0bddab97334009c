import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoAttributionStore } from '../../functions/adapters/dynamodb/attribution-store';
import { DynamoRosterRepository } from '../../functions/adapters/dynamodb/roster-repository';
import { integrationsTable, usageTable } from '../../functions/adapters/dynamodb/table-definitions';
import { DynamoUsageRepository } from '../../functions/adapters/dynamodb/usage-repository';
import { Attribution } from '../../functions/domain/attribution';
import { addDays, daysBetween } from '../../functions/domain/dates';
import {
  activeOffsets,
  coveringBlocks,
  dayNumber,
  metricsOfVector,
} from '../../functions/domain/identity-blocks';
import { toPerson, type Roster } from '../../functions/domain/roster';
import type { Integration, LedgerDay } from '../../functions/domain/model';
import { attributeDays, refreshBlocks } from '../../functions/domain/use-cases/refresh-attribution';
import { ensureTables } from '../../local/create-tables';
import { integrationRecord, memoryLog } from '../helpers/memory-ports';
import { storeDay, type Use } from '../helpers/stored-days';
import { dropTestTables } from '../helpers/test-tables';
import { manifestCatalog } from '../../functions/providers/manifests';

/**
 * The pre-aggregates on DynamoDB Local under the concurrency they meet in AWS: several fetchers of one team
 * storing and refreshing overlapping days at once, two integrations storing the same day at once, two admins
 * saving the roster at once. Whatever the interleaving, what is read back equals what the stored rows say.
 */
const TEAM = 'team-blocks';
const START = '2026-03-01';
const DAYS = daysBetween(START, addDays(START, 63));

/** Deterministic pseudo-random numbers (a test that fails must fail the same way again). */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function usesFor(day: string, version: number, people = 25): Use[] {
  const next = random(dayNumber(day) * 31 + version);
  return Array.from({ length: people }, (_, index) => ({
    key: `dev${index}@example.org`,
    interactions: next() < 0.35 ? 0 : Math.floor(next() * 50),
  }))
    .filter((use) => use.interactions > 0 || next() < 0.2)
    .map((use) => ({ ...use, active: use.interactions > 0 }));
}

describe('attribution store on DynamoDB Local', () => {
  const dynamo = new DynamoDBClient({});
  const documents = DynamoDBDocumentClient.from(dynamo, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
  let names: Record<string, string>;
  let usage: DynamoUsageRepository;
  let store: DynamoAttributionStore;
  let rosters: DynamoRosterRepository;

  beforeAll(async () => {
    names = await ensureTables(dynamo, `a${randomUUID().slice(0, 8)}-`);
    usage = new DynamoUsageRepository(documents, names[usageTable.envVar] as string);
    store = new DynamoAttributionStore(documents, names[usageTable.envVar] as string);
    rosters = new DynamoRosterRepository(documents, names[integrationsTable.envVar] as string);
  });
  afterAll(async () => {
    await dropTestTables(dynamo, Object.values(names));
    dynamo.destroy();
  });

  const ports = () => ({
    attribution: store,
    roster: rosters,
    usage,
    manifests: manifestCatalog,
    log: memoryLog(),
  });

  it('keeps identity blocks exact when jobs store and refresh overlapping days at once', async () => {
    const integration: Integration = integrationRecord({
      team_id: TEAM,
      integration_id: 'int_a',
      provider: 'claude_code',
    });
    const latest = new Map<string, Use[]>();
    // Eight jobs at once, each storing a run of days (later jobs store some days again, with new figures) and
    // then refreshing the blocks above them, as fetchers do.
    const jobs = Array.from({ length: 8 }, (_, job) => {
      const from = (job * 7) % 50;
      return DAYS.slice(from, from + 14).map((day) => ({ day, version: job }));
    });
    const order: { day: string; version: number }[] = [];
    await Promise.all(
      jobs.map(async (days) => {
        for (const { day, version } of days) {
          await storeDay(usage, integration, day, usesFor(day, version));
          order.push({ day, version });
        }
        await refreshBlocks(
          TEAM,
          integration,
          days.map((d) => d.day),
          ports(),
        );
      }),
    );
    for (const { day, version } of order) latest.set(day, usesFor(day, version));

    const check = async (start: string, end: string) => {
      const blocks = await store.getBlocks(
        TEAM,
        coveringBlocks(start, end).map((block) => ({
          integration_id: 'int_a',
          provider: 'claude_code',
          block,
        })),
      );
      const read = new Map<string, { interactions: number; days: Set<string> }>();
      for (const block of blocks) {
        for (const identity of block.identities) {
          const entry = read.get(identity.key) ?? { interactions: 0, days: new Set<string>() };
          entry.interactions += metricsOfVector(identity.metrics).interactions;
          for (const offset of activeOffsets(identity, block.level))
            entry.days.add(addDays(block.start, offset));
          read.set(identity.key, entry);
        }
      }
      const expected = new Map<string, { interactions: number; days: Set<string> }>();
      for (const day of daysBetween(start, end)) {
        for (const use of latest.get(day) ?? []) {
          const key = use.key;
          const entry = expected.get(key) ?? { interactions: 0, days: new Set<string>() };
          entry.interactions += use.interactions;
          if (use.interactions > 0) entry.days.add(day);
          expected.set(key, entry);
        }
      }
      expect([...read.entries()].sort()).toEqual([...expected.entries()].sort());
    };
    const next = random(7);
    for (let i = 0; i < 12; i++) {
      const a = Math.floor(next() * 64);
      const b = Math.floor(next() * 64);
      await check(DAYS[Math.min(a, b)] as string, DAYS[Math.max(a, b)] as string);
    }
    await check(DAYS[0] as string, DAYS[63] as string);
  });

  it('counts the distinct people of a day when two integrations store it at once', async () => {
    const day = '2026-05-10';
    const roster: Roster = {
      team_id: TEAM,
      version: 1,
      min_group_size: 5,
      // Dev Five uses both organisations: one person, in group g.
      people: [toPerson({ display_name: 'Dev Five', emails: ['dev5@example.org'], groups: ['g'] })],
      updated_at: null,
      updated_by: null,
    };
    expect(await rosters.save(roster)).toBe(true);
    const orgs = ['int_x', 'int_y'].map((id) =>
      integrationRecord({ team_id: TEAM, integration_id: id, provider: 'claude_code' }),
    );
    // Org x: devs 0–9, org y: devs 5–14, all active: 15 people, not max(10, 10).
    const uses = (from: number) =>
      Array.from({ length: 10 }, (_, i) => ({ key: `dev${from + i}@example.org`, interactions: 3 }));
    await Promise.all(
      orgs.map(async (org, index) => {
        await storeDay(usage, org, day, uses(index * 5));
        await attributeDays(TEAM, [day], ports());
      }),
    );
    const [attributed] = await store.getDayAttributions(TEAM, day, day);
    expect(attributed?.team).toEqual({ active_people: 15, by_provider: { claude_code: 15 } });
    expect(attributed?.groups).toEqual({ g: { active_people: 1, by_provider: { claude_code: 1 } } });
    expect(attributed?.matched.claude_code).toEqual({ interactions: 60, matched_interactions: 6 });
    const [rollup, ...others] = await store.getGroupRollups(TEAM, 'g', day, day);
    expect(others.length).toBe(1);
    expect([rollup, ...others].reduce((sum, r) => sum + (r?.metrics.interactions ?? 0), 0)).toBe(6);
    expect(new Attribution(roster).members('g').map((p) => p.display_name)).toEqual(['Dev Five']);
  });

  it('keeps the month items equal to the ledger entries and day attributions when jobs write days of one month at once', async () => {
    const team = 'team-months';
    const orgs = ['int_m1', 'int_m2'].map((id) =>
      integrationRecord({ team_id: team, integration_id: id, provider: 'claude_code' }),
    );
    // 70 days over three months; per integration four jobs at once, overlapping, as backfill and repair jobs do;
    // beside them the daily run's marks and failed attempts, some on days already stored (which they must not
    // change), some on days no job stores.
    const days = daysBetween('2026-01-20', addDays('2026-01-20', 69));
    const entry = (org: Integration, date: string) => ({
      team_id: team,
      integration_id: org.integration_id,
      provider: org.provider,
      date,
      sync_id: 'sync_m',
      updated_at: `${date}T20:00:00.000Z`,
    });
    const next = random(3);
    await Promise.all(
      orgs.flatMap((org, o) => [
        ...Array.from({ length: 4 }, async (_, job) => {
          for (const day of days.slice(job * 15, job * 15 + 20)) {
            await storeDay(usage, org, day, usesFor(day, job + o, 8));
          }
        }),
        (async () => {
          for (const day of days.filter(() => next() < 0.3)) {
            await usage.markPending([entry(org, day)]);
            await usage.recordDayState({ ...entry(org, day), state: 'failed', reason: 'HTTP 503' });
          }
        })(),
        (async () => {
          for (const day of daysBetween('2026-04-01', '2026-04-05')) {
            await usage.recordDayState({ ...entry(org, day), state: 'not_available', reason: 'outside' });
          }
        })(),
      ]),
    );
    await Promise.all([days.slice(0, 35), days.slice(30)].map((part) => attributeDays(team, part, ports())));

    const shown = (e: LedgerDay) => ({
      integration_id: e.integration_id,
      provider: e.provider,
      date: e.date,
      state: e.state,
      developers: e.developers,
      interactions: e.interactions,
      ...(e.metrics ? { metrics: e.metrics } : {}),
      ...(e.active_developers !== undefined ? { active_developers: e.active_developers } : {}),
    });
    const ranges: [string, string][] = [
      ['2026-01-01', '2026-04-30'],
      ['2026-01-31', '2026-02-01'],
      ['2026-02-14', '2026-03-13'],
      ['2026-03-28', '2026-04-03'],
      ['2026-02-28', '2026-02-28'],
    ];
    for (const [start, end] of ranges) {
      const fromEntries = (await usage.getLedger(team, start, end)).map(shown);
      expect((await usage.getLedgerDays(team, start, end)).map(shown)).toEqual(fromEntries);
      const attributions = await store.getDayAttributions(team, start, end);
      expect(await store.getDayPeople(team, start, end)).toEqual(
        attributions.map(({ date, roster_version, team: counts, matched }) => ({
          date,
          roster_version,
          team: counts,
          matched,
        })),
      );
    }
    const all = await usage.getLedger(team, '2026-01-01', '2026-04-30');
    // Stored days (the jobs cover the first 65) stay ok whatever was marked or failed beside them; the last
    // five are failed where the daily run tried them, and April's are not_available.
    expect(new Set(all.map((e) => e.state))).toEqual(new Set(['ok', 'failed', 'not_available']));
    expect(all.filter((e) => e.state === 'ok')).toHaveLength(65 * orgs.length);
  });

  it('lets one of two roster saves of the same version win, and stores a roster of 10,000 people in parts', async () => {
    const team = 'team-roster';
    const base: Roster = {
      team_id: team,
      version: 1,
      min_group_size: 5,
      people: [],
      updated_at: null,
      updated_by: null,
    };
    const outcomes = await Promise.all(
      ['a', 'b'].map((name) =>
        rosters.save({
          ...base,
          people: [toPerson({ display_name: name, emails: [`${name}@example.org`] })],
        }),
      ),
    );
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    const winner = await rosters.get(team);
    expect(winner.people).toHaveLength(1);

    const next = random(11);
    const many = Array.from({ length: 10_000 }, (_, i) =>
      toPerson({
        display_name: `Person ${i} ${Math.floor(next() * 1e9).toString(36)}`,
        emails: [`p${i}.${Math.floor(next() * 1e12).toString(36)}@example.org`],
        groups: [`g${i % 40}`],
      }),
    );
    expect(await rosters.save({ ...winner, version: 2, people: many })).toBe(true);
    const parts = async () =>
      (
        await documents.send(
          new QueryCommand({
            TableName: names[integrationsTable.envVar],
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': `TEAM#${team}`, ':prefix': 'ROSTER#PART#' },
          }),
        )
      ).Items ?? [];
    expect((await parts()).length).toBeGreaterThan(1);
    expect((await rosters.get(team)).people).toEqual(many);
    expect(await rosters.save({ ...winner, version: 3, people: many.slice(0, 3) })).toBe(true);
    expect(await parts()).toHaveLength(1);
    expect((await rosters.get(team)).people).toEqual(many.slice(0, 3));
  });
});
