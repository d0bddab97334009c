import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { TableDefinition } from '../../functions/adapters/dynamodb/table-definitions';
import type { StageConfig } from '../config';

/**
 * A table from its shared definition (the local run creates the same one in DynamoDB Local): on-demand,
 * point-in-time recovery, encrypted with the data key, retained and protected from deletion outside dev.
 * Created directly in `scope` (id `<definition id>Table`), so its logical id does not depend on a wrapper.
 */
export function dataTable(
  scope: Construct,
  definition: TableDefinition,
  key: IKey,
  config: StageConfig,
): Table {
  const table = new Table(scope, `${definition.id}Table`, {
    partitionKey: { name: definition.partitionKey, type: AttributeType.STRING },
    ...(definition.sortKey ? { sortKey: { name: definition.sortKey, type: AttributeType.STRING } } : {}),
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: key,
    removalPolicy: config.removalPolicy,
    deletionProtection: config.protectFromDeletion,
    ...(definition.timeToLiveAttribute ? { timeToLiveAttribute: definition.timeToLiveAttribute } : {}),
  });
  for (const index of definition.globalSecondaryIndexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.indexName,
      partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
      sortKey: { name: index.sortKey, type: AttributeType.STRING },
    });
  }
  return table;
}
