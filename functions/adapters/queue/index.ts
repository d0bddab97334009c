import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { ENV } from '../../environment';
import { tracer } from '../../shared/observability';
import { requireEnv } from '../../shared/env';
import { SqsAttributionQueue } from './sqs-attribution-queue';
import { SqsSyncQueue } from './sqs-sync-queue';
import { SqsTelemetryRebuildQueue } from './sqs-telemetry-rebuild-queue';

let sqs: SQSClient | undefined;
const client = () => (sqs ??= tracer.captureAWSv3Client(new SQSClient({})));

const queueUrlsSchema = z.record(z.string(), z.string().url());

/** The provider queues this function may send to (a JSON map the stack writes), as a SyncQueue. */
export function sqsSyncQueue(env: NodeJS.ProcessEnv = process.env): SqsSyncQueue {
  const raw = env[ENV.syncQueueUrls];
  const urls = raw ? queueUrlsSchema.parse(JSON.parse(raw)) : {};
  return new SqsSyncQueue(client(), urls);
}

/** The attribution queue the stack names, as an AttributionQueue. */
export function sqsAttributionQueue(env: NodeJS.ProcessEnv = process.env): SqsAttributionQueue {
  return new SqsAttributionQueue(client(), requireEnv(ENV.attributionQueueUrl, env));
}

/** The telemetry rebuild queue the stack names (FIFO, delayed), as a TelemetryRebuildQueue. */
export function sqsTelemetryRebuildQueue(env: NodeJS.ProcessEnv = process.env): SqsTelemetryRebuildQueue {
  return new SqsTelemetryRebuildQueue(client(), requireEnv(ENV.telemetryRebuildQueueUrl, env));
}
