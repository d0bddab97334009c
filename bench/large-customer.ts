/**
 * Benchmark 7 (`npm run bench -- --only 7`): reads of one large customer — 1,000 developers on three tools with
 * 365 days stored (bench/large-team.ts) — through the local API gateway, each beside the floor (the same DynamoDB
 * reads replayed bare, recorded by a metering proxy: bench/dynamodb-meter.ts) and, for the team dashboard, a
 * naive baseline that aggregates the period's developer rows.
 *
 * The year is stored with the repository code a fetcher runs after a provider answers (replaceDay with the day's
 * identity block, the blocks above the days, the days' attribution), from generated rows: the fakes' request
 * limits would make a year of three providers take hours, and what is measured here is the read side (section 11
 * measures backfills through the fakes).
 *
 * It runs in a process of its own, so that every DynamoDB request of the run goes through the meter: bench/run.ts
 * starts it with BENCH_DYNAMODB_ENDPOINT (DynamoDB Local) and prints what it prints.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DailyRollup, StoredDeveloperDay } from '../functions/domain/model';
import { startMeter, type RecordedRequest } from './dynamodb-meter';

const endpoint = process.env.BENCH_DYNAMODB_ENDPOINT;
if (!endpoint) throw new Error('BENCH_DYNAMODB_ENDPOINT: the DynamoDB Local endpoint to meter');
const DEVELOPERS = Number(process.env.BENCH_DEVELOPERS ?? 1000);
const DAYS = Number(process.env.BENCH_DAYS ?? 365);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 100);
const NOW = new Date(process.env.BENCH_NOW ?? '2026-06-15T12:00:00Z');
const TEAM = 'bench-large';

const { localProcessEnv } = await import('../local/env');
Object.assign(process.env, { ...localProcessEnv({ POWERTOOLS_LOG_LEVEL: 'SILENT' }), ...process.env });
const meter = await startMeter(endpoint);
process.env.AWS_ENDPOINT_URL_DYNAMODB = meter.url;

const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
const { addDays, lastDays } = await import('../functions/domain/dates');
const { buildDashboard } = await import('../functions/domain/dashboard');
const { summarizeDay } = await import('../functions/domain/rollup');
const { toPerson } = await import('../functions/domain/roster');
const { dayReplacement } = await import('../functions/domain/stored-day');
const { attributeDays, refreshBlocks } = await import('../functions/domain/use-cases/refresh-attribution');
const { API_BASE_PATH } = await import('../functions/routes');
const { startLocalApi } = await import('../local/api-server');
const { ensureTables } = await import('../local/create-tables');
const { demoPerson } = await import('../local/fakes/shared/people');
const { createVerifier, issueToken, loadOrCreateSigningKeys } = await import('../local/jwt');
const { createLocalRuntime } = await import('../local/runtime');
const { startLocalS3 } = await import('../local/s3-local');
const { GROUPS, TOOLS, rowsOf } = await import('./large-team');

const print = (line: string) => process.stdout.write(`${line}\n`);
const fmt = (n: number, digits = 0) => n.toFixed(digits);
const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
interface Spread {
  p50: number;
  p95: number;
  p99: number;
}
const spread = (samples: number[]): Spread => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
};

async function mapLimit<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await task(items[next++] as T);
    }),
  );
}

const today = NOW.toISOString().slice(0, 10);
const client = new DynamoDBClient({});
const tableNames = await ensureTables(client, `large-${Date.now().toString(36)}-`);
const dataDir = mkdtempSync(join(tmpdir(), 'ai-usage-bench-large-'));
const s3 = await startLocalS3(join(dataDir, 's3'));
const runtime = createLocalRuntime({ s3, tableNames, dataDir, providerEnv: {}, clock: { now: () => NOW } });
const keys = await loadOrCreateSigningKeys(join(dataDir, 'jwt.json'));
const api = await startLocalApi({ handlers: runtime.http, verify: createVerifier(keys), port: 0 });

try {
  const { ports } = runtime;
  // The roster: every developer, 95 % with their GitHub login, in 20 groups of 50.
  const roster = {
    team_id: TEAM,
    version: 1,
    min_group_size: 5,
    people: Array.from({ length: DEVELOPERS }, (_, index) => {
      const person = demoPerson(index);
      return toPerson({
        display_name: person.name,
        emails: [person.email],
        github_login: index % 20 === 19 ? null : person.githubLogin,
        groups: [`group-${String(index % GROUPS).padStart(2, '0')}`],
      });
    }),
    updated_at: NOW.toISOString(),
    updated_by: 'bench',
  };
  await ports.roster.save(roster);
  for (const tool of TOOLS) {
    await ports.integrations.save({
      team_id: TEAM,
      integration_id: tool.integration_id,
      provider: tool.provider,
      name: tool.name,
      account: { id: tool.integration_id, name: tool.name },
      options: {},
      status: 'active',
      sync_enabled: true,
      secret_ref: 'none',
      created_at: NOW.toISOString(),
      created_by: 'bench',
      updated_at: NOW.toISOString(),
      version: 1,
    });
  }

  const dates = lastDays(addDays(today, -1), DAYS);
  let rowCount = 0;
  const distinct = { editors: new Set<string>(), languages: new Set<string>(), models: new Set<string>() };
  let modelsADay = 0;
  const seeded = performance.now();
  for (const tool of TOOLS) {
    await mapLimit(dates, 6, async (date) => {
      const rows = rowsOf(tool, TEAM, date, DEVELOPERS);
      rowCount += rows.length;
      for (const row of rows) {
        for (const dimension of ['editors', 'languages', 'models'] as const) {
          for (const name of Object.keys(row.breakdowns[dimension])) distinct[dimension].add(name);
        }
      }
      if (date === dates[dates.length - 3]) {
        modelsADay += new Set(rows.flatMap((row) => Object.keys(row.breakdowns.models))).size;
      }
      await ports.usage.replaceDay(
        dayReplacement({
          team_id: TEAM,
          integration_id: tool.integration_id,
          provider: tool.provider,
          sync_id: 'bench',
          date,
          rows,
          raw: {},
          attempts: 0,
          now: NOW.toISOString(),
        }),
      );
    });
  }
  const storedMs = performance.now() - seeded;
  const refreshPorts = {
    attribution: ports.attribution,
    roster: ports.roster,
    usage: ports.usage,
    manifests: ports.manifests,
    log: ports.log,
  };
  const blocksStarted = performance.now();
  for (const tool of TOOLS) await refreshBlocks(TEAM, tool, dates, refreshPorts);
  const blocksMs = performance.now() - blocksStarted;
  const attributionStarted = performance.now();
  for (let i = 0; i < dates.length; i += 30) await attributeDays(TEAM, dates.slice(i, i + 30), refreshPorts);
  const attributionMs = performance.now() - attributionStarted;
  print(
    `${DEVELOPERS.toLocaleString('en')} developers × ${TOOLS.length} tools × ${DAYS} days: ` +
      `${rowCount.toLocaleString('en')} developer-day rows (${distinct.languages.size} languages, ` +
      `${distinct.editors.size} editors, ${distinct.models.size} models; ${modelsADay} models across the tools on a weekday) ` +
      `stored with the fetcher's write path in ${fmt(storedMs / 1000, 1)} s; identity blocks built in ` +
      `${fmt(blocksMs / 1000, 1)} s; days attributed to people and ${GROUPS} groups in ${fmt(attributionMs / 1000, 1)} s.\n`,
  );

  const admin = await issueToken(keys, { teamId: TEAM, role: 'admin' });
  const member = await issueToken(keys, { teamId: TEAM, role: 'member', email: demoPerson(3).email });
  const base = `${api.url}${API_BASE_PATH}`;
  const personId = roster.people[3]?.id as string;

  const get = async (path: string, token: string) => {
    const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${text.slice(0, 200)}`);
    return text;
  };
  /** Latency through the gateway, what one request reads, and the floor: the same reads replayed bare. */
  const measure = async (path: string, token: string, samples: number) => {
    for (let i = 0; i < 3; i++) await get(path, token);
    const times: number[] = [];
    let answerBytes = 0;
    for (let i = 0; i < samples; i++) {
      const started = performance.now();
      answerBytes = (await get(path, token)).length;
      times.push(performance.now() - started);
    }
    meter.record();
    await get(path, token);
    const reads: RecordedRequest[] = meter.stop();
    if (process.env.BENCH_DEBUG) {
      for (const read of reads) {
        const body = JSON.parse(read.body.toString('utf8')) as Record<string, unknown>;
        print(
          `  ${path} ${read.target.split('.')[1]} ${JSON.stringify(body.ExpressionAttributeValues ?? body.Key ?? Object.keys(body.RequestItems ?? {})).slice(0, 120)} items=${read.items} bytes=${read.bytes}`,
        );
      }
    }
    const floor: number[] = [];
    for (let i = 0; i < 3; i++) await meter.replay(reads);
    for (let i = 0; i < samples; i++) {
      const started = performance.now();
      await meter.replay(reads);
      floor.push(performance.now() - started);
    }
    return {
      ...spread(times),
      floor: spread(floor),
      requests: reads.length,
      items: reads.reduce((sum, read) => sum + read.items, 0),
      bytes: reads.reduce((sum, read) => sum + read.bytes, 0),
      answerBytes,
    };
  };

  /** The naive baseline: every developer row of the period read and summed into the same answer. */
  const naive = async (days: number) => {
    const started = performance.now();
    const period = lastDays(today, days);
    const [rows, ledger] = await Promise.all([
      ports.usage.getDeveloperDays(TEAM, period),
      ports.usage.getLedger(TEAM, period[0] as string, today),
    ]);
    const byDay = new Map<string, StoredDeveloperDay[]>();
    for (const row of rows) {
      const key = `${row.date}|${row.integration_id}`;
      byDay.set(key, [...(byDay.get(key) ?? []), row]);
    }
    const rollups: DailyRollup[] = [...byDay.values()].map((dayRows) => {
      const first = dayRows[0] as StoredDeveloperDay;
      return {
        team_id: TEAM,
        integration_id: first.integration_id,
        provider: first.provider,
        date: first.date,
        ...summarizeDay(dayRows),
      };
    });
    buildDashboard({
      today,
      days,
      totals: rollups,
      breakdowns: rollups.map((rollup) => rollup.breakdowns),
      ledger,
      toolName: (provider) => provider,
    });
    return { ms: performance.now() - started, rows: rows.length };
  };

  print('### GET /dashboard through the local API gateway (admin, the whole team)\n');
  print(
    `${SAMPLES} sequential requests per period after 3 warm-ups; "floor" replays the DynamoDB requests one ` +
      'request made, bare (all at once but pages of a query in turn), as many times; the naive baseline reads ' +
      'and sums the developer rows of the period in process (median of 3; one run for 365 days).\n',
  );
  print(
    '| days | p50 ms | p95 ms | p99 ms | DynamoDB requests | items read | kB read | floor p50 / p99 ms | p99 ÷ floor p99 | naive ms (rows) | naive ÷ p50 | answer kB |',
  );
  print('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const days of [7, 30, 90, 365]) {
    const result = await measure(`/dashboard?days=${days}`, admin, SAMPLES);
    const runs: { ms: number; rows: number }[] = [];
    for (let i = 0; i < (days === 365 ? 1 : 3); i++) runs.push(await naive(days));
    runs.sort((a, b) => a.ms - b.ms);
    const baseline = runs[Math.floor(runs.length / 2)] as { ms: number; rows: number };
    print(
      `| ${days} | ${fmt(result.p50, 1)} | ${fmt(result.p95, 1)} | ${fmt(result.p99, 1)} | ${result.requests} | ` +
        `${result.items.toLocaleString('en')} | ${fmt(result.bytes / 1000)} | ${fmt(result.floor.p50, 1)} / ${fmt(result.floor.p99, 1)} | ` +
        `${fmt(result.p99 / result.floor.p99, 2)}× | ${fmt(baseline.ms)} (${baseline.rows.toLocaleString('en')}) | ` +
        `${fmt(baseline.ms / result.p50)}× | ${fmt(result.answerBytes / 1024)} |`,
    );
  }

  print('\n### Group, developers and "me" views (same method, 40 requests each)\n');
  print(
    '| endpoint | p50 ms | p95 ms | p99 ms | DynamoDB requests | items read | kB read | floor p99 ms | answer kB |',
  );
  print('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  const views: [string, string, string][] = [
    ['GET /dashboard?days=90&group=group-07 (50 people)', '/dashboard?days=90&group=group-07', admin],
    ['GET /dashboard?days=365&group=group-07', '/dashboard?days=365&group=group-07', admin],
    ['GET /dashboard/developers?days=30 (first 100 of 1,000+ rows)', '/dashboard/developers?days=30', admin],
    ['GET /dashboard/developers?days=90', '/dashboard/developers?days=90', admin],
    ['GET /dashboard/developers?days=365', '/dashboard/developers?days=365', admin],
    [
      'GET /dashboard/developers?days=90&group=group-07',
      '/dashboard/developers?days=90&group=group-07',
      admin,
    ],
    ['GET /dashboard/developers/{person}?days=90', `/dashboard/developers/${personId}?days=90`, admin],
    ['GET /dashboard/me?days=90 (member)', '/dashboard/me?days=90', member],
    ['GET /dashboard/me?days=365 (member)', '/dashboard/me?days=365', member],
  ];
  for (const [label, path, token] of views) {
    const result = await measure(path, token, 40);
    print(
      `| ${label} | ${fmt(result.p50, 1)} | ${fmt(result.p95, 1)} | ${fmt(result.p99, 1)} | ${result.requests} | ` +
        `${result.items.toLocaleString('en')} | ${fmt(result.bytes / 1000)} | ${fmt(result.floor.p99, 1)} | ${fmt(result.answerBytes / 1024)} |`,
    );
  }
} finally {
  await api.close();
  runtime.close();
  await s3.close();
  await meter.close();
  rmSync(dataDir, { recursive: true, force: true });
}
