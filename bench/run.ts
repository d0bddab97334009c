/**
 * `npm run bench`: figures of the pipeline on real local parts, each beside a baseline run the same way.
 *  1. dashboard: daily sums and breakdown blocks (this design) vs. aggregating every developer-day row (baseline),
 *     for a team whose size grows — the rollup read stays flat, the row scan grows with the team.
 *  2. backfill: 90 days through the queue, fetcher and DynamoDB Local at the provider's concurrency vs. one at a time.
 *  3. HTTP dashboard latency through the local API gateway (p50 / p95 / max).
 *  4. normaliser throughput (records per second).
 *  5. a Copilot day of 1,000 users: report → signed links → NDJSON over HTTP, split over 20 files vs one file;
 *     reading the NDJSON checked line by line vs a bare JSON.parse per line; normalising.
 *  6. a Cursor 90-day backfill at Cursor's real request limit (20 a minute per team): requests, wall time and the
 *     most requests the fake saw in any minute, beside the same days fetched one day per job (the baseline).
 *  7. a large customer: one team of 1,000 developers on three tools with a year stored and real breakdown
 *     variety — GET /dashboard for 7/30/90/365 days, the group, developers and "me" views through the local API
 *     gateway (p50/p95/p99), the DynamoDB requests, items and bytes each reads, the same reads replayed bare (the
 *     floor), and a naive baseline that sums developer rows (bench/large-customer.ts, in a process of its own).
 *  8. imports: a CSV file of 100,000 rows uploaded, read, checked and stored (time, peak memory), and its read
 *     streamed beside the whole file parsed at once.
 *  9. the team page: the bytes of a first load, gzipped, against its 150 KB budget.
 * 11. a 90-day backfill per provider through its fake at 1,000 and at 50 developers, a re-sync of the same days (the
 *     baseline) and the next day's scheduled run: wall time, provider calls by endpoint, DynamoDB requests, items
 *     and capacity units by item kind, and which items the re-sync changed.
 * 12. the scheduler's daily fan-out over 10,000 active integrations beside 1,000: time, queue-port and
 *     SendMessageBatch calls, DynamoDB requests.
 * 13. each Lambda bundle's size and module-load time in a fresh process (a cold-start proxy) beside an empty handler.
 * 14. Claude Code telemetry from 1,000 developers exporting every 60 s through the local gateway: requests a second,
 *     latency, DynamoDB units per request and per rebuild, beside rebuilding the day after every request (baseline),
 *     and the cost per month that follows.
 * `npm run bench -- --only 7` (or `--only 4,5`) runs some sections only. Nothing here asserts; it prints.
 * Record results in docs/benchmarks.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { localProcessEnv } from '../local/env';

const { values: args } = parseArgs({ options: { only: { type: 'string' } } });
const only = args.only?.split(',').map(Number);
/** Whether to run a section (all unless --only names some). */
const want = (...sections: number[]) => !only || sections.some((section) => only.includes(section));

Object.assign(process.env, { ...localProcessEnv({ POWERTOOLS_LOG_LEVEL: 'SILENT' }), ...process.env });

const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
const { startDynamoDbLocal } = await import('../local/dynamodb-local');
const { ensureTables } = await import('../local/create-tables');
const { createLocalRuntime } = await import('../local/runtime');
const { startLocalS3 } = await import('../local/s3-local');
const { startLocalApi } = await import('../local/api-server');
const { createVerifier, issueToken, loadOrCreateSigningKeys } = await import('../local/jwt');
const { startFakeAnthropic, DEMO_ANTHROPIC_ADMIN_KEY, generateClaudeCodeRecords } =
  await import('../local/fakes/claude-code');
const { normalizeClaudeCodeDay } = await import('../functions/providers/claude-code/normalizer');
const { startFakeGitHub, DEMO_GITHUB_TOKEN } = await import('../local/fakes/github-copilot');
const { startFakeCursor, DEMO_CURSOR_KEY, CURSOR_PATHS } = await import('../local/fakes/cursor');
const { githubCopilotProvider } = await import('../functions/providers/github-copilot');
const { parseReportFile } = await import('../functions/providers/github-copilot/ndjson');
const { copilotUserRecordSchema } = await import('../functions/providers/github-copilot/schemas');
const { readDashboard } = await import('../functions/domain/use-cases/read-dashboard');
const { buildDeveloperUsage } = await import('./baselines/row-scan-developers');
const { importsAtScale } = await import('./imports-at-scale');
const { largeCustomer } = await import('./large-customer-run');
const { buildWeb } = await import('../web/build');
const { lastDays, addDays: addDaysIso } = await import('../functions/domain/dates');
const { API_BASE_PATH } = await import('../functions/routes');

