import { randomUUID } from 'node:crypto';
import type { Clock, IdGenerator } from '../domain/ports';

export const systemClock: Clock = { now: () => new Date() };

/** `<prefix>_<32 hex>`: unique, and safe in SQS batch entry ids and DynamoDB keys. */
export const randomIds: IdGenerator = { newId: (prefix) => `${prefix}_${randomUUID().replace(/-/g, '')}` };
