import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { emptyRoster, type Person, type Roster } from '../../domain/roster';
import type { RosterRepository } from '../../domain/ports';
import { compressParts, decompressParts } from './compressed-parts';
import { keys } from './keys';

/** 8 parts of 300 kB of gzip hold far more than the 10,000 people a roster may list. */
const MAX_PARTS = 8;
const READ_ATTEMPTS = 4;

/**
 * The roster in the Integrations table (the control plane): `TEAM#t / ROSTER` holds the version and settings,
 * `TEAM#t / ROSTER#PART#nnn` the people as gzip JSON. A save writes head and parts in one transaction,
 * conditioned on the version it read (optimistic locking); parts carry the version, so a read that meets
 * a save half-way (queries are not isolated from transactions) sees the mismatch and reads again.
 */
export class DynamoRosterRepository implements RosterRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(teamId: string): Promise<Roster> {
    for (let attempt = 1; attempt <= READ_ATTEMPTS; attempt++) {
      const { Items = [] } = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.team(teamId), ':prefix': keys.rosterHead },
          ConsistentRead: true,
        }),
      );
      const head = Items.find((item) => item.sk === keys.rosterHead);
      if (!head) return emptyRoster(teamId);
      const parts = Items.filter((item) => item.sk !== keys.rosterHead && item.version === head.version);
      if (parts.length !== Number(head.parts)) continue;
      return {
        team_id: teamId,
        version: Number(head.version),
        min_group_size: Number(head.min_group_size),
        people: decompressParts(parts) as Person[],
        updated_at: (head.updated_at as string | undefined) ?? null,
        updated_by: (head.updated_by as string | undefined) ?? null,
      };
    }
    throw new Error(`the roster of team ${teamId} kept changing while it was read`);
  }

  async version(teamId: string): Promise<number> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: keys.team(teamId), sk: keys.rosterHead },
        ProjectionExpression: 'version',
        // As `get`: a page right after a roster change says which version it counted with.
        ConsistentRead: true,
      }),
    );
    return Number(Item?.version ?? 0);
  }

  async save(roster: Roster): Promise<boolean> {
    const pk = keys.team(roster.team_id);
    const parts = compressParts(roster.people);
    if (parts.length > MAX_PARTS) throw new Error(`a roster of ${parts.length} parts is too large to store`);
    const previous = roster.version - 1;
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  pk,
                  sk: keys.rosterHead,
                  entity: 'roster',
                  team_id: roster.team_id,
                  version: roster.version,
                  min_group_size: roster.min_group_size,
                  people_count: roster.people.length,
                  parts: parts.length,
                  updated_at: roster.updated_at,
                  updated_by: roster.updated_by,
                },
                ConditionExpression:
                  previous === 0
                    ? 'attribute_not_exists(sk)'
                    : 'attribute_exists(sk) AND version = :previous',
                ...(previous === 0 ? {} : { ExpressionAttributeValues: { ':previous': previous } }),
              },
            },
            ...parts.map((data, part) => ({
              Put: {
                TableName: this.tableName,
                Item: {
                  pk,
                  sk: keys.rosterPart(part),
                  entity: 'roster_part',
                  version: roster.version,
                  part,
                  data,
                },
              },
            })),
            ...Array.from({ length: MAX_PARTS - parts.length }, (_, offset) => ({
              Delete: { TableName: this.tableName, Key: { pk, sk: keys.rosterPart(parts.length + offset) } },
            })),
          ],
        }),
      );
      return true;
    } catch (error) {
      const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
      if (reasons.some((reason) => reason.Code === 'ConditionalCheckFailed')) return false;
      throw error;
    }
  }
}
