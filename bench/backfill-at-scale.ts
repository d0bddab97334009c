/**
 * Benchmark 11 (`npm run bench -- --only 11`): the 90-day backfill of an organisation of 1,000 developers, per
 * provider, through the real pipeline — the connect use case → the in-process queue → the real fetcher handler →
 * the provider's fake over HTTP → DynamoDB Local — and then a re-sync of the same 90 days (POST /sync's use case)
 * with the same provider data, which is the baseline beside it.
 *
 * Counted: provider calls at the fake server, by path; DynamoDB write requests and the items they wrote, at the
 * client (bench/dynamodb-requests.ts), by item kind (the sort key's prefix). Each item the re-sync wrote is
 * compared with what it held before — from the puts themselves, which carry whole items, or read back where an
 * update wrote last — and found identical, changed (and in which attributes), new or deleted. The fakes generate their data from a seed per (day, developer) on a fixed clock, so the re-sync is
 * served the same answers: the stored raw answers (RAW#) before and after are compared to show it.
 *
 * Cursor allows 20 Admin and 60 usage-event requests a minute per team; 1,000 members need hundreds of event
 * pages, so at the real limit a backfill takes many minutes. Cursor's run shrinks the limit's window, in the fake
 * and in the pacer alike, as the integration tests do (paceWindowScale), and projects the real wall time from
 * the requests it made.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGet } from '../functions/adapters/dynamodb/batch';
import { toPerson, type Roster } from '../functions/domain/roster';
import { connectIntegration } from '../functions/domain/use-cases/connect-integration';
import { requestSync } from '../functions/domain/use-cases/request-sync';
import { ADMIN_BUDGET, EVENTS_BUDGET } from '../functions/providers/cursor/client';
import { ensureTables } from '../local/create-tables';
import { DEMO_ANTHROPIC_ADMIN_KEY, startFakeAnthropic } from '../local/fakes/claude-code';
import { CURSOR_PATHS, DEMO_CURSOR_KEY, startFakeCursor } from '../local/fakes/cursor';
import { DEMO_GITHUB_TOKEN, startFakeGitHub } from '../local/fakes/github-copilot';
import { demoPerson } from '../local/fakes/shared/people';
import { createLocalRuntime, type LocalRuntime } from '../local/runtime';
import type { LocalS3 } from '../local/s3-local';
import {
  attachRequestCounter,
  kindOf,
  recordRequests,
  tallyWrites,
  units,
  type RecordedRequest,
} from './dynamodb-requests';
import { dropTables } from './tables';

interface Options {
  client: DynamoDBClient;
  s3: LocalS3;
  print: (line: string) => void;
  now: Date;
  developers: number;
  days: number;
  /** Cursor's request windows run this much faster than real time (in the fake and the pacer). */
  cursorPaceScale: number;
}

const TEAM = 'bench-backfill';
const GROUPS = 20;
const PROVIDERS = ['claude_code', 'github_copilot', 'cursor'] as const;
type ProviderId = (typeof PROVIDERS)[number];

interface StartedFake {
  baseUrlEnv: string;
  url: string;
  apiKey: string;
  options: Record<string, string>;
  /** Every request the fake was sent so far, in order: its path and the status it answered. */
  calls(): { path: string; status: number }[];
  close(): Promise<void>;
}

/** Signed report links carry a file id; they are one endpoint. */
const endpointOf = (path: string) => path.replace(/^\/__files\/.*$/, '/__files/{file}.ndjson');

