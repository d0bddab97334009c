import type { SyncPlanPorts } from '../domain/sync-plan';
import { usageRepository } from './dynamodb';
import { sqsSyncQueue } from './queue';
import { randomIds, systemClock } from './system';

/** What planning a sync needs in AWS (connect, POST /sync, schedulers): the ledger, the queues, ids, a clock. */
export function syncPlanAdapters(env: NodeJS.ProcessEnv = process.env): SyncPlanPorts {
  return { usage: usageRepository(env), queue: sqsSyncQueue(env), ids: randomIds, clock: systemClock };
}
