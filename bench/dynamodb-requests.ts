/**
 * Counts the DynamoDB requests the pipeline makes, at the client: a middleware on the document client every
 * repository of the process shares (functions/adapters/dynamodb/index.ts makes one per process). Each request is
 * recorded with what it wrote (item keys, by operation) or read (the sort-key prefix asked for, items returned and
 * scanned), and whether DynamoDB refused it. Used by benchmarks 11 and 12; the pipeline is not changed.
 *
 * Powertools idempotency keeps its records with a client of its own, which this does not see.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export type WriteOp = 'put' | 'update' | 'delete';

export interface ItemWrite {
  table: string;
  pk: string;
  sk: string;
  op: WriteOp;
  /** The whole item a put wrote (a reference to the request's own, as the adapter built it). */
  item?: Record<string, unknown>;
}

export interface RecordedRequest {
  /** The DynamoDB operation: PutItem, BatchWriteItem, Query, … */
  operation: string;
  table: string;
  index?: string;
  /** Items written or deleted by this request (every item of a batch or a transaction). */
  writes: ItemWrite[];
  /** For a Query: the sort-key prefix of its key condition (e.g. LEDGER#), or the index it read. */
  reads?: string;
  returned?: number;
  scanned?: number;
  /** The error's name, when DynamoDB refused the request (e.g. ConditionalCheckFailedException). */
  failed?: string;
  /**
   * Capacity units the request consumed, as DynamoDB Local reports them (ReturnConsumedCapacity, asked for by the
   * counter): write units for writes (1 per KB of item, twice in a transaction), read units for reads (1 per 4 KB
   * consistent, half that eventually consistent) — what on-demand mode bills as request units.
   */
  capacity?: number;
}

/** Operations whose consumed capacity the counter asks for. */
const METERED = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
  'GetItem',
  'BatchGetItem',
  'Query',
  'Scan',
]);

/** The units of a ConsumedCapacity answer (one object, or one per table for batches and transactions). */
function unitsOf(consumed: unknown): number | undefined {
  if (!consumed) return undefined;
  const list = (Array.isArray(consumed) ? consumed : [consumed]) as { CapacityUnits?: number }[];
  return list.reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
}

type Item = Record<string, unknown>;
type Input = Record<string, unknown>;

/** The kind of an item, from its sort key: `USAGE#…` → `USAGE#`, `BLOCKS` → `BLOCKS`. */
export function kindOf(sk: string): string {
  const hash = sk.indexOf('#');
  return hash === -1 ? sk : sk.slice(0, hash + 1);
}

function keyOf(table: string, key: unknown, op: WriteOp): ItemWrite {
  const { pk, sk } = (key ?? {}) as { pk?: unknown; sk?: unknown };
  return { table, pk: String(pk), sk: String(sk ?? ''), op, ...(op === 'put' ? { item: key as Item } : {}) };
}

function writesOf(operation: string, input: Input): ItemWrite[] {
  const table = String(input.TableName ?? '');
  switch (operation) {
    case 'PutItem':
      return [keyOf(table, input.Item, 'put')];
    case 'UpdateItem':
      return [keyOf(table, input.Key, 'update')];
    case 'DeleteItem':
      return [keyOf(table, input.Key, 'delete')];
    case 'BatchWriteItem':
      return Object.entries((input.RequestItems ?? {}) as Record<string, Item[]>).flatMap(
        ([name, requests]) =>
          requests.map((request) => {
            const put = request.PutRequest as { Item: Item } | undefined;
            const del = request.DeleteRequest as { Key: Item } | undefined;
            return put ? keyOf(name, put.Item, 'put') : keyOf(name, del?.Key, 'delete');
          }),
      );
    case 'TransactWriteItems':
      return ((input.TransactItems ?? []) as Item[]).flatMap((entry) => {
        const put = entry.Put as { TableName: string; Item: Item } | undefined;
        const update = entry.Update as { TableName: string; Key: Item } | undefined;
        const del = entry.Delete as { TableName: string; Key: Item } | undefined;
        if (put) return [keyOf(put.TableName, put.Item, 'put')];
        if (update) return [keyOf(update.TableName, update.Key, 'update')];
        if (del) return [keyOf(del.TableName, del.Key, 'delete')];
        return [];
      });
    default:
      return [];
  }
}

