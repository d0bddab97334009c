/**
 * The one definition of every DynamoDB table: the CDK stateful stack and the local run
 * (DynamoDB Local) both build their tables from this, so they cannot drift.
 * Plain data only: no CDK or SDK imports. Access patterns: docs/data-model.md.
 */
export interface TableDefinition {
  /** Logical id in the stack, and the local table name. */
  id: string;
  /** Environment variable through which functions learn the table's physical name. */
  envVar: string;
  partitionKey: string;
  sortKey?: string;
  timeToLiveAttribute?: string;
  globalSecondaryIndexes: { indexName: string; partitionKey: string; sortKey: string }[];
}

export const integrationsTable: TableDefinition = {
  id: 'Integrations',
  envVar: 'INTEGRATIONS_TABLE',
  partitionKey: 'pk',
  sortKey: 'sk',
  globalSecondaryIndexes: [
    { indexName: 'schedulable-by-provider', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  ],
};

export const usageTable: TableDefinition = {
  id: 'Usage',
  envVar: 'USAGE_TABLE',
  partitionKey: 'pk',
  sortKey: 'sk',
  // Only request counts of past throttle windows expire; no usage item carries the attribute.
  timeToLiveAttribute: 'expiration',
  globalSecondaryIndexes: [],
};

/** Powertools idempotency records of fetcher jobs (a duplicate delivery is answered from here). */
export const idempotencyTable: TableDefinition = {
  id: 'Idempotency',
  envVar: 'IDEMPOTENCY_TABLE',
  partitionKey: 'id',
  timeToLiveAttribute: 'expiration',
  globalSecondaryIndexes: [],
};

export const tableDefinitions: readonly TableDefinition[] = [integrationsTable, usageTable, idempotencyTable];
