/**
 * Benchmark 12 (`npm run bench -- --only 12`): one daily run of a provider's scheduler over 10,000 active
 * integrations (five per team across 2,000 teams), beside the same run over 1,000 (the baseline), to show how
 * the fan-out scales.
 *
 * The integrations are stored through the integration repository (so each carries the sparse index's keys) and
 * each gets a ledger (entries and month items) as a steady state leaves it: every day of the provider's history window `ok` up to the day
 * before yesterday; one integration in a hundred also has two `failed` days for the self-healing to ask for again.
 * Then the real scheduler handler (functions/handlers/scheduler.ts → schedule-provider.ts) runs once, with the
 * repositories on DynamoDB Local and the real SQS queue adapter (functions/adapters/queue/sqs-sync-queue.ts) on
 * a counting SQS client, so nothing is delivered to a fetcher. Counted: calls on the queue port, the
 * SendMessageBatch calls the adapter makes for them, and the DynamoDB requests (bench/dynamodb-requests.ts).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { integrationRepository, usageRepository } from '../functions/adapters/dynamodb';
import { batchWrite, mapLimit } from '../functions/adapters/dynamodb/batch';
import { keys } from '../functions/adapters/dynamodb/keys';
import { SqsSyncQueue } from '../functions/adapters/queue/sqs-sync-queue';
import { randomIds } from '../functions/adapters/system';
import { addDays, daysBetween } from '../functions/domain/dates';
import { integrationIdFor } from '../functions/domain/integration-id';
import type { Integration, LedgerEntry, SyncJob } from '../functions/domain/model';
import type { SyncQueue } from '../functions/domain/ports';
import { historyWindow } from '../functions/domain/repair-plan';
import { createSchedulerHandler, type ScheduleEvent } from '../functions/handlers/scheduler';
import { manifestCatalog } from '../functions/providers/manifests';
import { log } from '../functions/shared/observability';
import { ensureTables } from '../local/create-tables';
import { lambdaContext } from '../local/lambda-context';
import { attachRequestCounter, recordRequests, units, type RecordedRequest } from './dynamodb-requests';
import { dropTables } from './tables';

interface Options {
  client: DynamoDBClient;
  print: (line: string) => void;
  now: Date;
  /** Integrations per run, the baseline first. */
  sizes: number[];
}

const PROVIDER = 'claude_code';
const PER_TEAM = 5;
/** One integration in this many has failed days in its ledger. */
const REPAIR_EVERY = 100;
/** The stack's scheduler timeout (lib/constructs/provider-pipeline.ts). */
const SCHEDULER_TIMEOUT_MS = 5 * 60_000;

interface Run {
  integrations: number;
  teams: number;
  seedMs: number;
  ledgerItems: number;
  ms: number;
  result: { integrations: number; jobs: number; repairs: number };
  port: { calls: number; messages: number; largest: number; smallest: number };
  sqs: { calls: number; entries: number; bytes: number };
  requests: RecordedRequest[];
}

/** Counts the queue port's calls, then hands them to the real SQS adapter on a client that only counts. */
function countingQueue() {
  const port = { calls: 0, messages: 0, largest: 0, smallest: Infinity };
  const sqs = { calls: 0, entries: 0, bytes: 0 };
  const client = {
    send: async (command: SendMessageBatchCommand) => {
      const entries = command.input.Entries ?? [];
      sqs.calls++;
      sqs.entries += entries.length;
      sqs.bytes += entries.reduce((sum, entry) => sum + Buffer.byteLength(entry.MessageBody ?? ''), 0);
      return { Successful: entries.map((entry) => ({ Id: entry.Id })), Failed: [] };
    },
  } as unknown as SQSClient;
  const adapter = new SqsSyncQueue(client, { [PROVIDER]: 'https://sqs.local/000000000000/sync' });
  const queue: SyncQueue = {
    async enqueue(provider: string, jobs: SyncJob[]) {
      port.calls++;
      port.messages += jobs.length;
      port.largest = Math.max(port.largest, jobs.length);
      port.smallest = Math.min(port.smallest, jobs.length);
      await adapter.enqueue(provider, jobs);
    },
  };
  return { queue, port, sqs };
}

