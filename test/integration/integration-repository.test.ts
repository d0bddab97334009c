import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { integrationsTable } from '../../functions/adapters/dynamodb/table-definitions';
import { DynamoIntegrationRepository } from '../../functions/adapters/dynamodb/integration-repository';
import { ensureTables } from '../../local/create-tables';
import { integrationRecord } from '../helpers/memory-ports';
import { dropTestTables } from '../helpers/test-tables';

/**
 * Saving an integration on DynamoDB Local: the write lands only on the version before it (none for version 1), so
 * a connect that read the integration before a fetcher recorded a sync cannot overwrite that sync, and two first
 * writes of one integration leave the first.
 */
describe('saving an integration', () => {
  const dynamo = new DynamoDBClient({});
  const documents = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  let names: Record<string, string>;
  let integrations: DynamoIntegrationRepository;

  beforeAll(async () => {
    names = await ensureTables(dynamo, `i${randomUUID().slice(0, 8)}-`);
    integrations = new DynamoIntegrationRepository(documents, names[integrationsTable.envVar] as string);
  });
  afterAll(async () => {
    await dropTestTables(dynamo, Object.values(names));
    dynamo.destroy();
  });

  it('writes version 1 once, and a later version only over the one before it', async () => {
    const first = integrationRecord({
      team_id: 'team-s',
      integration_id: 'int_s',
      version: 1,
      name: 'first',
    });
    expect(await integrations.save(first)).toBe(true);
    expect(await integrations.save({ ...first, name: 'second first' })).toBe(false);
    expect((await integrations.get('team-s', 'int_s'))?.name).toBe('first');

    // A fetcher records a sync (version 2) after a connect read version 1.
    await integrations.update('team-s', 'int_s', () => ({ status_message: 'synced' }));
    expect(await integrations.save({ ...first, version: 2, name: 'from a stale read' })).toBe(false);
    const stored = await integrations.get('team-s', 'int_s');
    expect(stored).toMatchObject({ version: 2, name: 'first', status_message: 'synced' });
    expect(await integrations.save({ ...(stored as typeof first), version: 3, name: 'renamed' })).toBe(true);
    expect(await integrations.get('team-s', 'int_s')).toMatchObject({ version: 3, name: 'renamed' });
  });
});
