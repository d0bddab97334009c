import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ProviderHttpError } from '../../providers/http-client';
import type { RequestBudget, RequestPacer } from '../../providers/types';
import { keys } from './keys';

/** Real time, not the business clock: budgets are counted in the provider's seconds. */
export interface PacerTime {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realTime: PacerTime = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Added to every wait: two functions' clocks may differ by a few milliseconds. */
const SKEW_MS = 50;

/**
 * A sliding-log pacer kept in one DynamoDB item per team and budget (`TEAM#<team>` / `PACE#<bucket>` in the
 * Integrations table): the times of the last requests in the window. Taking a slot reads the item, and when
 * fewer than `budget.requests` fall in the last `windowMs`, appends now with a conditional write on the item's
 * version — so concurrent functions can never both take the last slot; the loser reads again. Otherwise it
 * waits until the oldest counted request leaves the window, or, when that is further than `maxWaitMs`, throws
 * a rate limit carrying the wait, so the job returns to the queue instead of burning its invocation.
 *
 * `windowScale` shrinks every window by the same factor (tests run a provider's minute as a few seconds, with
 * the fake provider scaled the same way); it is 1 in every deployed function.
 */
export class DynamoRequestPacer implements RequestPacer {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly time: PacerTime = realTime,
    private readonly windowScale = 1,
  ) {}

  async take(
    scope: { teamId: string; bucket: string },
    budget: RequestBudget,
    maxWaitMs: number,
  ): Promise<void> {
    const windowMs = budget.windowMs * this.windowScale;
    const key = { pk: keys.team(scope.teamId), sk: keys.pace(scope.bucket) };
    const deadline = this.time.now() + maxWaitMs;
    for (;;) {
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
      );
      const version = typeof Item?.version === 'number' ? Item.version : 0;
      const now = this.time.now();
      const recent = ((Item?.times as number[] | undefined) ?? [])
        .filter((at) => at > now - windowMs)
        .sort((a, b) => a - b);
      if (recent.length < budget.requests) {
        try {
          await this.client.send(
            new PutCommand({
              TableName: this.tableName,
              Item: { ...key, entity: 'pace', times: [...recent, now], version: version + 1 },
              ConditionExpression: 'attribute_not_exists(pk) OR version = :version',
              ExpressionAttributeValues: { ':version': version },
            }),
          );
          return;
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
          continue; // another function took a slot meanwhile: count again
        }
      }
      const freeAt = (recent[recent.length - budget.requests] as number) + windowMs + SKEW_MS;
      if (freeAt > deadline) {
        throw new ProviderHttpError(
          `request budget of ${budget.requests} per ${budget.windowMs / 1000} s in use by other syncs`,
          'rate_limited',
          429,
          0,
          Math.ceil((freeAt - now) / 1000),
        );
      }
      await this.time.sleep(freeAt - now);
    }
  }
}
