import { gunzipSync, gzipSync } from 'node:zlib';
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type {
  ActivePeople,
  DayAttribution,
  DayDigest,
  DayPeople,
  GroupRollup,
} from '../../domain/day-attribution';
import { blockKey, type BlockRef, type IdentityBlock } from '../../domain/identity-blocks';
import type { Breakdowns } from '../../domain/metrics';
import type { StoredDeveloperDay } from '../../domain/model';
import type { AttributionStore, IntegrationRef } from '../../domain/ports';
import { batchGet, batchWrite, mapLimit } from './batch';
import { compressParts, decompressParts } from './compressed-parts';
import { keys, monthDays } from './keys';
import { conditionFailed, transactWrite } from './transact';

type Item = Record<string, unknown>;
type Key = { pk: string; sk: string };

const blockPk = (teamId: string, integrationId: string, block: BlockRef) =>
  keys.block(teamId, integrationId, blockKey(block));

/** A block's items: gzip parts in the block's own partition, each carrying the block's stamp. */
export function blockItems(teamId: string, block: IdentityBlock): Item[] {
  const pk = blockPk(teamId, block.integration_id, block);
  const parts = compressParts(block.identities);
  return parts.map((data, part) => ({
    pk,
    sk: keys.part(part),
    entity: 'block',
    team_id: teamId,
    integration_id: block.integration_id,
    provider: block.provider,
    level: block.level,
    start: block.start,
    stamp: block.stamp,
    from: block.from,
    part,
    parts: parts.length,
    data,
  }));
}

const packBreakdowns = (breakdowns: Breakdowns): Buffer => gzipSync(Buffer.from(JSON.stringify(breakdowns)));
const unpackBreakdowns = (data: Uint8Array): Breakdowns =>
  JSON.parse(gunzipSync(Buffer.from(data)).toString('utf8')) as Breakdowns;

/**
 * The breakdown block beside an identity block: the breakdowns of its days as one gzip document in the team's
 * partition, under the identity block's stamp (so a writer can tell the two belong together).
 */
export function breakdownItem(teamId: string, block: IdentityBlock, breakdowns: Breakdowns): Item {
  return {
    pk: keys.team(teamId),
    sk: keys.breakdownBlock(block.integration_id, blockKey(block)),
    entity: 'breakdowns',
    integration_id: block.integration_id,
    provider: block.provider,
    level: block.level,
    start: block.start,
    stamp: block.stamp,
    data: packBreakdowns(breakdowns),
  };
}

/** Items of one stored day's digest: the rows as gzip parts in the day's partition, with the day's stamp. */
export function digestItems(
  teamId: string,
  date: string,
  digest: Omit<DayDigest, 'rows'> & { rows: readonly StoredDeveloperDay[] },
): Item[] {
  const parts = compressParts(digest.rows);
  return parts.map((data, part) => ({
    pk: keys.teamDay(teamId, date),
    sk: keys.digest(digest.integration_id, part),
    entity: 'digest',
    integration_id: digest.integration_id,
    provider: digest.provider,
    stamp: digest.stamp,
    part,
    parts: parts.length,
    data,
  }));
}

/** Parts that belong together (same stamp, all present), or undefined while a writer is half-way. */
function wholeParts(items: readonly Item[]): Item[] | undefined {
  const first = items.find((item) => Number(item.part) === 0);
  if (!first) return undefined;
  const same = items.filter((item) => item.stamp === first.stamp);
  return same.length === Number(first.parts) ? same : undefined;
}

const STORAGE_FIELDS = ['pk', 'sk', 'entity', 'group_keys'];
function strip<T>(item: Item): T {
  const copy = { ...item };
  for (const field of STORAGE_FIELDS) delete copy[field];
  return copy as T;
}

