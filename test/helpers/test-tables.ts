import {
  DeleteTableCommand,
  type DynamoDBClient,
  ListTablesCommand,
  ResourceNotFoundException,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { exposureCaptureFromEnv, type ExposureCapture } from '../../local/exposure-capture';

/**
 * Integration tests make their own tables in the shared DynamoDB Local and drop them when done. Every drop goes
 * through here, so that in a run with the exposure capture each table's items are kept for the secret exposure
 * check first (the global teardown keeps those of tables nobody dropped). Returns how many items were kept.
 */
export async function recordTableItems(
  dynamo: DynamoDBClient,
  table: string,
  capture: ExposureCapture,
): Promise<number> {
  // A test that imports 100,000 rows leaves as many items: four segments at once, one write a page.
  const segments = 4;
  const counts = await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      let count = 0;
      let start: Record<string, unknown> | undefined;
      do {
        const page = await dynamo.send(
          new ScanCommand({
            TableName: table,
            Segment: segment,
            TotalSegments: segments,
            ExclusiveStartKey: start as never,
          }),
        );
        const items = page.Items ?? [];
        capture.recordAll(
          'items',
          items.map((item) => ({ table, item: unmarshall(item) })),
        );
        count += items.length;
        start = page.LastEvaluatedKey;
      } while (start);
      return count;
    }),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}

/** Drops tables (an absent one is fine), their items kept first when the run captures. */
export async function dropTestTables(dynamo: DynamoDBClient, tables: Iterable<string>): Promise<void> {
  const capture = exposureCaptureFromEnv();
  for (const table of tables) {
    try {
      if (capture) await recordTableItems(dynamo, table, capture);
      await dynamo.send(new DeleteTableCommand({ TableName: table }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }
}

/** Every table of the DynamoDB Local the client points at. */
export async function listTables(dynamo: DynamoDBClient): Promise<string[]> {
  const names: string[] = [];
  let start: string | undefined;
  do {
    const page = await dynamo.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    names.push(...(page.TableNames ?? []));
    start = page.LastEvaluatedTableName;
  } while (start);
  return names;
}
