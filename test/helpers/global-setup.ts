import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb-local';
import { startExposureCapture, type ExposureRun } from './exposure-check';

/**
 * One in-memory DynamoDB Local for the whole integration run; each test file makes its own tables. And the
 * secret exposure check's capture folder, which every process started after this writes to (exposure-check.ts).
 */
declare global {
  var __DYNAMODB_LOCAL__: DynamoDbLocal | undefined;
  var __EXPOSURE_RUN__: ExposureRun | undefined;
}

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  globalThis.__EXPOSURE_RUN__ = startExposureCapture();
  const dynamo = await startDynamoDbLocal();
  globalThis.__DYNAMODB_LOCAL__ = dynamo;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
  writeFileSync(join(tmpdir(), 'ai-usage-dynamodb-local.pid'), String(dynamo.pid));
  if (process.env.CI)
    console.log(`\nDynamoDB Local ready on ${dynamo.endpoint} in ${Date.now() - started} ms`);
}
