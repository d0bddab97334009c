/**
 * The environment variables through which the stack tells a function where its resources are. The CDK
 * app sets them (each binding of a function to a resource sets its variable and its grant together) and
 * the adapters read them; table variables live with their table definitions
 * (functions/adapters/dynamodb/table-definitions.ts). Plain data only: the CDK app imports this file.
 */
export const ENV = {
  /** The provider a scheduler or fetcher serves. */
  providerId: 'PROVIDER_ID',
  /**
   * Receives of a sync job before its queue moves it to the dead-letter queue (the queue's maxReceiveCount): a
   * fetcher that fails a job on that receive records it on its integration.
   */
  syncMaxReceiveCount: 'SYNC_MAX_RECEIVE_COUNT',
  /** JSON map provider id → SQS queue URL, of the queues the function may send to. */
  syncQueueUrls: 'SYNC_QUEUE_URLS',
  /** The queue of re-attribution requests (after a roster change). */
  attributionQueueUrl: 'ATTRIBUTION_QUEUE_URL',
  /** The FIFO queue of telemetry day rebuilds (decision 91). */
  telemetryRebuildQueueUrl: 'TELEMETRY_REBUILD_QUEUE_URL',
  /** Requests a team may send to POST /otlp/v1/metrics per minute, all its machines together (decision 92). */
  telemetryRequestsPerMinute: 'TELEMETRY_REQUESTS_PER_MINUTE',
  /** The bucket import files are uploaded to. */
  importsBucket: 'IMPORTS_BUCKET',
  /** The customer-managed key that encrypts provider keys. */
  secretsKeyId: 'KMS_KEY_ID',
  /** Secrets Manager name prefix of the stage's provider keys: `<prefix>/<team>/<integration>`. */
  secretNamePrefix: 'SECRET_NAME_PREFIX',
} as const;