/** What a Query asked for: its index, or the prefix of the sort-key bound in its key condition. */
function readOf(input: Input): string {
  if (input.IndexName) return `index ${String(input.IndexName)}`;
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
  const bound = Object.entries(values).find(
    ([name, value]) => name !== ':pk' && typeof value === 'string' && /^[A-Z]+#/.test(value),
  )?.[1] as string | undefined;
  return bound ? kindOf(bound) : 'partition';
}

let current: RecordedRequest[] | undefined;
const attached = new WeakSet<object>();

/**
 * Adds the counting middleware to the process's shared document client, found through a repository built on it
 * (its `client` field is private to the adapter; only this benchmark reads it). Attaching twice is harmless.
 */
export function attachRequestCounter(repository: object): void {
  const client = (repository as { client?: DynamoDBDocumentClient }).client;
  if (!client?.middlewareStack) throw new Error('the repository carries no DynamoDB document client');
  if (attached.has(client)) return;
  attached.add(client);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const recording = current;
      if (!recording) return next(args);
      const operation = String(context.commandName ?? '').replace(/Command$/, '');
      const input = args.input as Input;
      const request: RecordedRequest = {
        operation,
        table: String(input.TableName ?? ''),
        writes: writesOf(operation, input),
        ...(input.IndexName ? { index: String(input.IndexName) } : {}),
      };
      if (operation === 'Query') request.reads = readOf(input);
      if (METERED.has(operation) && input.ReturnConsumedCapacity === undefined)
        args.input = { ...input, ReturnConsumedCapacity: 'TOTAL' };
      recording.push(request);
      try {
        const result = await next(args);
        const output = result.output as { Count?: number; ScannedCount?: number; ConsumedCapacity?: unknown };
        if (output.Count !== undefined) request.returned = output.Count;
        const responses = (output as { Responses?: Record<string, unknown[]> }).Responses;
        if (responses)
          request.returned = Object.values(responses).reduce((sum, items) => sum + items.length, 0);
        if (output.ScannedCount !== undefined) request.scanned = output.ScannedCount;
        const units = unitsOf(output.ConsumedCapacity);
        if (units !== undefined) request.capacity = units;
        return result;
      } catch (error) {
        request.failed = (error as Error).name;
        throw error;
      }
    },
    // At initialize, before the document client marshals: keys and values are still plain.
    { step: 'initialize', name: 'benchRequestCounter', priority: 'high' },
  );
}

/** Records every request from now until `stop()` (one recording at a time). */
export function recordRequests(): { requests: RecordedRequest[]; stop(): RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  current = requests;
  return {
    requests,
    stop() {
      if (current === requests) current = undefined;
      return requests;
    },
  };
}

/** Capacity units consumed by the recorded requests: write units by writes, read units by reads. */
export function units(requests: readonly RecordedRequest[]): { write: number; read: number } {
  let write = 0;
  let read = 0;
  for (const request of requests) {
    if (request.writes.length) write += request.capacity ?? 0;
    else read += request.capacity ?? 0;
  }
  return { write, read };
}

/** Write requests and the items they wrote, by item kind (sort-key prefix) and operation. */
export function tallyWrites(requests: readonly RecordedRequest[]) {
  const byKind = new Map<string, { put: number; update: number; delete: number; refused: number }>();
  let writeRequests = 0;
  let items = 0;
  for (const request of requests) {
    if (request.writes.length === 0) continue;
    writeRequests++;
    for (const write of request.writes) {
      items++;
      const kind = kindOf(write.sk);
      const entry = byKind.get(kind) ?? { put: 0, update: 0, delete: 0, refused: 0 };
      entry[write.op]++;
      // A refused conditional write (or transaction) wrote nothing, though the request was made.
      if (request.failed) entry.refused++;
      byKind.set(kind, entry);
    }
  }
  return { writeRequests, items, byKind };
}
