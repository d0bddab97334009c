import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RequestCounter } from '../../domain/ports';
import { keys } from './keys';

/**
 * Request counts per team and throttle window in the Usage table (`TEAM#<team>#THROTTLE` / `<scope>#<window
 * start>`): one atomic ADD answers the window's total, and the table's time to live removes past windows.
 */
export class DynamoRequestCounter implements RequestCounter {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async add(
    teamId: string,
    scope: string,
    windowStart: string,
    count: number,
    expiresAt: Date,
  ): Promise<number> {
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: keys.throttle(teamId), sk: keys.throttleWindow(scope, windowStart) },
        UpdateExpression: 'ADD requests :count SET expiration = :expiration',
        ExpressionAttributeValues: { ':count': count, ':expiration': Math.floor(expiresAt.getTime() / 1000) },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(Attributes?.requests ?? count);
  }
}
