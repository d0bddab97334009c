import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { ImportRecord, ImportState } from '../../domain/imports';
import type { ImportRepository } from '../../domain/ports';
import { keys } from './keys';

const STORAGE_FIELDS = ['pk', 'sk', 'entity'];

function fromItem(item: Record<string, unknown>): ImportRecord {
  const copy = { ...item };
  for (const field of STORAGE_FIELDS) delete copy[field];
  return copy as unknown as ImportRecord;
}

/** Imports in the Integrations table (the control plane): `TEAM#<team>` / `IMPORT#<import id>`. */
export class DynamoImportRepository implements ImportRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(record: ImportRecord): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: keys.team(record.team_id),
          sk: keys.import(record.import_id),
          entity: 'import',
          ...record,
        },
        ConditionExpression: 'attribute_not_exists(sk)',
      }),
    );
  }

  async get(teamId: string, importId: string): Promise<ImportRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: keys.team(teamId), sk: keys.import(importId) },
        ConsistentRead: true,
      }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  async list(teamId: string, limit: number): Promise<ImportRecord[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.team(teamId), ':prefix': keys.importPrefix },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return Items.map(fromItem);
  }

  async transition(
    teamId: string,
    importId: string,
    from: readonly ImportState[],
    change: Partial<ImportRecord>,
  ): Promise<boolean> {
    const entries = Object.entries(change).filter(([, value]) => value !== undefined);
    const names = Object.fromEntries(entries.map(([name], index) => [`#f${index}`, name]));
    const values = Object.fromEntries(entries.map(([, value], index) => [`:v${index}`, value]));
    const states = Object.fromEntries(from.map((state, index) => [`:s${index}`, state]));
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.team(teamId), sk: keys.import(importId) },
          UpdateExpression: `SET ${entries.map((_, index) => `#f${index} = :v${index}`).join(', ')}`,
          ConditionExpression: `attribute_exists(sk) AND #state IN (${Object.keys(states).join(', ')})`,
          ExpressionAttributeNames: { ...names, '#state': 'state' },
          ExpressionAttributeValues: { ...values, ...states },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
