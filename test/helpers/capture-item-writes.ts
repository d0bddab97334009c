import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { exposureCaptureFromEnv } from '../../local/exposure-capture';
import { recordItemWrites } from './item-writes';

/**
 * Runs before each integration test file: in a run with the exposure capture, every item the file's code writes
 * to DynamoDB Local — through a DynamoDB client or a document client, the only ways in — is kept for the secret
 * exposure check as it is written. Writes are a superset of what is stored (a value later overwritten still
 * counts), and keeping them costs a JSON line each, where reading a table back through DynamoDB Local costs a
 * minute per 100,000 items (the imports suite leaves that many).
 */
const capture = exposureCaptureFromEnv();
if (capture) {
  for (const Client of [DynamoDBClient, DynamoDBDocumentClient]) {
    const prototype = Client.prototype as unknown as {
      send: (command: never, ...rest: unknown[]) => unknown;
    };
    const send = prototype.send;
    prototype.send = function (this: unknown, command: never, ...rest: unknown[]) {
      recordItemWrites(capture, command);
      return send.call(this, command, ...rest);
    };
  }
}