async function startFake(provider: ProviderId, options: Options, now: () => Date): Promise<StartedFake> {
  const common = { developers: options.developers, historyDays: 120, seed: 'bench', now };
  if (provider === 'claude_code') {
    const fake = await startFakeAnthropic(common);
    return {
      baseUrlEnv: 'ANTHROPIC_API_BASE_URL',
      url: fake.url,
      apiKey: DEMO_ANTHROPIC_ADMIN_KEY,
      options: {},
      calls: () => fake.requests,
      close: () => fake.close(),
    };
  }
  if (provider === 'github_copilot') {
    const fake = await startFakeGitHub(common);
    return {
      baseUrlEnv: 'GITHUB_API_BASE_URL',
      url: fake.url,
      apiKey: DEMO_GITHUB_TOKEN,
      options: { org: fake.organization.login },
      calls: () => fake.requests,
      close: () => fake.close(),
    };
  }
  const windowMs = 60_000 * options.cursorPaceScale;
  const fake = await startFakeCursor({
    ...common,
    rateLimit: { perWindow: 20, windowMs },
    eventsRateLimit: { perWindow: 60, windowMs },
  });
  return {
    baseUrlEnv: 'CURSOR_API_BASE_URL',
    url: fake.url,
    apiKey: DEMO_CURSOR_KEY,
    options: {},
    calls: () => fake.requests,
    close: () => fake.close(),
  };
}

/** A canonical form of a stored value as the document client reads and writes it (binary as base64, sets sorted). */
function canonical(value: unknown): unknown {
  if (value instanceof Uint8Array) return { B: Buffer.from(value).toString('base64') };
  if (value instanceof Set)
    return { SET: [...value].map((member) => JSON.stringify(canonical(member))).sort() };
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    return Object.keys(object)
      .filter((key) => object[key] !== undefined)
      .sort()
      .map((key) => [key, canonical(object[key])]);
  }
  return value;
}

/** An item as short fingerprints of its attributes. */
function fingerprint(item: Record<string, unknown>): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    attributes[name] = createHash('sha1')
      .update(JSON.stringify(canonical(value)))
      .digest('base64')
      .slice(0, 16);
  }
  return attributes;
}

const itemKey = (table: string, pk: string, sk: string) => `${table}\u0000${pk}\u0000${sk}`;

/**
 * What the items written so far hold, from the writes themselves: a put carries the whole item; an item last
 * changed by an update is read back (BatchGetItem, on the benchmark's own client, not counted); 'deleted' if gone.
 */
type ItemStates = Map<string, Record<string, string> | 'deleted'>;

async function itemStates(
  requests: readonly RecordedRequest[],
  reader: DynamoDBDocumentClient,
): Promise<ItemStates> {
  const states: ItemStates = new Map();
  const toRead = new Map<string, { table: string; pk: string; sk: string }>();
  for (const request of requests) {
    if (request.failed) continue;
    for (const write of request.writes) {
      const key = itemKey(write.table, write.pk, write.sk);
      toRead.delete(key);
      if (write.op === 'put' && write.item) states.set(key, fingerprint(write.item));
      else if (write.op === 'delete') states.set(key, 'deleted');
      else toRead.set(key, write);
    }
  }
  const byTable = new Map<string, { pk: string; sk: string }[]>();
  for (const { table, pk, sk } of toRead.values())
    byTable.set(table, [...(byTable.get(table) ?? []), { pk, sk }]);
  for (const [table, keys] of byTable) {
    for (const key of keys) states.set(itemKey(table, key.pk, key.sk), 'deleted');
    for (const item of await batchGet(reader, table, keys)) {
      states.set(itemKey(table, String(item.pk), String(item.sk)), fingerprint(item));
    }
  }
  return states;
}

/** Lets go of the items the recorded puts carried (their fingerprints are kept). */
function forgetItems(requests: readonly RecordedRequest[]): void {
  for (const request of requests) for (const write of request.writes) delete write.item;
}

interface KindChanges {
  items: number;
  identical: number;
  changed: number;
  created: number;
  deleted: number;
  attributes: Map<string, number>;
}

