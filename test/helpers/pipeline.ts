import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ensureTables } from '../../local/create-tables';
import { startLocalApi } from '../../local/api-server';
import { createVerifier, issueToken, loadOrCreateSigningKeys, type SigningKeys } from '../../local/jwt';
import { createLocalRuntime, type LocalRuntime } from '../../local/runtime';
import { startLocalS3, type LocalS3 } from '../../local/s3-local';
import { pageFiles, type PageConfig } from '../../local/page';
import { localSignInRoute } from '../../local/sign-in';
import { WEB_DIST, buildWeb } from '../../web/build';
import {
  startFakeAnthropic,
  type FakeAnthropicOptions,
  type FakeAnthropicServer,
} from '../../local/fakes/claude-code';
import { startFakeCursor, type FakeCursorOptions, type FakeCursorServer } from '../../local/fakes/cursor';
import {
  startFakeClaudeEnterprise,
  type FakeClaudeEnterpriseOptions,
  type FakeClaudeEnterpriseServer,
} from '../../local/fakes/claude-enterprise';
import {
  startFakeGitHub,
  type FakeGitHubOptions,
  type FakeGitHubServer,
} from '../../local/fakes/github-copilot';
import { API_BASE_PATH } from '../../functions/routes';
import { exposureCaptureFromEnv } from '../../local/exposure-capture';
import { dropTestTables } from './test-tables';
import type { ProviderContext } from '../../functions/providers/types';

/**
 * The whole pipeline for an integration test: fresh tables in the shared DynamoDB Local, the fake
 * Anthropic and GitHub servers over real HTTP, the local API gateway and in-process queue, all on one clock.
 */
export interface TestPipeline {
  runtime: LocalRuntime;
  fake: FakeAnthropicServer;
  github: FakeGitHubServer;
  cursor: FakeCursorServer;
  /** The fake Claude Enterprise Analytics API. */
  enterprise: FakeClaudeEnterpriseServer;
  /** The local S3 that import files are uploaded to. */
  s3: LocalS3;
  baseUrl: string;
  /** The local gateway's origin (the team page's, with `page`). */
  origin: string;
  clock: { now(): Date; set(iso: string): void; advance(seconds: number): void };
  /** A signed token; with `email`, a verified e-mail claim ("my usage"). */
  token(teamId: string, role?: 'admin' | 'member', email?: string): Promise<string>;
  /** The local issuer's keys (a fake sign-in service signs with them). */
  keys: SigningKeys;
  call(
    method: string,
    path: string,
    options?: {
      token?: string;
      body?: unknown;
      rawBody?: string | Uint8Array;
      accept?: string;
      /** More request headers (e.g. a content type for a raw body); they win over the ones set here. */
      headers?: Record<string, string>;
    },
  ): Promise<ApiResponse>;
  scanAll(): Promise<string>;
  /**
   * scanAll without the teams' request counts, which every admitted OTLP request adds to — a bad body too, so a
   * flood of them is refused like any other (decision 92): what "wrote nothing" means for the data.
   */
  scanData(): Promise<string>;
  /** Every item of one table (by its environment variable), unmarshalled. */
  scanTable(envVar: string): Promise<Record<string, unknown>[]>;
  tableNames: Record<string, string>;
  dataDir: string;
  /** Deletes every table: a storage outage, for the answers the API gives when its store fails. */
  breakStorage(): Promise<void>;
  close(): Promise<void>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { [key: string]: unknown };
  text: string;
}

/**
 * Provider request budgets run this much faster than real time in tests, on both sides: the pacer shrinks its
 * windows by the factor, and the fake Cursor counts its 20 a minute over a window shrunk the same way.
 */
export const PACE_SCALE = 0.05;
export const CURSOR_TEST_RATE = { perWindow: 20, windowMs: 60_000 * PACE_SCALE };

