import { SQSClient } from '@aws-sdk/client-sqs';
import type { SyncQueue } from '../domain/ports';
import type { Dependencies } from '../domain/use-cases/dependencies';
import { queueUrls } from '../shared/env';
import { tracer } from '../shared/observability';
import { coreDependencies, notWired } from './core-dependencies';
import { SqsSyncQueue } from './queue/sqs-sync-queue';

export function sqsSyncQueue(env: NodeJS.ProcessEnv = process.env): SyncQueue {
  return new SqsSyncQueue(tracer.captureAWSv3Client(new SQSClient({})), queueUrls(env));
}

/** Functions that queue syncs but never touch keys (sync, scheduler). */
export function queueingDependencies(env: NodeJS.ProcessEnv = process.env): Dependencies {
  return { ...coreDependencies(env), secrets: notWired('secrets'), queue: sqsSyncQueue(env) };
}
