/**
 * Benchmark 14 (`npm run bench -- --only 14`): Claude Code telemetry from a team of 1,000 developers exporting
 * every 60 s, through the local API gateway over real HTTP, the OTLP function and DynamoDB Local.
 *
 * Each developer's export is shaped as Claude Code's (14 cumulative points: sessions, lines, tokens by type,
 * cost, commits, pull requests, edit decisions, active time; the standard attributes), in the OTLP JSON encoding.
 * Minute 1 is every developer's first export; minute 2 is a steady minute: half the developers' counters grew, the
 * other half re-report the same values (an idle Claude Code still exports). The requests are sent 32 at a time.
 * Measured per minute: wall time, requests a second, latency p50/p95/p99, DynamoDB requests and capacity units
 * per request (by operation), rebuilds queued; and the steady minute's requests one at a time, for the time one
 * invocation takes (the cost model's Lambda duration). Then the one rebuild the minute queued (the day of 1,000 developers), run as the
 * rebuild queue's worker runs it. Baseline: the same steady requests with the day rebuilt after every request
 * that changed it (what a write path without the queue does), on a sample of 25 requests.
 * A cost model per month follows from the measured units (prices in docs/benchmarks.md, "Cost model").
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TelemetryRebuildRequest } from '../functions/domain/ports';
import { rebuildTelemetryDay } from '../functions/domain/use-cases/rebuild-telemetry-day';
import { API_BASE_PATH } from '../functions/routes';
import { startLocalApi } from '../local/api-server';
import { ensureTables } from '../local/create-tables';
import { TELEMETRY_REBUILD_QUEUE } from '../local/in-process-queue';
import { createVerifier, issueToken, loadOrCreateSigningKeys } from '../local/jwt';
import { createLocalRuntime } from '../local/runtime';
import type { LocalS3 } from '../local/s3-local';
import { attachRequestCounter, recordRequests, units, type RecordedRequest } from './dynamodb-requests';
import { dropTables } from './tables';

interface Options {
  client: DynamoDBClient;
  s3: LocalS3;
  print: (line: string) => void;
  now: Date;
  developers: number;
}

const AT_ONCE = 32;
const BASELINE_SAMPLE = 25;
const SEQUENTIAL_SAMPLE = 100;
const TEAM = 'bench-telemetry';

/** us-east-1 list prices of 2026-11 (docs/benchmarks.md, "Cost model"). */
const PRICE = {
  httpApiPerMillion: 1.0,
  lambdaPerMillion: 0.2,
  lambdaGbSecond: 0.0000133334,
  writeUnitPerMillion: 0.625,
  readUnitPerMillion: 0.125,
  sqsFifoPerMillion: 0.5,
};
/** The OTLP function's memory in the stack (ServiceFunction's default), GB. */
const OTLP_FUNCTION_GB = 0.5;
const REBUILD_FUNCTION_GB = 1;

const kv = (attributes: Record<string, string>) =>
  Object.entries(attributes).map(([key, value]) => ({ key, value: { stringValue: value } }));