async function run(options: Options, size: number): Promise<Run> {
  const { client, now } = options;
  const tableNames = await ensureTables(client, `sched${size}-${randomUUID().slice(0, 6)}-`);
  const env = { ...process.env, ...tableNames };
  const integrations = integrationRepository(env);
  const usage = usageRepository(env);
  attachRequestCounter(usage);
  const manifest = manifestCatalog.find(PROVIDER);
  if (!manifest) throw new Error(`no ${PROVIDER} manifest`);

  // The steady state a year of daily runs leaves: every window day ok up to the day before yesterday.
  const window = historyWindow(manifest, now);
  const okDays = daysBetween(window.start, addDays(window.end, -1));
  const failedDays = new Set([addDays(window.end, -30), addDays(window.end, -31)]);
  const teams = Math.ceil(size / PER_TEAM);
  const seeded = performance.now();
  const targets = Array.from({ length: size }, (_, index) => {
    const teamId = `team-${String(Math.floor(index / PER_TEAM)).padStart(5, '0')}`;
    return {
      teamId,
      integrationId: integrationIdFor(teamId, PROVIDER, `org-${index}`),
      repairs: index % REPAIR_EVERY === REPAIR_EVERY - 1,
    };
  });
  await mapLimit(targets, 16, async ({ teamId, integrationId }) => {
    const integration: Integration = {
      team_id: teamId,
      integration_id: integrationId,
      provider: PROVIDER,
      name: `Claude Code · ${integrationId}`,
      account: { id: integrationId, name: 'bench' },
      options: {},
      status: 'active',
      sync_enabled: true,
      secret_ref: 'none',
      created_at: now.toISOString(),
      created_by: 'bench',
      updated_at: now.toISOString(),
      version: 1,
    };
    await integrations.save(integration);
  });
  // Ledger entries written as a fetcher's day replacement leaves them (usage-repository.ts), on a client of
  // the benchmark's own so the seeding is not counted.
  const seedClient = DynamoDBDocumentClient.from(client);
  const updatedAt = addDays(window.end, -1) + 'T06:00:00.000Z';
  const ledgerItems = targets.flatMap(({ teamId, integrationId, repairs }) =>
    okDays.map((date) => {
      const state = repairs && failedDays.has(date) ? 'failed' : 'ok';
      const entry: LedgerEntry = {
        team_id: teamId,
        integration_id: integrationId,
        provider: PROVIDER,
        date,
        state,
        attempts: 1,
        sync_id: 'sync_seed',
        updated_at: updatedAt,
        developers: state === 'ok' ? 40 : 0,
        interactions: state === 'ok' ? 900 : 0,
      };
      return {
        PutRequest: {
          Item: { pk: keys.team(teamId), sk: keys.ledger(date, integrationId), entity: 'ledger', ...entry },
        },
      };
    }),
  );
  // And the month items the same writes keep beside the entries (each day's card), which the daily run reads.
  const monthItems = targets.flatMap(({ teamId, integrationId, repairs }) => {
    const months = new Map<string, Record<string, unknown>>();
    for (const date of okDays) {
      const failed = repairs && failedDays.has(date);
      const item = months.get(date.slice(0, 7)) ?? {
        pk: keys.team(teamId),
        sk: keys.ledgerMonth(date, integrationId),
        entity: 'ledger_month',
        integration_id: integrationId,
        provider: PROVIDER,
        month: date.slice(0, 7),
      };
      item[keys.dayOfMonth(date)] = failed
        ? { state: 'failed', updated_at: updatedAt }
        : { state: 'ok', developers: 40, interactions: 900 };
      months.set(date.slice(0, 7), item);
    }
    return [...months.values()].map((Item) => ({ PutRequest: { Item } }));
  });
  const seeds = [...ledgerItems, ...monthItems];
  const chunks: (typeof seeds)[] = [];
  for (let i = 0; i < seeds.length; i += 25) chunks.push(seeds.slice(i, i + 25));
  await mapLimit(chunks, 8, (chunk) => batchWrite(seedClient, tableNames.USAGE_TABLE as string, chunk));
  const seedMs = performance.now() - seeded;

  const counted = countingQueue();
  const handler = createSchedulerHandler(
    () => ({
      usage,
      integrations,
      manifests: manifestCatalog,
      queue: counted.queue,
      ids: randomIds,
      clock: { now: () => now },
      log,
    }),
    () => PROVIDER,
  );
  const event: ScheduleEvent = {
    version: '0',
    id: `bench-${size}`,
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: now.toISOString(),
    region: 'local',
    resources: [`arn:aws:events:local:000000000000:rule/${PROVIDER}-daily`],
    detail: {},
  };
  const recording = recordRequests();
  const started = performance.now();
  const result = await handler(event, lambdaContext(`${PROVIDER}-scheduler`, SCHEDULER_TIMEOUT_MS));
  const ms = performance.now() - started;
  const requests = recording.stop();
  await dropTables(client, tableNames);
  return {
    integrations: size,
    teams,
    seedMs,
    ledgerItems: ledgerItems.length,
    ms,
    result,
    port: counted.port,
    sqs: counted.sqs,
    requests,
  };
}

