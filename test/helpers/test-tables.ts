import { DeleteTableCommand, type DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';

/**
 * Integration tests make their own tables in the shared DynamoDB Local and drop them when done (or to break the
 * storage under a test); an absent table is fine. Their items are kept for the secret exposure check as they are
 * written (capture-item-writes.ts), so a drop needs no reading first.
 */
export async function dropTestTables(dynamo: DynamoDBClient, tables: Iterable<string>): Promise<void> {
  for (const table of tables) {
    try {
      await dynamo.send(new DeleteTableCommand({ TableName: table }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }
}