/** One developer's export at minute `minute`; `grown` says whether its counters moved since the last one. */
function exportOf(developer: number, minute: number, grown: boolean, dayStartMs: number): string {
  const start = `${dayStartMs + 9 * 3_600_000}000000`;
  const at = `${dayStartMs + 9 * 3_600_000 + minute * 60_000}000000`;
  const level = grown ? minute : Math.max(1, minute - 1);
  const seed = (developer % 7) + 1;
  const model = 'claude-sonnet-4-5';
  const sum = (name: string, points: [Record<string, string>, number][]) => ({
    name,
    unit: name.endsWith('cost.usage') ? 'USD' : 'count',
    sum: {
      aggregationTemporality: 2,
      isMonotonic: true,
      dataPoints: points.map(([attributes, value]) => ({
        attributes: kv({
          'user.email': `dev${developer}@example.com`,
          'user.account_id': `user_${developer}`,
          'session.id': `session-${developer}`,
          'organization.id': 'org-bench',
          'terminal.type': 'vscode',
          ...attributes,
        }),
        startTimeUnixNano: start,
        timeUnixNano: at,
        asDouble: value,
      })),
    },
  });
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: kv({ 'service.name': 'claude-code', 'service.version': '2.1.0' }) },
        scopeMetrics: [
          {
            scope: { name: 'com.anthropic.claude_code', version: '2.1.0' },
            metrics: [
              sum('claude_code.session.count', [[{}, 1]]),
              sum('claude_code.lines_of_code.count', [
                [{ type: 'added' }, 12 * seed * level],
                [{ type: 'removed' }, 3 * seed * level],
              ]),
              sum('claude_code.token.usage', [
                [{ type: 'input', model }, 4_000 * seed * level],
                [{ type: 'output', model }, 600 * seed * level],
                [{ type: 'cacheRead', model }, 20_000 * seed * level],
                [{ type: 'cacheCreation', model }, 1_500 * seed * level],
              ]),
              sum('claude_code.cost.usage', [[{ model }, 0.05 * seed * level]]),
              sum('claude_code.commit.count', [[{}, Math.floor(level / 3)]]),
              sum('claude_code.pull_request.count', [[{}, Math.floor(level / 10)]]),
              sum('claude_code.code_edit_tool.decision', [
                [{ tool_name: 'Edit', decision: 'accept', language: 'TypeScript' }, 2 * level],
                [{ tool_name: 'Edit', decision: 'reject', language: 'TypeScript' }, level],
              ]),
              sum('claude_code.active_time.total', [
                [{ type: 'user' }, 20 * level],
                [{ type: 'cli' }, 35 * level],
              ]),
            ],
          },
        ],
      },
    ],
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const fmt = (n: number, digits = 1) => n.toFixed(digits);
const money = (n: number) => (n < 0.01 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`);

interface Minute {
  requests: number;
  ms: number;
  latencies: number[];
  dynamo: RecordedRequest[];
  rebuildsQueued: number;
  statuses: Record<string, number>;
}

export async function telemetryIngest(options: Options): Promise<void> {
  const { client, s3, print, now, developers } = options;
  const dayStartMs = Date.parse(`${now.toISOString().slice(0, 10)}T00:00:00Z`);
  let current = new Date(dayStartMs + 9 * 3_600_000 + 60_000);
  const tableNames = await ensureTables(client, `telemetry-${Date.now().toString(36)}-`);
  const dataDir = mkdtempSync(join(tmpdir(), 'ai-usage-bench-telemetry-'));
  const runtime = createLocalRuntime({
    s3,
    tableNames,
    dataDir,
    // No team limit in the way: the limit is measured by its unit test, its cost here.
    providerEnv: { TELEMETRY_REQUESTS_PER_MINUTE: '1000000' },
    clock: { now: () => current },
    // Rebuilds wait until this benchmark runs them, one at a time, as the queue's worker would.
    telemetryRebuildDelayMs: 3_600_000,
  });
  const keys = await loadOrCreateSigningKeys(join(dataDir, 'jwt.json'));
  // Without the ingest token authorizer: the stack caches its verdict 5 minutes per token, so a machine exporting
  // every minute meets it once in five requests; the function checks the token on every one.
  const api = await startLocalApi({ handlers: runtime.http, verify: createVerifier(keys), port: 0 });
  const base = `${api.url}${API_BASE_PATH}`;
  attachRequestCounter(runtime.ports.usage);
  try {
    const admin = await issueToken(keys, { teamId: TEAM, role: 'admin' });
    const made = (await (
      await fetch(`${base}/ingest-tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'bench machines' }),
      })
    ).json()) as { token: string };
    const headers = { authorization: `Bearer ${made.token}`, 'content-type': 'application/json' };
    const post = async (body: string): Promise<{ status: number; ms: number }> => {
      const began = performance.now();
      const response = await fetch(`${base}/otlp/v1/metrics`, { method: 'POST', headers, body });
      await response.arrayBuffer();
      return { status: response.status, ms: performance.now() - began };
    };
    const rebuilds = () => runtime.queue.stats(TELEMETRY_REBUILD_QUEUE).enqueued;

    const minute = async (number: number, grown: (developer: number) => boolean): Promise<Minute> => {
      current = new Date(dayStartMs + 9 * 3_600_000 + number * 60_000 + 30_000);
      const bodies = Array.from({ length: developers }, (_, d) => exportOf(d, number, grown(d), dayStartMs));
      const queuedBefore = rebuilds();
      const latencies: number[] = [];
      const statuses: Record<string, number> = {};
      const recording = recordRequests();
      const began = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: AT_ONCE }, async () => {
          while (next < bodies.length) {
            const body = bodies[next++] as string;
            const { status, ms } = await post(body);
            latencies.push(ms);
            statuses[status] = (statuses[status] ?? 0) + 1;
          }
        }),
      );
      const ms = performance.now() - began;
      return {
        requests: bodies.length,
        ms,
        latencies: latencies.sort((a, b) => a - b),
        dynamo: recording.stop(),
        rebuildsQueued: rebuilds() - queuedBefore,
        statuses,
      };
    };
    const rebuildNow = async () => {
      // The queued rebuild, run as the worker runs it (its message stays queued: the runtime is closed after).
      const integrations = await runtime.ports.integrations.list(TEAM);
      const telemetry = integrations.find((integration) => integration.source === 'telemetry');
      if (!telemetry) throw new Error('no telemetry integration was made');
      const request: TelemetryRebuildRequest = {
        team_id: TEAM,
        integration_id: telemetry.integration_id,
        date: current.toISOString().slice(0, 10),
        marked_at: current.toISOString(),
      };
      const recording = recordRequests();
      const began = performance.now();
      const result = await rebuildTelemetryDay(request, runtime.ports);
      return { ms: performance.now() - began, result, dynamo: recording.stop(), request };
    };

    const first = await minute(1, () => true);
    const firstRebuild = await rebuildNow();
    const steady = await minute(2, (d) => d % 2 === 0);
    const steadyRebuild = await rebuildNow();
    // One at a time: what a single invocation takes, without 32 requests sharing the machine's cores.
    const sequential: number[] = [];
    for (let d = 1; d < SEQUENTIAL_SAMPLE * 2; d += 2)
      sequential.push((await post(exportOf(d, 2, false, dayStartMs))).ms);
    sequential.sort((a, b) => a - b);

    // Baseline: minute 3's requests of changing developers, each followed by its day's rebuild.
    current = new Date(dayStartMs + 9 * 3_600_000 + 3 * 60_000 + 30_000);
    const baseline = { ms: 0, dynamo: [] as RecordedRequest[] };
    for (let d = 0; d < BASELINE_SAMPLE * 2; d += 2) {
      const recording = recordRequests();
      const began = performance.now();
      await post(exportOf(d, 3, true, dayStartMs));
      await rebuildTelemetryDay(steadyRebuild.request, runtime.ports);
      baseline.ms += performance.now() - began;
      baseline.dynamo.push(...recording.stop());
    }

    print(
      `Team of ${developers.toLocaleString('en')} developers, one export each per minute (14 cumulative points, OTLP JSON), ` +
        `${AT_ONCE} requests at once through the local gateway; DynamoDB units as DynamoDB Local reports them.\n`,
    );
    print(
      '| minute | requests | answers | wall s | requests/s | p50 / p95 / p99 ms | DynamoDB requests per request | write / read units per request | rebuilds queued |',
    );
    print('|---|---:|---|---:|---:|---|---:|---|---:|');
    const describe = (name: string, m: Minute) => {
      const u = units(m.dynamo);
      print(
        `| ${name} | ${m.requests} | ${Object.entries(m.statuses)
          .map(([status, count]) => `${count}× ${status}`)
          .join(
            ', ',
          )} | ${fmt(m.ms / 1000, 2)} | ${fmt(m.requests / (m.ms / 1000), 0)} | ${fmt(percentile(m.latencies, 50))} / ${fmt(percentile(m.latencies, 95))} / ${fmt(percentile(m.latencies, 99))} | ${fmt(m.dynamo.length / m.requests, 2)} | ${fmt(u.write / m.requests, 2)} / ${fmt(u.read / m.requests, 2)} | ${m.rebuildsQueued} |`,
      );
    };
    describe('1: first exports', first);
    describe('2: steady (half grew)', steady);
    print(
      `\nOne at a time (${SEQUENTIAL_SAMPLE} steady requests of idle developers): p50 ${fmt(percentile(sequential, 50))} ms, p95 ${fmt(percentile(sequential, 95))} ms.`,
    );

    print('\n| steady minute, by request | per request | write units | read units | refused |');
    print('|---|---:|---:|---:|---:|');
    const byOperation = new Map<string, { count: number; write: number; read: number; refused: number }>();
    for (const request of steady.dynamo) {
      const table = request.table.includes('Integrations') ? 'Integrations' : 'Usage';
      const what = request.writes[0] ? `${request.writes[0].sk.split('#')[0]}` : (request.reads ?? '');
      const key = `${request.operation} ${table}${what ? ` ${what}` : ''}`;
      const entry = byOperation.get(key) ?? { count: 0, write: 0, read: 0, refused: 0 };
      entry.count++;
      if (request.writes.length) entry.write += request.capacity ?? 0;
      else entry.read += request.capacity ?? 0;
      if (request.failed) entry.refused++;
      byOperation.set(key, entry);
    }
    for (const [key, entry] of [...byOperation].sort(([a], [b]) => (a < b ? -1 : 1))) {
      print(
        `| ${key} | ${fmt(entry.count / steady.requests, 2)} | ${fmt(entry.write / steady.requests, 2)} | ${fmt(entry.read / steady.requests, 2)} | ${entry.refused} |`,
      );
    }

    print(
      '\n| the minute’s rebuild (one day, every developer) | ms | series items read | rows | write units | read units |',
    );
    print('|---|---:|---:|---:|---:|---:|');
    for (const [name, rebuild] of [
      ['after minute 1', firstRebuild],
      ['after minute 2', steadyRebuild],
    ] as const) {
      const u = units(rebuild.dynamo);
      const seriesRead = rebuild.dynamo
        .filter((r) => r.operation === 'Query' && r.reads === 'DEV#')
        .reduce((sum, r) => sum + (r.returned ?? 0), 0);
      print(
        `| ${name} | ${fmt(rebuild.ms, 0)} | ${seriesRead} | ${rebuild.result.rows} | ${fmt(u.write, 0)} | ${fmt(u.read, 0)} |`,
      );
    }

    const steadyUnits = units(steady.dynamo);
    const rebuildUnits = units(steadyRebuild.dynamo);
    const designWrite = (steadyUnits.write + rebuildUnits.write) / steady.requests;
    const designRead = (steadyUnits.read + rebuildUnits.read) / steady.requests;
    const baseUnits = units(baseline.dynamo);
    const baseWrite = baseUnits.write / BASELINE_SAMPLE;
    const baseRead = baseUnits.read / BASELINE_SAMPLE;
    const counterWrites = steady.dynamo.filter((r) =>
      r.writes.some((w) => w.pk.endsWith('#THROTTLE')),
    ).length;
    print(
      '\n| per changing request, steady minute | write units | read units | ms (request + its share of rebuilding) |',
    );
    print('|---|---:|---:|---:|');
    print(
      `| this design: merge, one rebuild a minute | ${fmt(designWrite, 2)} | ${fmt(designRead, 2)} | ${fmt(steady.ms / steady.requests + steadyRebuild.ms / steady.requests, 1)} (sequential equivalent) |`,
    );
    print(
      `| baseline: rebuild the day after each request (sample of ${BASELINE_SAMPLE}) | ${fmt(baseWrite, 1)} | ${fmt(baseRead, 1)} | ${fmt(baseline.ms / BASELINE_SAMPLE, 0)} |`,
    );
    print(
      `| baseline ÷ this design | ${fmt(baseWrite / designWrite, 0)}× | ${fmt(baseRead / designRead, 0)}× | |`,
    );
    print(
      `\nThe team's request counter was written ${counterWrites} times for ${steady.requests} requests (${fmt((counterWrites / steady.requests) * 100, 1)} %; one instance counts locally and adds every 20 requests or 5 s).`,
    );

    // Cost per month, from the steady minute.
    const p50Seconds = percentile(sequential, 50) / 1000;
    const cost = (requestsPerMonth: number, rebuildsPerMonth: number) => {
      const api = (requestsPerMonth / 1e6) * PRICE.httpApiPerMillion;
      const lambda =
        (requestsPerMonth / 1e6) * PRICE.lambdaPerMillion +
        requestsPerMonth * p50Seconds * OTLP_FUNCTION_GB * PRICE.lambdaGbSecond +
        rebuildsPerMonth * (steadyRebuild.ms / 1000) * REBUILD_FUNCTION_GB * PRICE.lambdaGbSecond;
      const dynamoWrites =
        ((requestsPerMonth * steadyUnits.write) / steady.requests / 1e6 +
          (rebuildsPerMonth * rebuildUnits.write) / 1e6) *
        PRICE.writeUnitPerMillion;
      const dynamoReads =
        ((requestsPerMonth * steadyUnits.read) / steady.requests / 1e6 +
          (rebuildsPerMonth * rebuildUnits.read) / 1e6) *
        PRICE.readUnitPerMillion;
      // Send, receive and delete per rebuild.
      const sqs = ((rebuildsPerMonth * 3) / 1e6) * PRICE.sqsFifoPerMillion;
      return {
        api,
        lambda,
        dynamoWrites,
        dynamoReads,
        sqs,
        total: api + lambda + dynamoWrites + dynamoReads + sqs,
      };
    };
    const allDay = cost(developers * 60 * 24 * 30, 60 * 24 * 30);
    const workingHours = cost(developers * 60 * 8 * 22, 60 * 8 * 22);
    print(
      `\nLambda duration per request: ${fmt(p50Seconds * 1000)} ms at ${OTLP_FUNCTION_GB * 1024} MB (the one-at-a-time p50 here); ` +
        `the rebuild ${fmt(steadyRebuild.ms / 1000, 2)} s at ${REBUILD_FUNCTION_GB * 1024} MB once a minute.`,
    );
    print(
      `\n| cost per month (${developers.toLocaleString('en')} developers) | HTTP API | Lambda | DynamoDB writes | DynamoDB reads | SQS FIFO | total |`,
    );
    print('|---|---:|---:|---:|---:|---:|---:|');
    for (const [name, c] of [
      ['exporting 24 h × 30 days (43.2 M requests)', allDay],
      ['exporting 8 h × 22 working days (10.6 M requests)', workingHours],
    ] as const) {
      print(
        `| ${name} | ${money(c.api)} | ${money(c.lambda)} | ${money(c.dynamoWrites)} | ${money(c.dynamoReads)} | ${money(c.sqs)} | **${money(c.total)}** |`,
      );
    }
  } finally {
    runtime.close();
    await api.close();
    await dropTables(client, tableNames);
  }
}
