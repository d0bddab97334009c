import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { usageTable } from '../../functions/adapters/dynamodb/table-definitions';
import { DynamoUsageRepository } from '../../functions/adapters/dynamodb/usage-repository';
import { ensureTables } from '../../local/create-tables';
import { dropTestTables } from '../helpers/test-tables';

/**
 * The daily run reads many integrations' day states at once from their month items (BatchGetItem, 100 keys a
 * request): each integration gets its own days back, in date order, across month edges and teams, and one with
 * no ledger gets none.
 */
describe('day states of many integrations at once', () => {
  const dynamo = new DynamoDBClient({});
  const documents = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  let names: Record<string, string>;
  let usage: DynamoUsageRepository;

  beforeAll(async () => {
    names = await ensureTables(dynamo, `s${randomUUID().slice(0, 8)}-`);
    usage = new DynamoUsageRepository(documents, names[usageTable.envVar] as string);
  });
  afterAll(async () => {
    await dropTestTables(dynamo, Object.values(names));
    dynamo.destroy();
  });

  it('answers each integration its own states, in the order asked, for 60 integrations across teams and months', async () => {
    const integrations = Array.from({ length: 60 }, (_, i) => ({
      teamId: `team-${i % 7}`,
      integrationId: `int_${i}`,
    }));
    const entry = (i: number, date: string) => ({
      team_id: `team-${i % 7}`,
      integration_id: `int_${i}`,
      provider: 'claude_code',
      date,
      sync_id: 'sync_s',
      updated_at: `${date}T20:00:00.000Z`,
    });
    // Integration i: a pending day at the end of January for every i, a failed one in February for odd i; the
    // last has none.
    await Promise.all(
      integrations.slice(0, -1).map(async (_, i) => {
        await usage.markPending([entry(i, `2026-01-${String(20 + (i % 10)).padStart(2, '0')}`)]);
        if (i % 2 === 1) {
          await usage.recordDayState({ ...entry(i, '2026-02-03'), state: 'failed', reason: 'HTTP 503' });
        }
      }),
    );
    const asked = [...integrations].reverse();
    const states = await usage.getDayStates(asked, '2026-01-15', '2026-02-28');
    expect(states).toHaveLength(asked.length);
    asked.forEach(({ integrationId }, position) => {
      const i = Number(integrationId.slice(4));
      const expected =
        i === integrations.length - 1
          ? []
          : [
              { date: `2026-01-${String(20 + (i % 10)).padStart(2, '0')}`, state: 'pending' },
              ...(i % 2 === 1 ? [{ date: '2026-02-03', state: 'failed' }] : []),
            ];
      expect(states[position]?.map(({ date, state }) => ({ date, state }))).toEqual(expected);
    });
    // A period that leaves out January's days leaves them out.
    const february = await usage.getDayStates(
      [{ teamId: 'team-1', integrationId: 'int_1' }],
      '2026-02-01',
      '2026-02-28',
    );
    expect(february).toEqual([
      [{ date: '2026-02-03', state: 'failed', updated_at: '2026-02-03T20:00:00.000Z' }],
    ]);
  });
});
