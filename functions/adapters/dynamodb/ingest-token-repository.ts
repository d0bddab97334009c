import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { IngestToken } from '../../domain/ingest-tokens';
import type { IngestTokenRepository } from '../../domain/ports';
import { keys } from './keys';

const STORAGE_FIELDS = ['pk', 'sk', 'entity'];

function fromItem(item: Record<string, unknown>): IngestToken {
  const copy = { ...item };
  for (const field of STORAGE_FIELDS) delete copy[field];
  return copy as unknown as IngestToken;
}

/** Ingest tokens in the Integrations table (docs/data-model.md, "Ingest tokens"). */
/** Tokens an instance remembers noting before it starts afresh. */
const NOTED_TOKENS = 10_000;

export class DynamoIngestTokenRepository implements IngestTokenRepository {
  /** When this instance last noted each token's use (`team|token` → ISO time). */
  private readonly noted = new Map<string, string>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(token: IngestToken): Promise<void> {
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: {
                pk: keys.team(token.team_id),
                sk: keys.ingestToken(token.token_id),
                entity: 'ingest_token',
                ...token,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: this.tableName,
              Item: {
                pk: keys.ingestTokenLookup(token.token_hash),
                sk: keys.ingestTokenLookupSort,
                entity: 'ingest_token_lookup',
                team_id: token.team_id,
                token_id: token.token_id,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
  }

  async list(teamId: string): Promise<IngestToken[]> {
    const items: IngestToken[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.team(teamId), ':prefix': keys.ingestTokenPrefix },
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []).map(fromItem));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items.sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  async revoke(teamId: string, tokenId: string): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: keys.team(teamId), sk: keys.ingestToken(tokenId) },
        ConsistentRead: true,
      }),
    );
    if (!Item) return false;
    const token = fromItem(Item);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.tableName,
                Key: { pk: keys.team(teamId), sk: keys.ingestToken(tokenId) },
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
            {
              Delete: {
                TableName: this.tableName,
                Key: { pk: keys.ingestTokenLookup(token.token_hash), sk: keys.ingestTokenLookupSort },
              },
            },
          ],
        }),
      );
    } catch (error) {
      // Revoked at the same moment by another request: it is gone either way.
      if (error instanceof TransactionCanceledException) return false;
      throw error;
    }
    return true;
  }

  async resolve(tokenHash: string): Promise<{ team_id: string; token_id: string } | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: keys.ingestTokenLookup(tokenHash), sk: keys.ingestTokenLookupSort },
        ProjectionExpression: 'team_id, token_id',
      }),
    );
    if (!Item || typeof Item.team_id !== 'string' || typeof Item.token_id !== 'string') return undefined;
    return { team_id: Item.team_id, token_id: Item.token_id };
  }

  async touch(teamId: string, tokenId: string, at: Date, resolutionSeconds: number): Promise<void> {
    const before = new Date(at.getTime() - resolutionSeconds * 1000).toISOString();
    // A refused conditional write still costs a write unit: an instance that noted this token's use within the
    // resolution does not ask again (a machine exporting every minute would otherwise pay one a request).
    const memo = `${teamId}|${tokenId}`;
    const noted = this.noted.get(memo);
    if (noted !== undefined && noted >= before) return;
    if (this.noted.size >= NOTED_TOKENS) this.noted.clear();
    this.noted.set(memo, at.toISOString());
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.team(teamId), sk: keys.ingestToken(tokenId) },
          UpdateExpression: 'SET last_used_at = :at',
          // Not on a revoked token (no item), and not again within the resolution.
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_type(last_used_at, :null) OR last_used_at < :before)',
          ExpressionAttributeValues: { ':at': at.toISOString(), ':before': before, ':null': 'NULL' },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return;
      throw error;
    }
  }
}
