import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalRuntime } from '../../local/runtime';

/**
 * Storage faults for integration tests, injected as middleware on the DynamoDB client a local runtime's
 * repositories share: production code and the AWS SDK run unchanged. A rule throws its error from the writes it
 * matches, `times` times. A rule `retried` by the SDK throws inside the SDK's retry loop, as an answer of the
 * service would (throttling: the SDK backs off and tries again); the others throw before it (a crash, which no
 * one retries).
 */
export interface StorageWrite {
  /** The SDK command, e.g. BatchWriteItemCommand. */
  command: string;
  /** The tables it writes. */
  tables: string[];
  /** The request as JSON, to look for a key or a date in. */
  text: string;
}

export interface StorageFaultRule {
  /** Checked for every write while the rule has throws left. */
  matches(write: StorageWrite): boolean;
  times: number;
  error(): Error;
  retried: boolean;
}

export interface StorageFault {
  /** How many times the rule has thrown. */
  readonly hits: number;
  /** Lifts the rule (the middleware stays, doing nothing for it). */
  remove(): void;
}

export interface StorageFaults {
  /** Rules of tests running side by side on one client: each rule should match its own tables only. */
  add(rule: StorageFaultRule): StorageFault;
  /** The SDK's attempts per call (its retry policy), so a rule can outlast them. */
  maxAttempts(): Promise<number>;
}

const WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

type Entry = StorageFaultRule & { hits: number };

function tablesOf(input: Record<string, unknown>): string[] {
  if (typeof input.TableName === 'string') return [input.TableName];
  if (input.RequestItems && typeof input.RequestItems === 'object') return Object.keys(input.RequestItems);
  const items = Array.isArray(input.TransactItems) ? (input.TransactItems as Record<string, unknown>[]) : [];
  return items.flatMap((item) =>
    Object.values(item).map((operation) => String((operation as { TableName?: unknown }).TableName)),
  );
}

const installed = new WeakMap<object, StorageFaults>();

/** The runtime's shared document client, which every repository of the process writes through. */
function clientOf(runtime: LocalRuntime): DynamoDBDocumentClient {
  const client = (runtime.ports.usage as unknown as { client?: DynamoDBDocumentClient }).client;
  if (!client?.middlewareStack) throw new Error('the usage repository no longer keeps its DynamoDB client');
  return client;
}

/** The storage faults of the runtime's DynamoDB client (one set per client: repositories share it). */
export function storageFaults(runtime: LocalRuntime): StorageFaults {
  const client = clientOf(runtime);
  const existing = installed.get(client);
  if (existing) return existing;
  let rules: Entry[] = [];
  const middleware =
    (retried: boolean) =>
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
    async (args: unknown) => {
      const command = context.commandName ?? '';
      const live = rules.filter((rule) => rule.retried === retried && rule.hits < rule.times);
      if (WRITES.has(command) && live.length > 0) {
        const input = (args as { input: Record<string, unknown> }).input;
        const write = { command, tables: tablesOf(input), text: JSON.stringify(input) };
        const rule = live.find((candidate) => candidate.matches(write));
        if (rule) {
          rule.hits++;
          throw rule.error();
        }
      }
      return next(args);
    };
  // Outside the retry loop: what throws here reaches the caller as is.
  client.middlewareStack.add(middleware(false) as never, {
    step: 'initialize',
    priority: 'high',
    name: 'testStorageCrash',
  });
  // Inside it (the retry middleware is finalizeRequest/high): the SDK treats what throws here as the service's answer.
  client.middlewareStack.add(middleware(true) as never, {
    step: 'finalizeRequest',
    priority: 'low',
    name: 'testStorageAnswer',
  });
  const faults: StorageFaults = {
    add(rule) {
      const entry: Entry = { ...rule, hits: 0 };
      rules.push(entry);
      return {
        get hits() {
          return entry.hits;
        },
        remove() {
          rules = rules.filter((other) => other !== entry);
        },
      };
    },
    async maxAttempts() {
      const setting = (client.config as { maxAttempts?: number | (() => Promise<number>) }).maxAttempts;
      return typeof setting === 'function' ? await setting() : (setting ?? 3);
    },
  };
  installed.set(client, faults);
  return faults;
}
