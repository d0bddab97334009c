import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb-local';

/** One in-memory DynamoDB Local for the whole integration run; each test file makes its own tables. */
declare global {
  var __DYNAMODB_LOCAL__: DynamoDbLocal | undefined;
}

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const dynamo = await startDynamoDbLocal();
  globalThis.__DYNAMODB_LOCAL__ = dynamo;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
  writeFileSync(join(tmpdir(), 'ai-usage-dynamodb-local.pid'), String(dynamo.pid));
  if (process.env.CI)
    console.log(`\nDynamoDB Local ready on ${dynamo.endpoint} in ${Date.now() - started} ms`);
}