export async function startPipeline(options: {
  now: string;
  fake?: FakeAnthropicOptions;
  github?: FakeGitHubOptions;
  cursor?: FakeCursorOptions;
  enterprise?: FakeClaudeEnterpriseOptions;
  /**
   * Also serve the team page (built into web/dist) and the local sign-in, as `npm start` does; with `config`,
   * the page's configuration (e.g. a hosted sign-in), read when asked for.
   */
  page?: boolean | { config: () => PageConfig };
  /** Replaces parts of the provider context over the test defaults (e.g. a fetch that times out sooner). */
  providerContext?: Partial<ProviderContext>;
  /** Settings the functions read from their environment (e.g. TELEMETRY_REQUESTS_PER_MINUTE). */
  env?: Record<string, string>;
  /** How long a changed telemetry day waits for its rebuild; default 0 (as soon as the queue is drained). */
  telemetryRebuildDelayMs?: number;
}): Promise<TestPipeline> {
  if (!process.env.AWS_ENDPOINT_URL_DYNAMODB) throw new Error('DynamoDB Local is not running (global setup)');
  let current = new Date(options.now);
  const clock = {
    now: () => new Date(current),
    set: (iso: string) => void (current = new Date(iso)),
    advance: (seconds: number) => void (current = new Date(current.getTime() + seconds * 1000)),
  };
  const dynamo = new DynamoDBClient({});
  const prefix = `t${randomUUID().slice(0, 8)}-`;
  const tableNames = await ensureTables(dynamo, prefix);
  const fake = await startFakeAnthropic({ now: clock.now, ...options.fake });
  const github = await startFakeGitHub({ now: clock.now, ...options.github });
  const cursor = await startFakeCursor({
    now: clock.now,
    rateLimit: CURSOR_TEST_RATE,
    eventsRateLimit: { perWindow: 60, windowMs: CURSOR_TEST_RATE.windowMs },
    ...options.cursor,
  });
  const enterprise = await startFakeClaudeEnterprise({
    now: clock.now,
    rateLimit: { perWindow: 60, windowMs: 60_000 * PACE_SCALE },
    ...options.enterprise,
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'ai-usage-test-'));
  const s3 = await startLocalS3(join(dataDir, 's3'));
  const runtime = createLocalRuntime({
    s3,
    tableNames,
    dataDir,
    providerEnv: {
      ANTHROPIC_API_BASE_URL: fake.url,
      GITHUB_API_BASE_URL: github.url,
      CURSOR_API_BASE_URL: cursor.url,
      CLAUDE_ENTERPRISE_API_BASE_URL: enterprise.url,
      ...options.env,
    },
    paceWindowScale: PACE_SCALE,
    // A changed telemetry day is rebuilt as soon as the queue is drained (the stack waits a minute).
    telemetryRebuildDelayMs: options.telemetryRebuildDelayMs ?? 0,
    clock,
    // Waits are real but short: retry-after and backoff behaviour is measured in unit tests.
    providerContext: {
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 20))),
      ...options.providerContext,
    },
    queue: { visibilityTimeoutMs: 30, maxReceiveCount: 3 },
  });
  const keys = await loadOrCreateSigningKeys(join(dataDir, 'jwt.json'));
  if (options.page) await buildWeb({ quiet: true });
  const api = await startLocalApi({
    handlers: runtime.http,
    ingestTokenAuthorizer: runtime.ingestTokenAuthorizer,
    verify: createVerifier(keys),
    port: 0,
    ...(options.page
      ? {
          page: pageFiles(WEB_DIST, typeof options.page === 'object' ? options.page.config : undefined),
          localRoutes: { 'POST /_local/token': localSignInRoute(keys) },
        }
      : {}),
  });
  const baseUrl = `${api.url}${API_BASE_PATH}`;

  const scanTable = async (envVar: string) => {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await dynamo.send(
        new ScanCommand({ TableName: tableNames[envVar], ExclusiveStartKey: start as never }),
      );
      items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  };

  return {
    runtime,
    fake,
    github,
    cursor,
    enterprise,
    s3,
    baseUrl,
    origin: api.url,
    clock,
    tableNames,
    dataDir,
    keys,
    token: (teamId, role = 'admin', email) => issueToken(keys, { teamId, role, ...(email ? { email } : {}) }),
    async call(method, path, callOptions = {}) {
      const headers: Record<string, string> = {};
      if (callOptions.token) headers.authorization = `Bearer ${callOptions.token}`;
      if (callOptions.accept) headers.accept = callOptions.accept;
      let body: string | Uint8Array | undefined = callOptions.rawBody;
      if (callOptions.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(callOptions.body);
      }
      Object.assign(headers, callOptions.headers);
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        text,
        body:
          text && /json/.test(response.headers.get('content-type') ?? '')
            ? (JSON.parse(text) as ApiResponse['body'])
            : {},
      };
    },
    scanTable,
    /** Every item of every table, as one JSON string (for "the key is stored nowhere" checks). */
    async scanAll() {
      const tables = await Promise.all(Object.keys(tableNames).map(scanTable));
      return JSON.stringify(tables.flat());
    },
    async scanData() {
      const tables = await Promise.all(Object.keys(tableNames).map(scanTable));
      return JSON.stringify(tables.flat().filter((item) => !String(item.pk).endsWith('#THROTTLE')));
    },
    async breakStorage() {
      await dropTestTables(dynamo, Object.values(tableNames));
    },
    async close() {
      runtime.close();
      await api.close();
      await fake.close();
      await github.close();
      await cursor.close();
      await enterprise.close();
      await s3.close();
      await dropTestTables(dynamo, Object.values(tableNames));
      dynamo.destroy();
      // The local secret store's sealed keys and the uploaded files: kept for the exposure check when it runs.
      const capture = exposureCaptureFromEnv();
      if (capture) capture.keepFolder(dataDir);
      else rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