export class DynamoAttributionStore implements AttributionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private async query(params: {
    pk: string;
    prefix?: string;
    from?: string;
    to?: string;
    consistent?: boolean;
    projection?: string;
  }): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    const range =
      params.prefix !== undefined
        ? ' AND begins_with(sk, :prefix)'
        : params.from !== undefined
          ? ' AND sk BETWEEN :from AND :to'
          : '';
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: `pk = :pk${range}`,
          ExpressionAttributeValues: {
            ':pk': params.pk,
            ...(params.prefix !== undefined ? { ':prefix': params.prefix } : {}),
            ...(params.from !== undefined ? { ':from': params.from, ':to': params.to } : {}),
          },
          ConsistentRead: params.consistent ?? false,
          // Attribute names go through placeholders: several (part, level, start) are reserved words.
          ...(params.projection
            ? {
                ProjectionExpression: params.projection
                  .split(', ')
                  .map((name) => `#${name}`)
                  .join(', '),
                ExpressionAttributeNames: Object.fromEntries(
                  params.projection.split(', ').map((name) => [`#${name}`, name]),
                ),
              }
            : {}),
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  async blockIntegrations(teamId: string): Promise<IntegrationRef[]> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: keys.team(teamId), sk: keys.blockIndex } }),
    );
    const members = (Item?.integrations as Set<string> | undefined) ?? new Set<string>();
    return [...members]
      .map((member) => {
        const [provider, integration_id] = member.split('|') as [string, string];
        return { provider, integration_id };
      })
      .sort((a, b) => a.integration_id.localeCompare(b.integration_id));
  }

  async getBlocks(
    teamId: string,
    wanted: readonly (IntegrationRef & { block: BlockRef })[],
    options: { consistent?: boolean } = {},
  ): Promise<IdentityBlock[]> {
    const firsts = await batchGet(
      this.client,
      this.tableName,
      wanted.map((want) => ({ pk: blockPk(teamId, want.integration_id, want.block), sk: keys.part(0) })),
      { consistent: options.consistent ?? false },
    );
    return mapLimit(firsts, 8, async (first) => {
      let parts: Item[] | undefined = Number(first.parts) === 1 ? [first] : undefined;
      for (let attempt = 1; !parts; attempt++) {
        if (attempt > 4) throw new Error(`block ${String(first.pk)} kept changing while it was read`);
        parts = wholeParts(await this.query({ pk: String(first.pk), consistent: true }));
      }
      const head = parts[0] as Item;
      return {
        integration_id: String(head.integration_id),
        provider: String(head.provider),
        level: Number(head.level),
        start: String(head.start),
        stamp: String(head.stamp),
        from: (head.from as (string | null)[] | undefined) ?? [],
        identities: decompressParts(parts) as IdentityBlock['identities'],
      };
    });
  }

  async getBlockStamps(
    teamId: string,
    wanted: readonly (IntegrationRef & { block: BlockRef })[],
  ): Promise<Map<string, string>> {
    const items = await batchGet(
      this.client,
      this.tableName,
      wanted.map((want) => ({ pk: blockPk(teamId, want.integration_id, want.block), sk: keys.part(0) })),
      {
        consistent: true,
        projection: 'integration_id, #level, #start, stamp',
        names: { '#level': 'level', '#start': 'start' },
      },
    );
    return new Map(
      items.map((item) => [
        `${String(item.integration_id)}|${blockKey({ level: Number(item.level), start: String(item.start) })}`,
        String(item.stamp),
      ]),
    );
  }

  async getBreakdownBlocks(
    teamId: string,
    wanted: readonly (IntegrationRef & { block: BlockRef })[],
    options: { consistent?: boolean } = {},
  ): Promise<Map<string, { stamp: string; breakdowns: Breakdowns }>> {
    const items = await batchGet(
      this.client,
      this.tableName,
      wanted.map((want) => ({
        pk: keys.team(teamId),
        sk: keys.breakdownBlock(want.integration_id, blockKey(want.block)),
      })),
      { consistent: options.consistent ?? false },
    );
    return new Map(
      items.map((item) => [
        `${String(item.integration_id)}|${blockKey({ level: Number(item.level), start: String(item.start) })}`,
        {
          stamp: String(item.stamp),
          breakdowns: unpackBreakdowns(item.data as Uint8Array),
        },
      ]),
    );
  }

  async putBlock(teamId: string, block: IdentityBlock, breakdowns: Breakdowns): Promise<void> {
    const items = blockItems(teamId, block);
    const pk = items[0]?.pk as string;
    const existing = (await this.query({ pk, consistent: true, projection: 'pk, sk' })) as Key[];
    const written = new Set(items.map((item) => item.sk));
    // The first part last (with the breakdowns): a reader that finds it finds the others of the same stamp.
    await batchWrite(
      this.client,
      this.tableName,
      items.slice(1).map((Item) => ({ PutRequest: { Item } })),
    );
    await batchWrite(this.client, this.tableName, [
      ...items.slice(0, 1).map((Item) => ({ PutRequest: { Item } })),
      { PutRequest: { Item: breakdownItem(teamId, block, breakdowns) } },
    ]);
    await batchWrite(
      this.client,
      this.tableName,
      existing.filter((key) => !written.has(key.sk)).map((Key) => ({ DeleteRequest: { Key } })),
    );
  }

  private async digestItemsOf(teamId: string, date: string, consistent: boolean, projection?: string) {
    const items = await this.query({
      pk: keys.teamDay(teamId, date),
      prefix: 'DIGEST#',
      consistent,
      ...(projection ? { projection } : {}),
    });
    const byIntegration = new Map<string, Item[]>();
    for (const item of items) {
      const list = byIntegration.get(String(item.integration_id)) ?? [];
      list.push(item);
      byIntegration.set(String(item.integration_id), list);
    }
    return byIntegration;
  }

  async getDayDigests(
    teamId: string,
    date: string,
    integrations: readonly IntegrationRef[],
  ): Promise<DayDigest[]> {
    const wanted = new Set(integrations.map((integration) => integration.integration_id));
    for (let attempt = 1; attempt <= 4; attempt++) {
      const byIntegration = await this.digestItemsOf(teamId, date, true);
      const digests: DayDigest[] = [];
      let torn = false;
      for (const [integrationId, items] of byIntegration) {
        if (!wanted.has(integrationId)) continue;
        const parts = wholeParts(items);
        if (!parts) {
          torn = true;
          break;
        }
        const head = parts[0] as Item;
        digests.push({
          integration_id: integrationId,
          provider: String(head.provider),
          stamp: String(head.stamp),
          rows: decompressParts(parts) as StoredDeveloperDay[],
        });
      }
      if (!torn) return digests.sort((a, b) => a.integration_id.localeCompare(b.integration_id));
    }
    throw new Error(`the stored day ${date} kept changing while it was read`);
  }

  async getDigestStamps(
    teamId: string,
    date: string,
    integrations: readonly IntegrationRef[],
  ): Promise<Record<string, string>> {
    const wanted = new Set(integrations.map((integration) => integration.integration_id));
    const byIntegration = await this.digestItemsOf(teamId, date, true, 'integration_id, stamp, part');
    const stamps: Record<string, string> = {};
    for (const [integrationId, items] of byIntegration) {
      const first = items.find((item) => Number(item.part) === 0);
      if (wanted.has(integrationId) && first) stamps[integrationId] = String(first.stamp);
    }
    return stamps;
  }

  /**
   * The day's attribution and its group rollups in one transaction (in chunks of 100 when a team has that many
   * groups × tools), replacing group rollups the previous attribution wrote and this one does not. Conditioned
   * on the roster version: an attribution never replaces one made with a newer roster.
   */
  async putDayAttribution(day: DayAttribution, rollups: readonly GroupRollup[]): Promise<boolean> {
    const pk = keys.team(day.team_id);
    const { Item: previous } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk, sk: keys.people(day.date) },
        ConsistentRead: true,
      }),
    );
    if (previous && Number(previous.roster_version) > day.roster_version) return false;
    const groupItems = rollups.map((rollup) => ({
      pk,
      sk: keys.groupRollup(rollup.group, rollup.date, rollup.integration_id),
      entity: 'group_rollup',
      ...rollup,
      // Breakdowns are most of a rollup's bytes and are read whole: kept gzip, as breakdown blocks are.
      breakdowns: packBreakdowns(rollup.breakdowns),
    }));
    const written = new Set(groupItems.map((item) => item.sk));
    const stale = ((previous?.group_keys as string[] | undefined) ?? []).filter((sk) => !written.has(sk));
    const actions = [
      {
        Put: {
          TableName: this.tableName,
          Item: { pk, sk: keys.people(day.date), entity: 'people', ...day, group_keys: [...written] },
          ConditionExpression: 'attribute_not_exists(sk) OR roster_version <= :version',
          ExpressionAttributeValues: { ':version': day.roster_version },
        },
      },
      {
        // The team's counts of the day on its month item, which the team dashboard reads (decision 86).
        Update: {
          TableName: this.tableName,
          Key: { pk, sk: keys.peopleMonth(day.date) },
          UpdateExpression: 'SET entity = :entity, #month = :month, #day = :card',
          ExpressionAttributeNames: { '#month': 'month', '#day': keys.dayOfMonth(day.date) },
          ExpressionAttributeValues: {
            ':entity': 'people_month',
            ':month': day.date.slice(0, 7),
            ':card': { roster_version: day.roster_version, team: day.team, matched: day.matched },
          },
        },
      },
      ...groupItems.map((Item) => ({ Put: { TableName: this.tableName, Item } })),
      ...stale.map((sk) => ({ Delete: { TableName: this.tableName, Key: { pk, sk } } })),
    ];
    try {
      // Days of one month attributed at once by two jobs meet on the people month: tried again, not failed.
      for (let i = 0; i < actions.length; i += 100) {
        await transactWrite(this.client, actions.slice(i, i + 100));
      }
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }

  async getDayAttributions(teamId: string, startDate: string, endDate: string): Promise<DayAttribution[]> {
    const items = await this.query({
      pk: keys.team(teamId),
      from: keys.peopleFrom(startDate),
      to: keys.peopleTo(endDate),
    });
    return items.map((item) => strip<DayAttribution>(item));
  }

  async getDayPeople(
    teamId: string,
    startDate: string,
    endDate: string,
    group?: string,
  ): Promise<DayPeople[]> {
    if (group === undefined) {
      // The team's counts: the period's month items (13 for a year).
      const months = await this.query({
        pk: keys.team(teamId),
        from: keys.peopleMonthFrom(startDate),
        to: keys.peopleMonthTo(endDate),
      });
      return months.flatMap((item) =>
        monthDays(item)
          .filter(([date]) => date >= startDate && date <= endDate)
          .map(([date, card]) => ({ date, ...(card as Omit<DayPeople, 'date'>) })),
      );
    }
    // A group's counts sit on each day's attribution, beside every other group's: read only that group's.
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': keys.team(teamId),
            ':from': keys.peopleFrom(startDate),
            ':to': keys.peopleTo(endDate),
          },
          ProjectionExpression: '#date, roster_version, team, matched, #groups.#group',
          ExpressionAttributeNames: { '#date': 'date', '#groups': 'groups', '#group': group },
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items.map((item) => {
      const { groups, ...day } = item as DayPeople & { groups?: Record<string, ActivePeople> };
      const people = groups?.[group];
      return people ? { ...day, group: people } : day;
    });
  }

  async getGroupRollups(
    teamId: string,
    group: string,
    startDate: string,
    endDate: string,
  ): Promise<GroupRollup[]> {
    const items = await this.query({
      pk: keys.team(teamId),
      from: keys.groupRollupFrom(group, startDate),
      to: keys.groupRollupTo(group, endDate),
    });
    return items.map((item) => ({
      ...strip<GroupRollup>(item),
      breakdowns: unpackBreakdowns(item.breakdowns as Uint8Array),
    }));
  }

  async getDeveloperRows(
    teamId: string,
    wanted: readonly { date: string; integration_id: string; key: string }[],
  ): Promise<StoredDeveloperDay[]> {
    const items = await batchGet(
      this.client,
      this.tableName,
      wanted.map((want) => ({
        pk: keys.teamDay(teamId, want.date),
        sk: keys.usageRow(want.integration_id, want.key),
      })),
    );
    return items.map((item) => strip<StoredDeveloperDay>(item));
  }
}
