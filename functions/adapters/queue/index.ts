import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { ENV } from '../../environment';
import { tracer } from '../../shared/observability';
import { SqsSyncQueue } from './sqs-sync-queue';

const queueUrlsSchema = z.record(z.string(), z.string().url());

/** The provider queues this function may send to (a JSON map the stack writes), as a SyncQueue. */
export function sqsSyncQueue(env: NodeJS.ProcessEnv = process.env): SqsSyncQueue {
  const raw = env[ENV.syncQueueUrls];
  const urls = raw ? queueUrlsSchema.parse(JSON.parse(raw)) : {};
  return new SqsSyncQueue(tracer.captureAWSv3Client(new SQSClient({})), urls);
}