/** DynamoDB requests of a run, by what they did. */
function requestsOf(run: Run) {
  const gsi = run.requests.filter((r) => r.operation === 'Query' && r.index);
  // The daily run reads each integration's day states from its month items (BatchGetItem).
  const ledger = run.requests.filter((r) => r.operation === 'BatchGetItem');
  const pending = run.requests.filter(
    (r) =>
      (r.operation === 'UpdateItem' || r.operation === 'TransactWriteItems') &&
      r.writes[0]?.sk.startsWith('LEDGER#'),
  );
  const sum = (list: RecordedRequest[], field: 'returned' | 'scanned') =>
    list.reduce((total, r) => total + (r[field] ?? 0), 0);
  return {
    gsi: { pages: gsi.length, items: sum(gsi, 'returned') },
    ledger: { reads: ledger.length, items: sum(ledger, 'returned') },
    pending: { updates: pending.length, refused: pending.filter((r) => r.failed).length },
    other: run.requests.length - gsi.length - ledger.length - pending.length,
    all: run.requests.length,
  };
}

const int = (n: number) => n.toLocaleString('en');
const fmt = (n: number, digits = 1) => n.toFixed(digits);

export async function schedulerFanOut(options: Options): Promise<void> {
  const { print } = options;
  // A small run first, not shown: the first run of a process pays for loading and compiling the code.
  await run(options, 100);
  const runs: Run[] = [];
  for (const size of options.sizes) runs.push(await run(options, size));
  const manifest = manifestCatalog.find(PROVIDER);
  print(
    `${manifest?.displayName} (${PROVIDER}): ${PER_TEAM} active integrations per team; each with a ledger of the ` +
      `${manifest?.sync.backfillDays}-day history window (ok to the day before yesterday; one in ${REPAIR_EVERY} with 2 failed days). ` +
      `The daily run asks for ${manifest?.sync.dailyOffsets.length} days per integration, at most ${manifest?.sync.maxDaysPerJob} days a job. ` +
      'Stored first: ' +
      runs
        .map(
          (r) =>
            `${int(r.integrations)} integrations and ${int(r.ledgerItems)} ledger entries in ${fmt(r.seedMs / 1000)} s`,
        )
        .join('; ') +
      '.\n',
  );
  print(
    '| integrations (teams) | scheduler run, s | jobs (days repaired) | queue port calls | messages | SendMessageBatch calls (≤ 10 each) | GSI Query pages (items) | day-state reads (BatchGetItem) | month items read | pending marks (refused: day already ok) | DynamoDB requests in all | read / write units |',
  );
  print('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const row = (r: Run) => {
    const q = requestsOf(r);
    return [
      `${int(r.integrations)} (${int(r.teams)})`,
      fmt(r.ms / 1000, 2),
      `${int(r.result.jobs)} (${int(r.result.repairs)})`,
      int(r.port.calls),
      int(r.port.messages),
      int(r.sqs.calls),
      `${int(q.gsi.pages)} (${int(q.gsi.items)})`,
      int(q.ledger.reads),
      int(q.ledger.items),
      `${int(q.pending.updates)} (${int(q.pending.refused)})`,
      int(q.all),
      `${int(Math.round(units(r.requests).read))} / ${int(Math.round(units(r.requests).write))}`,
    ];
  };
  for (const r of runs) print(`| ${row(r).join(' | ')} |`);
  const [base, big] = [runs[0], runs[runs.length - 1]];
  if (base && big && base !== big) {
    const b = requestsOf(base);
    const g = requestsOf(big);
    const x = (a: number, c: number) => (c === 0 ? '—' : `${fmt(a / c, 2)}×`);
    print(
      `| **${int(big.integrations)} ÷ ${int(base.integrations)}** | ${x(big.ms, base.ms)} | ${x(big.result.jobs, base.result.jobs)} | ` +
        `${x(big.port.calls, base.port.calls)} | ${x(big.port.messages, base.port.messages)} | ${x(big.sqs.calls, base.sqs.calls)} | ` +
        `${x(g.gsi.pages, b.gsi.pages)} | ${x(g.ledger.reads, b.ledger.reads)} | ${x(g.ledger.items, b.ledger.items)} | ` +
        `${x(g.pending.updates, b.pending.updates)} | ${x(g.all, b.all)} | ${x(units(big.requests).read, units(base.requests).read)} |`,
    );
  }
  print('');
  for (const r of runs) {
    print(
      `${int(r.integrations)} integrations: the port was called ${int(r.port.calls)} times with ${int(r.port.smallest)}–${int(r.port.largest)} jobs ` +
        `(${fmt(r.port.messages / r.port.calls)} on average); the SQS adapter sent them in ${int(r.sqs.calls)} SendMessageBatch calls ` +
        `(${fmt(r.sqs.entries / r.sqs.calls)} messages each, ${fmt(r.sqs.bytes / 1024)} KB of bodies). ` +
        `${fmt((r.ms / SCHEDULER_TIMEOUT_MS) * 100)} % of the scheduler's 5-minute timeout.`,
    );
  }
}