const NOW = new Date('2026-06-15T12:00:00Z');
const TODAY = '2026-06-15';
const fmt = (n: number, digits = 1) => n.toFixed(digits);
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function time<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await run();
  return { ms: performance.now() - start, value };
}

async function median(runs: number, run: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push((await time(run)).ms);
  return samples.sort((a, b) => a - b)[Math.floor(runs / 2)] ?? 0;
}

const dynamo = await startDynamoDbLocal();
process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
const client = new DynamoDBClient({});
const s3 = await startLocalS3(mkdtempSync(join(tmpdir(), 'ai-usage-bench-s3-')));
const cleanups: (() => Promise<void> | void)[] = [() => dynamo.stop(), () => s3.close()];

async function pipeline(name: string, developers: number, queue: { batchSize?: number } = {}) {
  const tableNames = await ensureTables(client, `${name}-`);
  const fake = await startFakeAnthropic({
    developers,
    apiKeyActors: 1,
    historyDays: 120,
    seed: 'bench',
    now: () => NOW,
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'ai-usage-bench-'));
  const runtime = createLocalRuntime({
    s3,
    tableNames,
    dataDir,
    providerEnv: { ANTHROPIC_API_BASE_URL: fake.url },
    clock: { now: () => NOW },
    queue,
  });
  cleanups.push(async () => {
    runtime.close();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const keys = await loadOrCreateSigningKeys(join(dataDir, 'jwt.json'));
  const api = await startLocalApi({ handlers: runtime.http, verify: createVerifier(keys), port: 0 });
  cleanups.push(() => api.close());
  const token = await issueToken(keys, { teamId: 'bench-team', role: 'admin' });
  const base = `${api.url}${API_BASE_PATH}`;
  const backfill = await time(async () => {
    const response = await fetch(`${base}/connect`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'claude_code', api_key: DEMO_ANTHROPIC_ADMIN_KEY }),
    });
    if (response.status !== 201)
      throw new Error(`connect failed: ${response.status} ${await response.text()}`);
    await runtime.queue.drain();
  });
  return { runtime, base, token, backfillMs: backfill.ms, fake };
}

const rows: string[] = [];
const print = (line: string) => {
  rows.push(line);
  console.log(line);
};

