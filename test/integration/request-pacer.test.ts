import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoRequestPacer } from '../../functions/adapters/dynamodb/request-pacer';
import { integrationsTable } from '../../functions/adapters/dynamodb/table-definitions';
import { ProviderHttpError } from '../../functions/providers/http-client';
import { ensureTables } from '../../local/create-tables';
import { dropTestTables } from '../helpers/test-tables';

/**
 * The request pacer on DynamoDB Local: several pacers (as several Lambdas would be) share one budget, and
 * what they let through never exceeds it in any rolling window.
 */
describe('request pacer', () => {
  const dynamo = new DynamoDBClient({});
  const documents = DynamoDBDocumentClient.from(dynamo);
  let tableName: string;

  beforeAll(async () => {
    const names = await ensureTables(dynamo, `p${randomUUID().slice(0, 8)}-`);
    tableName = names[integrationsTable.envVar] as string;
  });
  afterAll(async () => {
    await dropTestTables(dynamo, [tableName]);
    dynamo.destroy();
  });

  const maxInWindow = (times: number[], windowMs: number) =>
    Math.max(...times.map((start) => times.filter((t) => t >= start && t < start + windowMs).length));

  it('lets at most the budget through in any rolling window, across concurrent pacers', async () => {
    const budget = { requests: 5, windowMs: 800 };
    // The slots the pacers took, as they wrote them: the last time of each log they managed to write. (The time a
    // caller sees its slot granted comes a write's latency later, which a loaded machine stretches at will.)
    const taken: number[] = [];
    const recording = {
      send: async (command: { input: unknown }) => {
        const answer = await (documents.send as (c: unknown) => Promise<unknown>)(command);
        const item = (command.input as { Item?: { times?: number[] } }).Item;
        if (command instanceof PutCommand && item?.times?.length)
          taken.push(item.times[item.times.length - 1] as number);
        return answer;
      },
    } as unknown as DynamoDBDocumentClient;
    const pacers = Array.from({ length: 4 }, () => new DynamoRequestPacer(recording, tableName));
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        (pacers[i % pacers.length] as DynamoRequestPacer).take(
          { teamId: 'team-a', bucket: 'cursor-admin' },
          budget,
          10_000,
        ),
      ),
    );
    expect(taken).toHaveLength(16);
    expect(maxInWindow(taken, budget.windowMs)).toBeLessThanOrEqual(budget.requests);
    // And it did make callers wait: 16 requests at 5 per 800 ms span three windows.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * budget.windowMs);
  });

  it('hands a long wait back as a rate limit carrying the wait, instead of sleeping through it', async () => {
    const pacer = new DynamoRequestPacer(documents, tableName);
    const budget = { requests: 2, windowMs: 30_000 };
    const scope = { teamId: 'team-b', bucket: 'cursor-admin' };
    await pacer.take(scope, budget, 1_000);
    await pacer.take(scope, budget, 1_000);
    const refused = pacer.take(scope, budget, 1_000);
    await expect(refused).rejects.toBeInstanceOf(ProviderHttpError);
    await expect(refused).rejects.toMatchObject({ kind: 'rate_limited', retryable: true });
    const error = (await refused.catch((e: unknown) => e)) as ProviderHttpError;
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(29);
  });

  it('keeps each team’s and each bucket’s budget apart', async () => {
    const pacer = new DynamoRequestPacer(documents, tableName);
    const budget = { requests: 1, windowMs: 30_000 };
    await pacer.take({ teamId: 'team-c', bucket: 'cursor-admin' }, budget, 0);
    await expect(
      pacer.take({ teamId: 'team-d', bucket: 'cursor-admin' }, budget, 0),
    ).resolves.toBeUndefined();
    await expect(
      pacer.take({ teamId: 'team-c', bucket: 'cursor-events' }, budget, 0),
    ).resolves.toBeUndefined();
    await expect(pacer.take({ teamId: 'team-c', bucket: 'cursor-admin' }, budget, 0)).rejects.toMatchObject({
      kind: 'rate_limited',
    });
  });

  it('scales every window by the same factor when asked (tests run a provider minute faster)', async () => {
    const scaled = new DynamoRequestPacer(documents, tableName, undefined, 0.01);
    const budget = { requests: 1, windowMs: 60_000 }; // 600 ms at this scale
    const scope = { teamId: 'team-e', bucket: 'cursor-admin' };
    await scaled.take(scope, budget, 5_000);
    const before = Date.now();
    await scaled.take(scope, budget, 5_000);
    expect(Date.now() - before).toBeGreaterThanOrEqual(500);
  });
});