/** Each item the re-sync wrote or deleted, against what it held before the re-sync. */
function compare(before: ItemStates, after: ItemStates) {
  const byKind = new Map<string, KindChanges>();
  for (const [key, now] of after) {
    const kind = kindOf(key.split('\u0000')[2] ?? '');
    const entry = byKind.get(kind) ?? {
      items: 0,
      identical: 0,
      changed: 0,
      created: 0,
      deleted: 0,
      attributes: new Map(),
    };
    entry.items++;
    const old = before.get(key);
    if (now === 'deleted') entry.deleted++;
    else if (!old || old === 'deleted') entry.created++;
    else {
      const names = new Set([...Object.keys(old), ...Object.keys(now)]);
      const differ = [...names].filter((name) => old[name] !== now[name]);
      if (differ.length === 0) entry.identical++;
      else {
        entry.changed++;
        for (const name of differ) entry.attributes.set(name, (entry.attributes.get(name) ?? 0) + 1);
      }
    }
    byKind.set(kind, entry);
  }
  return byKind;
}

/**
 * The provider's answers as the fetcher received them (a fetch wrapper in the provider context): a hash of each
 * body, by endpoint and phase, to show the re-sync was served what the first sync was.
 */
function answerRecorder() {
  const answers = new Map<string, Map<string, string[]>>();
  let current = 'first';
  const waited = new Map<string, number>();
  const fetchRecording: typeof fetch = async (input, init) => {
    const sent = performance.now();
    const response = await globalThis.fetch(input, init);
    waited.set(current, (waited.get(current) ?? 0) + performance.now() - sent);
    const url = new URL(input instanceof Request ? input.url : String(input));
    const body = Buffer.from(await response.clone().arrayBuffer());
    const byEndpoint = answers.get(current) ?? new Map<string, string[]>();
    const endpoint = endpointOf(url.pathname);
    byEndpoint.set(endpoint, [
      ...(byEndpoint.get(endpoint) ?? []),
      createHash('sha1').update(body).digest('base64'),
    ]);
    answers.set(current, byEndpoint);
    return response;
  };
  return {
    fetch: fetchRecording,
    phase: (name: string) => void (current = name),
    /** Milliseconds the fetcher waited for answers' headers, summed over every call of a phase. */
    waited: (name: string) => waited.get(name) ?? 0,
    /** Per endpoint: the re-sync's answers, and how many were byte-identical to one of the first sync's. */
    compare(): { endpoint: string; answers: number; identical: number }[] {
      const first = answers.get('first') ?? new Map<string, string[]>();
      return [...(answers.get('again') ?? new Map<string, string[]>())].map(([endpoint, hashes]) => {
        const pool = new Map<string, number>();
        for (const hash of first.get(endpoint) ?? []) pool.set(hash, (pool.get(hash) ?? 0) + 1);
        let identical = 0;
        for (const hash of hashes) {
          const left = pool.get(hash) ?? 0;
          if (left > 0) {
            identical++;
            pool.set(hash, left - 1);
          }
        }
        return { endpoint, answers: hashes.length, identical };
      });
    },
  };
}

interface Phase {
  ms: number;
  /** Time the fetchers waited for the provider's answers, summed over calls (two jobs may wait at once). */
  providerWaitMs?: number;
  jobs: number;
  redelivered: number;
  dead: number;
  calls: Map<string, number>;
  callCount: number;
  /** Calls the fake refused with 429 (over its request limit). */
  refusedCalls: number;
  requests: RecordedRequest[];
}

async function phase(
  runtime: LocalRuntime,
  fake: StartedFake,
  provider: ProviderId,
  start: () => Promise<unknown>,
): Promise<Phase> {
  const callsBefore = fake.calls().length;
  const statsBefore = runtime.queue.stats(provider);
  const recording = recordRequests();
  const started = performance.now();
  await start();
  await runtime.queue.drain();
  const ms = performance.now() - started;
  const requests = recording.stop();
  const stats = runtime.queue.stats(provider);
  const calls = new Map<string, number>();
  const made = fake.calls().slice(callsBefore);
  for (const { path } of made) calls.set(endpointOf(path), (calls.get(endpointOf(path)) ?? 0) + 1);
  return {
    ms,
    jobs: stats.enqueued - statsBefore.enqueued,
    redelivered: stats.redelivered - statsBefore.redelivered,
    dead: stats.dead - statsBefore.dead,
    calls,
    callCount: made.length,
    refusedCalls: made.filter((call) => call.status === 429).length,
    requests,
  };
}

