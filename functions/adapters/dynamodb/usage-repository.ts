import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { zeroMetrics, type UsageMetrics } from '../../domain/metrics';
import type { LedgerDay, LedgerEntry, StoredDeveloperDay } from '../../domain/model';
import type { SeatSnapshot } from '../../domain/model';
import type { DayReplacement, UsageRepository } from '../../domain/ports';
import { batchGet, batchWrite, mapLimit } from './batch';
import { blockItems, breakdownItem, digestItems } from './attribution-store';
import { compressParts, decompressParts } from './compressed-parts';
import { keys, monthDays } from './keys';
import { conditionFailed, transactWrite } from './transact';

const STORAGE_FIELDS = ['pk', 'sk', 'entity'];

/** The SET clause and values that every ledger write repeats: what the entry is about. */
const LEDGER_IDENTITY =
  'entity = :entity, team_id = :team, integration_id = :integration, provider = :provider, #date = :date, ' +
  'sync_id = :sync, updated_at = :at, developers = if_not_exists(developers, :zero), ' +
  'interactions = if_not_exists(interactions, :zero)';

function ledgerIdentityValues(
  entry: Omit<LedgerEntry, 'state' | 'attempts' | 'developers' | 'interactions'>,
) {
  return {
    ':entity': 'ledger',
    ':team': entry.team_id,
    ':integration': entry.integration_id,
    ':provider': entry.provider,
    ':date': entry.date,
    ':sync': entry.sync_id,
    ':at': entry.updated_at,
    ':zero': 0,
  };
}

function strip<T>(item: Record<string, unknown>): T {
  const copy = { ...item };
  for (const field of STORAGE_FIELDS) delete copy[field];
  return copy as T;
}

/** A day's sums are stored sparse (the metrics a tool does not report are left out), and read back whole. */
function sparse(metrics: UsageMetrics): Partial<UsageMetrics> {
  return Object.fromEntries(Object.entries(metrics).filter(([, value]) => value !== 0));
}

type LedgerShown = Pick<
  LedgerEntry,
  'state' | 'developers' | 'interactions' | 'metrics' | 'active_developers'
>;

/**
 * What the dashboard shows of a day's ledger entry: its card on the month item (zeros and absent fields left out);
 * a day not stored also keeps when it was last marked, which the daily run reads to find stale `pending` days.
 */
function ledgerCard(
  entry: Partial<LedgerShown> & Pick<LedgerEntry, 'state'> & Partial<Pick<LedgerEntry, 'updated_at'>>,
): Record<string, unknown> {
  return {
    state: entry.state,
    ...(entry.state !== 'ok' && entry.state !== 'no_activity' && entry.updated_at
      ? { updated_at: entry.updated_at }
      : {}),
    ...(entry.developers ? { developers: entry.developers } : {}),
    ...(entry.interactions ? { interactions: entry.interactions } : {}),
    ...(entry.metrics ? { metrics: sparse(entry.metrics) } : {}),
    ...(entry.active_developers !== undefined ? { active_developers: entry.active_developers } : {}),
  };
}

/**
 * The transaction action that writes a day's card on its integration's month item. Every write of a ledger entry
 * that changes what it shows carries one, in the same transaction, so the month item never disagrees with the
 * entries (docs/data-model.md, decision 86).
 */
function ledgerMonthAction(
  tableName: string,
  day: Pick<LedgerEntry, 'team_id' | 'integration_id' | 'provider' | 'date'>,
  card: Record<string, unknown>,
) {
  return {
    Update: {
      TableName: tableName,
      Key: { pk: keys.team(day.team_id), sk: keys.ledgerMonth(day.date, day.integration_id) },
      UpdateExpression:
        'SET entity = :entity, integration_id = :integration, provider = :provider, #month = :month, #day = :card',
      ExpressionAttributeNames: { '#month': 'month', '#day': keys.dayOfMonth(day.date) },
      ExpressionAttributeValues: {
        ':entity': 'ledger_month',
        ':integration': day.integration_id,
        ':provider': day.provider,
        ':month': day.date.slice(0, 7),
        ':card': card,
      },
    },
  };
}

function ledgerOf(item: Record<string, unknown>): LedgerEntry {
  const entry = strip<LedgerEntry>(item);
  return entry.metrics ? { ...entry, metrics: { ...zeroMetrics(), ...entry.metrics } } : entry;
}

type Key = { pk: string; sk: string };

