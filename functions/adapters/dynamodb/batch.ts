import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mapLimit } from '../../domain/concurrency';

export { mapLimit };

type WriteRequest =
  { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

/** BatchWriteItem in groups of 25, re-sending unprocessed items with backoff until none are left. */
export async function batchWrite(
  client: DynamoDBDocumentClient,
  tableName: string,
  requests: WriteRequest[],
): Promise<void> {
  for (let i = 0; i < requests.length; i += 25) {
    let pending: WriteRequest[] = requests.slice(i, i + 25);
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > 8)
        throw new Error(`BatchWrite left ${pending.length} unprocessed items after ${attempt - 1} tries`);
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, Math.random() * 50 * 2 ** attempt));
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (result.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
    }
  }
}

type Key = Record<string, unknown>;

/**
 * BatchGetItem in groups of 100 keys (up to 4 at once), re-asking for unprocessed keys with backoff. Items come
 * back in no particular order; keys of absent items simply return nothing.
 */
export async function batchGet(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Key[],
  options: { consistent?: boolean; projection?: string; names?: Record<string, string> } = {},
): Promise<Record<string, unknown>[]> {
  const groups: Key[][] = [];
  for (let i = 0; i < keys.length; i += 100) groups.push(keys.slice(i, i + 100));
  const found = await mapLimit(groups, 4, async (group) => {
    const items: Record<string, unknown>[] = [];
    let pending: Key[] = group;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > 8)
        throw new Error(`BatchGet left ${pending.length} unprocessed keys after ${attempt - 1} tries`);
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, Math.random() * 50 * 2 ** attempt));
      const result = await client.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: pending,
              ConsistentRead: options.consistent ?? false,
              ...(options.projection ? { ProjectionExpression: options.projection } : {}),
              ...(options.names ? { ExpressionAttributeNames: options.names } : {}),
            },
          },
        }),
      );
      items.push(...(result.Responses?.[tableName] ?? []));
      pending = (result.UnprocessedKeys?.[tableName]?.Keys ?? []) as Key[];
    }
    return items;
  });
  return found.flat();
}