try {
  print(`# Benchmarks (${new Date().toISOString().slice(0, 10)}, node ${process.version}, DynamoDB Local)\n`);

  if (want(1, 2, 3)) {
    print(
      '## 1. Dashboard (90 days): daily sums and breakdown blocks (this design) vs. aggregating developer rows (baseline)\n',
    );
    print(
      '| developers | dashboard read, ms (median of 15) | baseline row scan, ms | baseline ÷ this design | rows the baseline reads |',
    );
    print('|---:|---:|---:|---:|---:|');
    const backfills: { developers: number; ms: number }[] = [];
    for (const developers of [10, 50, 200]) {
      const { runtime, backfillMs } = await pipeline(`dash${developers}`, developers);
      backfills.push({ developers, ms: backfillMs });
      const ports = runtime.ports;
      const days = lastDays(TODAY, 90);
      let rowItems = 0;
      const caller = { teamId: 'bench-team', role: 'admin' as const, subject: 'bench' };
      const rollupMs = await median(15, async () => {
        await readDashboard(caller, { days: 90 }, ports);
      });
      const baselineMs = await median(5, async () => {
        const all = await ports.usage.getDeveloperDays('bench-team', days);
        rowItems = all.length;
        buildDeveloperUsage(all, () => 'Claude Code');
      });
      print(
        `| ${developers} | ${fmt(rollupMs)} | ${fmt(baselineMs)} | ${fmt(baselineMs / rollupMs)}× | ${rowItems} |`,
      );
    }

    print('\n## 2. Backfill of 90 days (connect → queue → fetcher → fake API → DynamoDB Local)\n');
    print('| developers | backfill, s | days/s |');
    print('|---:|---:|---:|');
    for (const run of backfills)
      print(`| ${run.developers} | ${fmt(run.ms / 1000, 2)} | ${fmt(90 / (run.ms / 1000))} |`);
    // Same team, alternating runs so warm-up favours neither side; best of two each.
    const byBatch: Record<number, number[]> = { 1: [], 10: [] };
    let serial: Awaited<ReturnType<typeof pipeline>> | undefined;
    for (const [i, batchSize] of [1, 10, 1, 10].entries()) {
      const run = await pipeline(`batch${i}`, 50, { batchSize });
      byBatch[batchSize]?.push(run.backfillMs);
      serial = run;
    }
    if (!serial) throw new Error('no run');
    const best = (list: number[] | undefined) => Math.min(...(list ?? [Infinity]));
    print(
      '\n| 50 developers | one job per invocation (this design) | batches of 10 in parallel (baseline) | design ÷ baseline |',
    );
    print('|---|---:|---:|---:|');
    print(
      `| backfill, s (best of 2) | ${fmt(best(byBatch[1]) / 1000, 2)} | ${fmt(best(byBatch[10]) / 1000, 2)} | ${fmt(best(byBatch[1]) / best(byBatch[10]), 2)}× |`,
    );

    print(
      '\n## 3. GET /dashboard?days=90 through the local API gateway (50 developers, 200 sequential requests)\n',
    );
    const samples: number[] = [];
    for (let i = 0; i < 200; i++) {
      const { ms } = await time(async () => {
        const response = await fetch(`${serial.base}/dashboard?days=90`, {
          headers: { authorization: `Bearer ${serial.token}` },
        });
        await response.arrayBuffer();
      });
      samples.push(ms);
    }
    samples.sort((a, b) => a - b);
    const devSamples: number[] = [];
    for (let i = 0; i < 50; i++) {
      const { ms } = await time(async () => {
        const response = await fetch(`${serial.base}/dashboard/developers?days=90`, {
          headers: { authorization: `Bearer ${serial.token}` },
        });
        await response.arrayBuffer();
      });
      devSamples.push(ms);
    }
    devSamples.sort((a, b) => a - b);
    print('| endpoint | p50 ms | p95 ms | max ms |');
    print('|---|---:|---:|---:|');
    print(
      `| /dashboard?days=90 | ${fmt(percentile(samples, 50))} | ${fmt(percentile(samples, 95))} | ${fmt(samples[samples.length - 1] ?? 0)} |`,
    );
    print(
      `| /dashboard/developers?days=90 (baseline-style row read) | ${fmt(percentile(devSamples, 50))} | ${fmt(percentile(devSamples, 95))} | ${fmt(devSamples[devSamples.length - 1] ?? 0)} |`,
    );
  }
  if (want(4)) {
    print('\n## 4. Normaliser throughput\n');
    const records = generateClaudeCodeRecords('2026-06-10', {
      developers: 1000,
      apiKeyActors: 5,
      seed: 'bench',
      splitRecordRate: 0.1,
      organizationId: 'org',
    });
    const raw = { records };
    const normMs = await median(9, async () => normalizeClaudeCodeDay(raw, '2026-06-10'));
    print(
      `${records.length} records (1,000 developers, one day): ${fmt(normMs, 2)} ms median → ${fmt(records.length / (normMs / 1000), 0)} records/s`,
    );
  }
  if (want(5)) {
    print('\n## 5. GitHub Copilot: one day of 1,000 users\n');
    const day = '2026-06-10';
    const copilotRun = async (linesPerFile: number) => {
      const github = await startFakeGitHub({ now: () => NOW, developers: 1000, seed: 'bench', linesPerFile });
      try {
        const ctx = {
          baseUrl: github.url,
          fetch: globalThis.fetch.bind(globalThis),
          sleep: async () => {},
          now: () => NOW,
          userAgent: 'bench',
        };
        const credentials = {
          apiKey: DEMO_GITHUB_TOKEN,
          options: { org: github.organization.login },
          teamId: 'bench',
        };
        await githubCopilotProvider.fetchDay(credentials, day, ctx); // warm-up
        const ms = await median(7, () => githubCopilotProvider.fetchDay(credentials, day, ctx));
        return { ms, users: github.usersFor(day).length };
      } finally {
        await github.close();
      }
    };
    const split = await copilotRun(50);
    const single = await copilotRun(100_000);
    const github = await startFakeGitHub({ now: () => NOW, developers: 1000, seed: 'bench' });
    const users = github.usersFor(day);
    await github.close();
    const ndjson = `${users.map((record) => JSON.stringify(record)).join('\n')}\n`;
    const checkedMs = await median(9, async () =>
      parseReportFile(ndjson, 'users-1-day', copilotUserRecordSchema),
    );
    const bareMs = await median(9, async () =>
      ndjson
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as unknown),
    );
    const normCopilotMs = await median(9, async () =>
      githubCopilotProvider.normalizeDay({ users, user_teams: [] }, day),
    );
    print(`${split.users} user records, ${fmt(ndjson.length / 1024 / 1024, 2)} MB of NDJSON\n`);
    print('| step | this design | baseline | ratio |');
    print('| --- | ---: | ---: | ---: |');
    print(
      `| fetchDay over HTTP (users + teams reports), ms | ${fmt(split.ms)} (files of 50 lines) | ${fmt(single.ms)} (one file) | ${fmt(split.ms / single.ms, 2)}× |`,
    );
    print(
      `| read NDJSON, ms | ${fmt(checkedMs, 2)} (checked per line) | ${fmt(bareMs, 2)} (bare JSON.parse) | ${fmt(checkedMs / bareMs, 2)}× |`,
    );
    print(
      `| normalise, ms | ${fmt(normCopilotMs, 2)} | — | ${fmt(users.length / (normCopilotMs / 1000), 0)} records/s |`,
    );
  }
  if (want(6)) {
    print(
      "\n## 6. Cursor: a 90-day backfill at Cursor's request limit (20 Admin requests a minute per team)\n",
    );
    const adminPaths = [
      CURSOR_PATHS.members,
      CURSOR_PATHS.auditLogs,
      CURSOR_PATHS.dailyUsage,
      CURSOR_PATHS.spend,
    ];
    const cursorRun = async (developers: number, days: number, oneDayJobs: boolean) => {
      const cursor = await startFakeCursor({ now: () => NOW, developers, historyDays: 120, seed: 'bench' });
      const tableNames = await ensureTables(client, `cursor${developers}x${days}${oneDayJobs ? 'd' : 'r'}-`);
      const dataDir = mkdtempSync(join(tmpdir(), 'ai-usage-bench-'));
      const runtime = createLocalRuntime({
        s3,
        tableNames,
        dataDir,
        providerEnv: { CURSOR_API_BASE_URL: cursor.url },
        clock: { now: () => NOW },
      });
      try {
        const scope = { teamId: 'bench-team', role: 'admin' as const, subject: 'bench' };
        const { connectIntegration } = await import('../functions/domain/use-cases/connect-integration');
        const started = performance.now();
        if (oneDayJobs) {
          // The baseline: what a provider fetching day by day would send for the same days.
          const connected = await connectIntegration(
            scope,
            { provider: 'cursor', apiKey: DEMO_CURSOR_KEY, options: {}, backfillDays: 1 },
            runtime.ports,
          );
          await runtime.queue.drain();
          await runtime.queue.enqueue(
            'cursor',
            lastDays(addDaysIso(TODAY, -1), days).map((day, i) => ({
              version: 1 as const,
              job_id: `job_${i}`,
              sync_id: `sync_${i}`,
              team_id: 'bench-team',
              integration_id: connected.integration.integration_id,
              provider: 'cursor',
              trigger: 'manual' as const,
              dates: [day],
              enqueued_at: NOW.toISOString(),
              with_seats: false,
            })),
          );
        } else {
          await connectIntegration(
            scope,
            { provider: 'cursor', apiKey: DEMO_CURSOR_KEY, options: {}, backfillDays: days },
            runtime.ports,
          );
        }
        await runtime.queue.drain();
        const ms = performance.now() - started;
        const requests = cursor.requests.length;
        const events = cursor.requests.filter((r) => r.path === CURSOR_PATHS.usageEvents).length;
        return {
          ms,
          requests,
          admin: requests - events,
          events,
          refused: cursor.requests.filter((r) => r.status === 429).length,
          maxAdminPerMinute: cursor.maxRequestsInWindow(60_000, adminPaths),
          maxEventsPerMinute: cursor.maxRequestsInWindow(60_000, [CURSOR_PATHS.usageEvents]),
          stored: (await runtime.ports.usage.getLedger('bench-team', '2000-01-01', TODAY)).filter(
            (entry) => entry.state === 'ok' || entry.state === 'no_activity',
          ).length,
        };
      } finally {
        runtime.close();
        await cursor.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    };
    print(
      '| team | run | requests (Admin + events) | wall time, s | most Admin requests in any minute | most events requests in any minute | 429s | days stored |',
    );
    print('|---|---|---:|---:|---:|---:|---:|---:|');
    const row = (team: string, run: string, r: Awaited<ReturnType<typeof cursorRun>>) =>
      print(
        `| ${team} | ${run} | ${r.requests} (${r.admin} + ${r.events}) | ${fmt(r.ms / 1000)} | ${r.maxAdminPerMinute} | ${r.maxEventsPerMinute} | ${r.refused} | ${r.stored} |`,
      );
    for (const developers of [10, 60]) {
      row(
        `${developers} members`,
        '90 days in 30-day ranges (this design)',
        await cursorRun(developers, 90, false),
      );
    }
    // Day by day at 18 Admin requests a minute takes minutes: compared over 30 days.
    row('10 members', '30 days as one range (this design)', await cursorRun(10, 30, false));
    row('10 members', '30 days, one day per job (baseline)', await cursorRun(10, 30, true));
  }
  if (want(7)) {
    print('\n## 7. A large customer: 1,000 developers on three tools, a year stored\n');
    await largeCustomer({ endpoint: dynamo.endpoint, print, now: NOW, developers: 1000, days: 365 });
  }

  if (want(8)) {
    print('\n## 8. Imports: a CSV file of 100,000 rows\n');
    await importsAtScale({ print, now: NOW, developers: 1000, days: 100 });
  }

  if (want(9)) {
    print('\n## 9. The team page: what a first load fetches\n');
    const sizes = await buildWeb({ quiet: true });
    const budget = 150 * 1024;
    print('| file | bytes | gzipped |');
    print('|---|---:|---:|');
    for (const { file, bytes, gzipped } of sizes) print(`| ${file} | ${bytes} | ${gzipped} |`);
    const total = sizes.reduce((sum, size) => sum + size.gzipped, 0);
    print(`| **first load** | ${sizes.reduce((sum, size) => sum + size.bytes, 0)} | **${total}** |`);
    print(
      `\nBudget 150 KB gzipped: the page uses ${((total / budget) * 100).toFixed(1)} % of it (${fmt(budget / total, 1)}× under).`,
    );
  }
  if (want(11)) {
    print('\n## 11. Backfill per provider, 90 days, a re-sync of the same days, and the next daily run\n');
    const { backfillAtScale } = await import('./backfill-at-scale');
    // 1,000 developers, the large customer; 50, a typical team (the cost model in docs/benchmarks.md uses both).
    for (const developers of [1000, 50]) {
      print(`\n### ${developers.toLocaleString('en')} developers\n`);
      await backfillAtScale({ client, s3, print, now: NOW, developers, days: 90, cursorPaceScale: 0.05 });
    }
  }
  if (want(12)) {
    print("\n## 12. The scheduler's daily fan-out: 10,000 active integrations beside 1,000\n");
    const { schedulerFanOut } = await import('./scheduler-fan-out');
    await schedulerFanOut({ client, print, now: NOW, sizes: [1000, 10_000] });
  }
  if (want(13)) {
    print('\n## 13. Lambda bundles: size and module-load time (a cold-start proxy)\n');
    const { functionBundles } = await import('./function-bundles');
    await functionBundles({ print, runs: 5 });
  }
  if (want(14)) {
    print('\n## 14. Claude Code telemetry: 1,000 developers exporting every 60 s\n');
    const { telemetryIngest } = await import('./telemetry-ingest');
    await telemetryIngest({ client, s3, print, now: NOW, developers: 1000 });
  }
} finally {
  for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
  client.destroy();
}