function roster(now: Date, developers: number): Roster {
  return {
    team_id: TEAM,
    version: 1,
    min_group_size: 5,
    people: Array.from({ length: developers }, (_, index) => {
      const person = demoPerson(index);
      return toPerson({
        display_name: person.name,
        emails: [person.email],
        github_login: person.githubLogin,
        groups: [`group-${String(index % GROUPS).padStart(2, '0')}`],
      });
    }),
    updated_at: now.toISOString(),
    updated_by: 'bench',
  };
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);
/** A line on stderr while the section runs (it takes minutes); the results go to `print`. */
const progress = (line: string) => process.stderr.write(`  [11] ${line}\n`);
const int = (n: number) => n.toLocaleString('en');
const ratio = (a: number, b: number) => (b === 0 ? '—' : `${fmt(a / b, 2)}×`);

export async function backfillAtScale(options: Options): Promise<void> {
  const { client, print, now, developers, days } = options;
  const scope = { teamId: TEAM, role: 'admin' as const, subject: 'bench' };
  const results: {
    provider: ProviderId;
    first: Phase;
    again: Phase;
    daily: Phase;
    changes: Map<string, KindChanges>;
  }[] = [];
  // The clock of the fake and of the pipeline: the benchmark's day, then the next day for the daily run.
  let today = now;
  const clock = () => today;
  const served: Record<string, ReturnType<ReturnType<typeof answerRecorder>['compare']>> = {};
  const reader = DynamoDBDocumentClient.from(client);
  for (const provider of PROVIDERS) {
    const tableNames = await ensureTables(client, `backfill-${provider}-${randomUUID().slice(0, 6)}-`);
    today = now;
    const fake = await startFake(provider, options, clock);
    const recorder = answerRecorder();
    const dataDir = mkdtempSync(join(tmpdir(), 'ai-usage-bench-backfill-'));
    const runtime = createLocalRuntime({
      s3: options.s3,
      tableNames,
      dataDir,
      providerEnv: { [fake.baseUrlEnv]: fake.url },
      clock: { now: clock },
      providerContext: { fetch: recorder.fetch },
      ...(provider === 'cursor' ? { paceWindowScale: options.cursorPaceScale } : {}),
    });
    try {
      attachRequestCounter(runtime.ports.usage);
      const seeding = recordRequests();
      await runtime.ports.roster.save(roster(now, developers));
      seeding.stop();
      let integrationId = '';
      let range = { start: '', end: '' };
      const first = await phase(runtime, fake, provider, async () => {
        const connected = await connectIntegration(
          scope,
          { provider, apiKey: fake.apiKey, options: fake.options, backfillDays: days },
          runtime.ports,
        );
        integrationId = connected.integration.integration_id;
        range = { start: connected.backfill.start_date, end: connected.backfill.end_date };
      });
      progress(`${provider}: first sync ${fmt(first.ms / 1000)} s`);
      const before = await itemStates([...seeding.requests, ...first.requests], reader);
      forgetItems(first.requests);
      recorder.phase('again');
      const again = await phase(runtime, fake, provider, () =>
        requestSync(scope, { integrationId, startDate: range.start, endDate: range.end }, runtime.ports),
      );
      progress(`${provider}: re-sync ${fmt(again.ms / 1000)} s`);
      const after = await itemStates(again.requests, reader);
      forgetItems(again.requests);
      served[provider] = recorder.compare();
      // The next day's scheduled run: the steady state's cost per integration and day.
      recorder.phase('daily');
      today = new Date(now.getTime() + 86_400_000);
      const daily = await phase(runtime, fake, provider, () => runtime.schedule(provider));
      progress(`${provider}: daily run ${fmt(daily.ms / 1000)} s`);
      forgetItems(daily.requests);
      first.providerWaitMs = recorder.waited('first');
      again.providerWaitMs = recorder.waited('again');
      results.push({ provider, first, again, daily, changes: compare(before, after) });
    } finally {
      runtime.close();
      await fake.close();
      rmSync(dataDir, { recursive: true, force: true });
      await dropTables(client, tableNames);
    }
  }

  const scaleNote = `Cursor's windows run ${fmt(1 / options.cursorPaceScale, 0)}× faster than real time`;
  print(
    `${int(developers)} developers (a roster of all of them in ${GROUPS} groups), ${days} days, one provider at a time on fresh tables; ` +
      `the re-sync is POST /sync's use case for the same ${days} days with the provider serving the same data. ` +
      `${scaleNote} (the fake's 20 Admin / 60 events a minute and the pacer's budgets alike, as in the integration tests); ` +
      'its real wall time is projected from its requests below. DynamoDB requests are counted at the client; ' +
      "Powertools idempotency's records (a put and an update per job, on a client of its own) are not in them. " +
      'The fakes run in this process: the time they take to build an answer is part of the wall time, and ' +
      '"waiting on provider answers" sums it over calls (two jobs may wait at once).\n',
  );
  print(
    '| provider | run | wall time, s | waiting on provider answers, s | jobs | provider calls | DynamoDB requests | write requests | items written (put + update) | items deleted | refused conditional writes | write units | read units |',
  );
  print('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const { provider, first, again, daily } of results) {
    const row = (label: string, run: Phase, base?: Phase) => {
      const tally = tallyWrites(run.requests);
      const kinds = [...tally.byKind.values()];
      const written = kinds.reduce((sum, k) => sum + k.put + k.update - k.refused, 0);
      const deleted = kinds.reduce((sum, k) => sum + k.delete, 0);
      const refused = run.requests.filter((request) => request.failed && request.writes.length).length;
      const withRatio = (value: number, baseValue: number | undefined, text = int(value)) =>
        baseValue === undefined ? text : `${text} (${ratio(value, baseValue)})`;
      const baseTally = base ? tallyWrites(base.requests) : undefined;
      const baseWritten = baseTally
        ? [...baseTally.byKind.values()].reduce((sum, k) => sum + k.put + k.update - k.refused, 0)
        : undefined;
      print(
        `| ${provider} | ${label} | ${withRatio(run.ms, base?.ms, fmt(run.ms / 1000))} | ` +
          `${fmt((run.providerWaitMs ?? 0) / 1000)} | ${run.jobs} | ` +
          `${withRatio(run.callCount, base?.callCount)} | ${withRatio(run.requests.length, base?.requests.length)} | ` +
          `${withRatio(tally.writeRequests, baseTally?.writeRequests)} | ` +
          `${withRatio(written, baseWritten)} | ${int(deleted)} | ${int(refused)} | ` +
          `${withRatio(Math.round(units(run.requests).write), base ? Math.round(units(base.requests).write) : undefined)} | ` +
          `${int(Math.round(units(run.requests).read))} |`,
      );
    };
    row(`first sync (connect, ${days}-day backfill)`, first);
    row('re-sync of the same days (÷ first sync)', again, first);
    row("the next day's daily run", daily);
  }
  print(
    '\nRe-sync ÷ first sync in brackets. Calls refused with 429, jobs redelivered and dead-lettered, both runs: ' +
      results
        .map(
          ({ provider, first, again }) =>
            `${provider} ${first.refusedCalls + again.refusedCalls} / ${first.redelivered + again.redelivered} / ${first.dead + again.dead}`,
        )
        .join(', ') +
      '.',
  );

  print(
    '\nProvider calls by endpoint, counted at the fake; and whether the re-sync was served the same data — each answer ' +
      "the re-sync's fetcher received, hashed, against the first sync's answers from the same endpoint:\n",
  );
  print('| provider | endpoint | first sync | re-sync | re-sync answers identical to a first-sync answer |');
  print('|---|---|---:|---:|---:|');
  for (const { provider, first, again } of results) {
    const endpoints = [...new Set([...first.calls.keys(), ...again.calls.keys()])].sort();
    for (const endpoint of endpoints) {
      const same = served[provider]?.find((e) => e.endpoint === endpoint);
      print(
        `| ${provider} | \`${endpoint}\` | ${int(first.calls.get(endpoint) ?? 0)} | ${int(again.calls.get(endpoint) ?? 0)} | ` +
          `${same ? `${int(same.identical)} of ${int(same.answers)}` : '—'} |`,
      );
    }
  }
  print(
    "\nGitHub's report answers (users-1-day, user-teams-1-day) list freshly signed download links, so no two are " +
      'alike; the NDJSON files they link to hold the data.',
  );
  const cursor = results.find((result) => result.provider === 'cursor');
  if (cursor) {
    const project = (run: Phase) => {
      const events = run.calls.get(CURSOR_PATHS.usageEvents) ?? 0;
      const admin = run.callCount - events;
      const minutes = Math.max(admin / ADMIN_BUDGET.requests, events / EVENTS_BUDGET.requests);
      return { admin, events, minutes, scaled: run.ms / options.cursorPaceScale / 60_000 };
    };
    print('');
    for (const [label, run] of [
      ['first sync', cursor.first],
      ['re-sync', cursor.again],
    ] as const) {
      const p = project(run);
      print(
        `Cursor ${label} at the real limit: ${int(p.admin)} Admin requests at ${ADMIN_BUDGET.requests} a minute and ${int(p.events)} event pages at ` +
          `${EVENTS_BUDGET.requests} a minute (the pacer's budgets) take at least ${fmt(p.minutes)} min; ` +
          `the measured ${fmt(run.ms / 1000)} s × ${fmt(1 / options.cursorPaceScale, 0)} = ${fmt(p.scaled)} min bounds it from above.`,
      );
    }
  }

  print(
    '\nWhat the re-sync wrote, by item kind (sort-key prefix): item writes, and each item written compared with the table before the re-sync — ' +
      'identical, changed (the attributes that differ, with how many items), new, or deleted:\n',
  );
  print(
    '| provider | kind | first sync item writes | re-sync item writes | items | identical | changed | new | deleted | attributes that changed |',
  );
  print('|---|---|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const { provider, first, again, changes } of results) {
    const firstKinds = tallyWrites(first.requests).byKind;
    const againKinds = tallyWrites(again.requests).byKind;
    const kinds = [...new Set([...firstKinds.keys(), ...againKinds.keys()])].sort();
    for (const kind of kinds) {
      const writes = (entry: { put: number; update: number; delete: number; refused: number } | undefined) =>
        entry ? entry.put + entry.update + entry.delete - entry.refused : 0;
      const change = changes.get(kind);
      const attributes = change
        ? [...change.attributes.entries()]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 5)
            .map(([name, count]) => `${name} ${int(count)}`)
            .join(', ')
        : '';
      print(
        `| ${provider} | \`${kind}\` | ${int(writes(firstKinds.get(kind)))} | ${int(writes(againKinds.get(kind)))} | ` +
          `${int(change?.items ?? 0)} | ${int(change?.identical ?? 0)} | ${int(change?.changed ?? 0)} | ` +
          `${int(change?.created ?? 0)} | ${int(change?.deleted ?? 0)} | ${attributes} |`,
      );
    }
  }
}