export class DynamoUsageRepository implements UsageRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private async queryAll(
    params: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName' | 'ExclusiveStartKey'>,
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({ ...params, TableName: this.tableName, ExclusiveStartKey: startKey }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  /**
   * Order matters for readers: rows, raw parts, the digest and the day's blocks are written first, stale rows
   * removed, and only then the ledger entry — the day's sums — with the block index in one transaction. The
   * dashboard reads the day's sums from the ledger, so it sees either the old day or the new day, never a
   * half-written or doubled one.
   */
  async replaceDay(day: DayReplacement): Promise<void> {
    const pk = keys.teamDay(day.teamId, day.date);
    const existing = (await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ProjectionExpression: 'pk, sk',
    })) as Key[];
    const ownPrefixes = [
      keys.usageRowPrefix(day.integrationId),
      keys.rawPrefix(day.integrationId),
      keys.digestPrefix(day.integrationId),
    ];
    const ownExisting = existing.filter((item) => ownPrefixes.some((prefix) => item.sk.startsWith(prefix)));

    const rowItems = day.rows.map((row) => ({
      pk,
      sk: keys.usageRow(day.integrationId, row.developer.key),
      entity: 'usage',
      ...row,
    }));
    const rawParts = compressParts(day.raw);
    const parts = rawParts.length;
    const rawItems = rawParts.map((data, part) => ({
      pk,
      sk: keys.raw(day.integrationId, part),
      entity: 'raw',
      team_id: day.teamId,
      integration_id: day.integrationId,
      provider: day.provider,
      date: day.date,
      part,
      parts,
      encoding: 'gzip',
      data,
    }));
    const digest = digestItems(day.teamId, day.date, {
      integration_id: day.integrationId,
      provider: day.provider,
      stamp: day.block.stamp,
      rows: day.rows,
    });
    const written = new Set([...rowItems, ...rawItems, ...digest].map((item) => item.sk));
    const stale = ownExisting.filter((item) => !written.has(item.sk));
    const block = blockItems(day.teamId, day.block);
    const blockPk = block[0]?.pk as string;
    const blockExisting = (await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': blockPk },
      ProjectionExpression: 'pk, sk',
    })) as Key[];
    const blockWritten = new Set(block.map((item) => item.sk));

    await batchWrite(this.client, this.tableName, [
      ...rowItems.map((Item) => ({ PutRequest: { Item } })),
      ...rawItems.map((Item) => ({ PutRequest: { Item } })),
      ...digest.map((Item) => ({ PutRequest: { Item } })),
      ...block.map((Item) => ({ PutRequest: { Item } })),
      { PutRequest: { Item: breakdownItem(day.teamId, day.block, day.breakdowns) } },
    ]);
    await batchWrite(
      this.client,
      this.tableName,
      [...stale, ...blockExisting.filter((key) => !blockWritten.has(key.sk))].map((key) => ({
        DeleteRequest: { Key: { pk: key.pk, sk: key.sk } },
      })),
    );
    const teamPk = keys.team(day.teamId);
    await transactWrite(this.client, [
      {
        Put: {
          TableName: this.tableName,
          Item: {
            pk: teamPk,
            sk: keys.ledger(day.date, day.integrationId),
            entity: 'ledger',
            ...day.ledger,
            ...(day.ledger.metrics ? { metrics: sparse(day.ledger.metrics) } : {}),
          },
        },
      },
      ledgerMonthAction(this.tableName, day.ledger, ledgerCard(day.ledger)),
      {
        // The integrations whose identity blocks per-person views read (deleted ones stay: history).
        Update: {
          TableName: this.tableName,
          Key: { pk: teamPk, sk: keys.blockIndex },
          UpdateExpression: 'SET entity = :entity ADD integrations :member',
          ExpressionAttributeValues: {
            ':entity': 'block_index',
            ':member': new Set([`${day.provider}|${day.integrationId}`]),
          },
        },
      },
    ]);
  }

  async confirmDays(
    entry: Parameters<UsageRepository['confirmDays']>[0],
    days: Parameters<UsageRepository['confirmDays']>[1],
  ): Promise<void> {
    await mapLimit(days, 10, async (day) => {
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: keys.team(entry.team_id), sk: keys.ledger(day.date, entry.integration_id) },
            UpdateExpression: 'SET content_hash = :hash',
            ConditionExpression: 'sync_id = :sync',
            ExpressionAttributeValues: { ':hash': day.content_hash, ':sync': entry.sync_id },
          }),
        );
      } catch (error) {
        // Another sync stored the day since: its own fingerprint (or none) is the right one.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    });
  }

  async markPending(entries: Parameters<UsageRepository['markPending']>[0]): Promise<void> {
    await mapLimit(entries, 10, async (entry) => {
      try {
        await transactWrite(this.client, [
          {
            Update: {
              TableName: this.tableName,
              Key: { pk: keys.team(entry.team_id), sk: keys.ledger(entry.date, entry.integration_id) },
              UpdateExpression: `SET ${LEDGER_IDENTITY}, #state = :pending, attempts = if_not_exists(attempts, :zero)`,
              // Never downgrade a day whose data is known (ok / no_activity) or that the provider does not serve.
              ConditionExpression: 'attribute_not_exists(sk) OR #state IN (:pending, :failed)',
              ExpressionAttributeNames: { '#state': 'state', '#date': 'date' },
              ExpressionAttributeValues: {
                ...ledgerIdentityValues(entry),
                ':pending': 'pending',
                ':failed': 'failed',
              },
            },
          },
          ledgerMonthAction(
            this.tableName,
            entry,
            ledgerCard({ state: 'pending', updated_at: entry.updated_at }),
          ),
        ]);
      } catch (error) {
        if (!conditionFailed(error)) throw error;
      }
    });
  }

  async recordDayState(entry: Parameters<UsageRepository['recordDayState']>[0]): Promise<void> {
    const key = { pk: keys.team(entry.team_id), sk: keys.ledger(entry.date, entry.integration_id) };
    try {
      await transactWrite(this.client, [
        {
          Update: {
            TableName: this.tableName,
            Key: key,
            UpdateExpression: `SET ${LEDGER_IDENTITY}, #state = :state, reason = :reason ADD attempts :one`,
            // A failed re-fetch must not hide data already stored for the day.
            ConditionExpression: 'attribute_not_exists(sk) OR NOT (#state IN (:ok, :no_activity))',
            ExpressionAttributeNames: { '#state': 'state', '#date': 'date' },
            ExpressionAttributeValues: {
              ...ledgerIdentityValues(entry),
              ':state': entry.state,
              ':reason': entry.reason ?? null,
              ':one': 1,
              ':ok': 'ok',
              ':no_activity': 'no_activity',
            },
          },
        },
        ledgerMonthAction(
          this.tableName,
          entry,
          ledgerCard({ state: entry.state, updated_at: entry.updated_at }),
        ),
      ]);
    } catch (error) {
      if (!conditionFailed(error)) throw error;
      // The day keeps its data and its card; the entry notes the failed attempt.
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET last_error = :reason, last_error_at = :at ADD attempts :one',
          ExpressionAttributeValues: {
            ':reason': `${entry.state}: ${entry.reason ?? ''}`,
            ':at': entry.updated_at,
            ':one': 1,
          },
        }),
      );
    }
  }

  async getLedger(
    teamId: string,
    startDate: string,
    endDate: string,
    integrationId?: string,
  ): Promise<LedgerEntry[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': keys.team(teamId),
        ':from': keys.ledgerFrom(startDate),
        ':to': keys.ledgerTo(endDate),
        ...(integrationId ? { ':integration': integrationId } : {}),
      },
      ...(integrationId ? { FilterExpression: 'integration_id = :integration' } : {}),
    });
    return items.map(ledgerOf);
  }

  async getDayStates(
    integrations: readonly { teamId: string; integrationId: string }[],
    startDate: string,
    endDate: string,
  ): Promise<Pick<LedgerEntry, 'date' | 'state' | 'updated_at'>[][]> {
    const months: string[] = [];
    for (let month = startDate.slice(0, 7); month <= endDate.slice(0, 7);) {
      months.push(month);
      const [year, number] = month.split('-').map(Number) as [number, number];
      month = number === 12 ? `${year + 1}-01` : `${year}-${String(number + 1).padStart(2, '0')}`;
    }
    const keyOf = (pk: string, sk: string) => `${pk}|${sk}`;
    const owner = new Map<string, number>();
    const wanted = integrations.flatMap(({ teamId, integrationId }, index) =>
      months.map((month) => {
        const key = { pk: keys.team(teamId), sk: keys.ledgerMonth(`${month}-01`, integrationId) };
        owner.set(keyOf(key.pk, key.sk), index);
        return key;
      }),
    );
    // Only each day's state and mark time: a month of cards with their sums is ~12 kB, this a few hundred bytes.
    const days = Array.from({ length: 31 }, (_, index) => `d${String(index + 1).padStart(2, '0')}`);
    const items = await batchGet(this.client, this.tableName, wanted, {
      projection: ['pk', 'sk', '#month', ...days.flatMap((day) => [`#${day}.#state`, `#${day}.#at`])].join(
        ', ',
      ),
      names: {
        '#month': 'month',
        '#state': 'state',
        '#at': 'updated_at',
        ...Object.fromEntries(days.map((day) => [`#${day}`, day])),
      },
    });
    const states: Pick<LedgerEntry, 'date' | 'state' | 'updated_at'>[][] = integrations.map(() => []);
    for (const item of items) {
      const index = owner.get(keyOf(String(item.pk), String(item.sk)));
      if (index === undefined) continue;
      for (const [date, card] of monthDays(item)) {
        if (date < startDate || date > endDate) continue;
        states[index]?.push({
          date,
          state: card.state as LedgerEntry['state'],
          updated_at: String(card.updated_at ?? ''),
        });
      }
    }
    for (const list of states) list.sort((a, b) => a.date.localeCompare(b.date));
    return states;
  }

  /**
   * What the dashboard shows of each day's ledger entry, from the integrations' month items: one Query, about
   * `months × integrations` items (a year of three integrations is 39), whatever the number of days.
   */
  async getLedgerDays(teamId: string, startDate: string, endDate: string): Promise<LedgerDay[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': keys.team(teamId),
        ':from': keys.ledgerMonthFrom(startDate),
        ':to': keys.ledgerMonthTo(endDate),
      },
    });
    const days: LedgerDay[] = [];
    for (const item of items) {
      for (const [date, card] of monthDays(item)) {
        if (date < startDate || date > endDate) continue;
        const metrics = card.metrics as Partial<UsageMetrics> | undefined;
        days.push({
          integration_id: String(item.integration_id),
          provider: String(item.provider),
          date,
          state: card.state as LedgerDay['state'],
          developers: Number(card.developers ?? 0),
          interactions: Number(card.interactions ?? 0),
          ...(metrics ? { metrics: { ...zeroMetrics(), ...metrics } } : {}),
          ...(card.active_developers !== undefined
            ? { active_developers: Number(card.active_developers) }
            : {}),
        });
      }
    }
    // As the entries sort: by day, then integration.
    return days.sort((a, b) =>
      a.date === b.date ? a.integration_id.localeCompare(b.integration_id) : a.date.localeCompare(b.date),
    );
  }

  async getDeveloperDays(teamId: string, dates: string[]): Promise<StoredDeveloperDay[]> {
    const perDay = await mapLimit(dates, 8, (date) =>
      this.queryAll({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.teamDay(teamId, date), ':prefix': 'USAGE#' },
      }),
    );
    return perDay.flat().map((item) => strip<StoredDeveloperDay>(item));
  }

  async getRaw(teamId: string, integrationId: string, date: string): Promise<unknown | undefined> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': keys.teamDay(teamId, date),
        ':prefix': keys.rawPrefix(integrationId),
      },
    });
    if (items.length === 0) return undefined;
    return decompressParts(items);
  }

  async replaceSeats(snapshot: SeatSnapshot): Promise<void> {
    const pk = keys.team(snapshot.team_id);
    const existing = (await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': keys.seatsPrefix(snapshot.integration_id) },
      ProjectionExpression: 'pk, sk',
    })) as Key[];
    const parts = compressParts(snapshot.seats);
    const items = parts.map((data, part) => ({
      pk,
      sk: keys.seats(snapshot.integration_id, part),
      entity: 'seats',
      team_id: snapshot.team_id,
      integration_id: snapshot.integration_id,
      provider: snapshot.provider,
      taken_at: snapshot.taken_at,
      seat_count: snapshot.seats.length,
      // Counts of the whole organisation (a few numbers), on every part beside taken_at.
      ...(snapshot.organisation ? { organisation: snapshot.organisation } : {}),
      part,
      parts: parts.length,
      data,
    }));
    const written = new Set(items.map((item) => item.sk));
    await batchWrite(
      this.client,
      this.tableName,
      items.map((Item) => ({ PutRequest: { Item } })),
    );
    await batchWrite(
      this.client,
      this.tableName,
      existing.filter((key) => !written.has(key.sk)).map((key) => ({ DeleteRequest: { Key: key } })),
    );
  }

  async getSeats(teamId: string): Promise<SeatSnapshot[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.team(teamId), ':prefix': 'SEATS#' },
    });
    const byIntegration = new Map<string, Record<string, unknown>[]>();
    for (const item of items) {
      const list = byIntegration.get(String(item.integration_id)) ?? [];
      list.push(item);
      byIntegration.set(String(item.integration_id), list);
    }
    return [...byIntegration.values()].map((parts) => {
      const first = parts[0] as Record<string, unknown>;
      return {
        team_id: teamId,
        integration_id: String(first.integration_id),
        provider: String(first.provider),
        taken_at: String(first.taken_at),
        seats: decompressParts(parts) as SeatSnapshot['seats'],
        // Snapshots stored before organisation counts existed have none.
        ...(first.organisation ? { organisation: first.organisation as SeatSnapshot['organisation'] } : {}),
      };
    });
  }
}
