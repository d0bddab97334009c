import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

/** Attempts of a transaction that another one touching the same item cancelled (the SDK does not retry those). */
const CONFLICT_ATTEMPTS = 5;

const reasonsOf = (error: unknown) =>
  error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];

/** Whether a transaction was cancelled because one of its conditions did not hold. */
export const conditionFailed = (error: unknown): boolean =>
  reasonsOf(error).some((reason) => reason.Code === 'ConditionalCheckFailed');

/**
 * TransactWriteItems, tried again (with a short random wait) when it was cancelled only because another
 * transaction was writing one of its items at the same moment — two jobs of one integration storing days of
 * one month, say. Any other cancellation (a condition) or error is thrown to the caller.
 */
export async function transactWrite(client: DynamoDBDocumentClient, items: TransactItems): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      const reasons = reasonsOf(error);
      const conflictOnly =
        reasons.some((reason) => reason.Code === 'TransactionConflict') &&
        reasons.every((reason) => reason.Code === 'TransactionConflict' || reason.Code === 'None');
      if (!conflictOnly || attempt >= CONFLICT_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** attempt));
    }
  }
}
