import { DeleteTableCommand, ResourceNotFoundException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Deletes a benchmark's tables once it has its figures, so DynamoDB Local does not carry them into later sections. */
export async function dropTables(client: DynamoDBClient, tableNames: Record<string, string>): Promise<void> {
  for (const table of Object.values(tableNames)) {
    try {
      await client.send(new DeleteTableCommand({ TableName: table }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }
}
