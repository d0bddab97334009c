/**
 * Benchmark 7 (`npm run bench -- --only 7`): the per-person and per-group views for one team of 1,000
 * developers on three integrations (Claude Code, GitHub Copilot, Cursor) with a year stored, through the local
 * API gateway, beside the baseline — the developers view as it was, reading every developer-day row of the period.
 *
 * The year is stored through the same code a fetcher runs after a provider answers (replaceDay with the day's
 * identity block, then the blocks above the days and the days' attribution), from generated rows: the fakes'
 * request limits would make a year of three providers take hours, and what is measured here is the read side.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { addDays, lastDays } from '../functions/domain/dates';
import { emptyBreakdowns, zeroMetrics, type DeveloperRef } from '../functions/domain/metrics';
import type { Integration, StoredDeveloperDay } from '../functions/domain/model';
import { toPerson, type Roster } from '../functions/domain/roster';
import { dayReplacement } from '../functions/domain/stored-day';
import { attributeDays, refreshBlocks } from '../functions/domain/use-cases/refresh-attribution';
import { API_BASE_PATH } from '../functions/routes';
import { startLocalApi } from '../local/api-server';
import { ensureTables } from '../local/create-tables';
import { demoPerson } from '../local/fakes/shared/people';
import { createVerifier, issueToken, loadOrCreateSigningKeys } from '../local/jwt';
import { createLocalRuntime } from '../local/runtime';
import type { LocalS3 } from '../local/s3-local';
import { buildDeveloperUsage } from './baselines/row-scan-developers';

const TEAM = 'bench-people';
const GROUPS = 20;

interface Options {
  client: DynamoDBClient;
  s3: LocalS3;
  print: (line: string) => void;
  now: Date;
  developers: number;
  days: number;
  /** Sequential requests per endpoint (after 3 warm-up requests). */
  samples: number;
}

/** Deterministic pseudo-random numbers per (day, integration, developer). */
function random(seed: number) {
  let state = seed % 2_147_483_647 || 1;
  return () => {
    state = (state * 48_271) % 2_147_483_647;
    return state / 2_147_483_647;
  };
}

const TOOLS = [
  { provider: 'claude_code', integration_id: 'int_benchclaude', name: 'Claude Code' },
  { provider: 'github_copilot', integration_id: 'int_benchcopilot', name: 'GitHub Copilot' },
  { provider: 'cursor', integration_id: 'int_benchcursor', name: 'Cursor' },
] as const;
const EDITORS = ['vscode', 'jetbrains', 'cursor', 'neovim'];
const LANGUAGES = ['typescript', 'python', 'go', 'java', 'rust', 'sql'];
const MODELS = ['claude-sonnet-4.5', 'gpt-5', 'claude-opus-4.1', 'gemini-2.5-pro'];

function developerRef(provider: string, index: number): DeveloperRef {
  const person = demoPerson(index);
  return provider === 'github_copilot'
    ? { key: `github:${5_800_000 + index * 7919}`, kind: 'user', login: person.githubLogin }
    : { key: `email:${person.email}`, kind: 'user', email: person.email };
}

/** One integration's rows of a day: most developers on weekdays, fewer at weekends; a few figures each. */
function rowsOf(tool: (typeof TOOLS)[number], date: string, developers: number): StoredDeveloperDay[] {
  const weekend = [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());
  const rows: StoredDeveloperDay[] = [];
  for (let index = 0; index < developers; index++) {
    const next = random(Date.parse(date) / 86_400_000 + index * 7_919 + tool.provider.length * 104_729);
    if (next() > (weekend ? 0.15 : 0.7)) continue;
    const interactions = 1 + Math.floor(next() * 60);
    const shown = Math.floor(interactions * 0.8);
    const metrics = {
      ...zeroMetrics(),
      interactions,
      sessions: 1 + Math.floor(next() * 5),
      suggestions_shown: shown,
      suggestions_accepted: Math.floor(shown * next()),
      lines_added: Math.floor(next() * 400),
      tokens_input: Math.floor(next() * 200_000),
      tokens_output: Math.floor(next() * 40_000),
      cost_cents: Math.floor(next() * 300),
    };
    const breakdowns = emptyBreakdowns();
    breakdowns.editors[EDITORS[index % EDITORS.length] as string] = { interactions };
    breakdowns.languages[LANGUAGES[index % LANGUAGES.length] as string] = { interactions };
    breakdowns.models[MODELS[(index + Math.floor(next() * 2)) % MODELS.length] as string] = {
      interactions,
      tokens_input: metrics.tokens_input,
      tokens_output: metrics.tokens_output,
    };
    rows.push({
      team_id: TEAM,
      integration_id: tool.integration_id,
      provider: tool.provider,
      date,
      developer: developerRef(tool.provider, index),
      active: true,
      metrics,
      breakdowns,
      extras: {},
    });
  }
  return rows;
}

async function mapLimit<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await task(items[next++] as T);
    }),
  );
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const fmt = (n: number, digits = 0) => n.toFixed(digits);

export async function peopleAtScale(options: Options): Promise<void> {
  const { client, print, now, developers, days } = options;
  const today = now.toISOString().slice(0, 10);
  const tableNames = await ensureTables(client, `people${developers}-${randomUUID().slice(0, 6)}-`);
  const dataDir = mkdtempSync(join(tmpdir(), 'ai-usage-bench-people-'));
  const runtime = createLocalRuntime({
    s3: options.s3,
    tableNames,
    dataDir,
    providerEnv: {},
    clock: { now: () => now },
  });
  const keys = await loadOrCreateSigningKeys(join(dataDir, 'jwt.json'));
  const api = await startLocalApi({ handlers: runtime.http, verify: createVerifier(keys), port: 0 });
  try {
    const { ports } = runtime;
    // The roster: every developer, 95 % with their GitHub login, in 20 groups of 50.
    const roster: Roster = {
      team_id: TEAM,
      version: 1,
      min_group_size: 5,
      people: Array.from({ length: developers }, (_, index) => {
        const person = demoPerson(index);
        return toPerson({
          display_name: person.name,
          emails: [person.email],
          github_login: index % 20 === 19 ? null : person.githubLogin,
          groups: [`group-${String(index % GROUPS).padStart(2, '0')}`],
        });
      }),
      updated_at: now.toISOString(),
      updated_by: 'bench',
    };
    await ports.roster.save(roster);
    for (const tool of TOOLS) {
      const integration: Integration = {
        team_id: TEAM,
        integration_id: tool.integration_id,
        provider: tool.provider,
        name: tool.name,
        account: { id: tool.integration_id, name: tool.name },
        options: {},
        status: 'active',
        sync_enabled: true,
        secret_ref: 'none',
        created_at: now.toISOString(),
        created_by: 'bench',
        updated_at: now.toISOString(),
        version: 1,
      };
      await ports.integrations.save(integration);
    }

    const dates = lastDays(addDays(today, -1), days);
    let rowCount = 0;
    const seeded = performance.now();
    for (const tool of TOOLS) {
      await mapLimit(dates, 6, async (date) => {
        const rows = rowsOf(tool, date, developers);
        rowCount += rows.length;
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
            now: now.toISOString(),
          }),
        );
      });
    }
    const storedMs = performance.now() - seeded;
    const refreshPorts = {
      attribution: ports.attribution,
      roster: ports.roster,
      usage: ports.usage,
      log: ports.log,
    };
    const blocksStarted = performance.now();
    for (const tool of TOOLS) await refreshBlocks(TEAM, tool, dates, refreshPorts);
    const blocksMs = performance.now() - blocksStarted;
    const attributionStarted = performance.now();
    for (let i = 0; i < dates.length; i += 30) {
      await attributeDays(TEAM, dates.slice(i, i + 30), refreshPorts);
    }
    const attributionMs = performance.now() - attributionStarted;
    print(
      `${developers} developers, ${TOOLS.length} integrations, ${days} days: ${rowCount.toLocaleString('en')} developer-day rows ` +
        `stored in ${fmt(storedMs / 1000, 1)} s; identity blocks above them built in ${fmt(blocksMs / 1000, 1)} s; ` +
        `${days} days attributed to people and ${GROUPS} groups in ${fmt(attributionMs / 1000, 1)} s.\n`,
    );

    const admin = await issueToken(keys, { teamId: TEAM, role: 'admin' });
    const member = await issueToken(keys, { teamId: TEAM, role: 'member', email: demoPerson(3).email });
    const base = `${api.url}${API_BASE_PATH}`;
    const personId = roster.people[3]?.id as string;
    const measure = async (path: string, token: string) => {
      const samples: number[] = [];
      let bytes = 0;
      for (let i = 0; i < options.samples + 3; i++) {
        const started = performance.now();
        const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
        const text = await response.text();
        if (response.status !== 200) throw new Error(`${path}: ${response.status} ${text.slice(0, 200)}`);
        if (i >= 3) samples.push(performance.now() - started);
        bytes = text.length;
      }
      samples.sort((a, b) => a - b);
      return {
        p50: percentile(samples, 50),
        p95: percentile(samples, 95),
        max: samples[samples.length - 1] ?? 0,
        bytes,
      };
    };
    const baseline = async (period: number) => {
      const samples: number[] = [];
      let rows = 0;
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        const all = await ports.usage.getDeveloperDays(TEAM, lastDays(today, period));
        buildDeveloperUsage(all, (provider) => provider);
        samples.push(performance.now() - started);
        rows = all.length;
      }
      samples.sort((a, b) => a - b);
      return { ms: samples[1] ?? 0, rows };
    };

    print(`| endpoint (admin unless said) | p50 ms | p95 ms | max ms | answer kB |`);
    print('|---|---:|---:|---:|---:|');
    const endpoints: [string, string, string][] = [
      ['GET /dashboard?days=90 (the team)', '/dashboard?days=90', admin],
      ['GET /dashboard?days=90&group=group-07 (50 people)', '/dashboard?days=90&group=group-07', admin],
      ['GET /dashboard?days=365', '/dashboard?days=365', admin],
      [
        'GET /dashboard/developers?days=30 (first 100 of 1,000+ rows)',
        '/dashboard/developers?days=30',
        admin,
      ],
      ['GET /dashboard/developers?days=90', '/dashboard/developers?days=90', admin],
      [
        'GET /dashboard/developers?days=90&limit=500&sort=name',
        '/dashboard/developers?days=90&limit=500&sort=name&order=asc',
        admin,
      ],
      [
        'GET /dashboard/developers?days=90&group=group-07',
        '/dashboard/developers?days=90&group=group-07',
        admin,
      ],
      ['GET /dashboard/developers?days=365', '/dashboard/developers?days=365', admin],
      ['GET /dashboard/developers/{person}?days=90', `/dashboard/developers/${personId}?days=90`, admin],
      ['GET /dashboard/me?days=90 (member)', '/dashboard/me?days=90', member],
      ['GET /dashboard/developers?days=90 (member: own row)', '/dashboard/developers?days=90', member],
    ];
    const results: Record<string, Awaited<ReturnType<typeof measure>>> = {};
    for (const [label, path, token] of endpoints) {
      const result = await measure(path, token);
      results[label] = result;
      print(
        `| ${label} | ${fmt(result.p50)} | ${fmt(result.p95)} | ${fmt(result.max)} | ${fmt(result.bytes / 1024)} |`,
      );
    }
    print(
      '\nBaseline: the developers view as it was — every developer-day row of the period read and summed per key (in process, median of 3):\n',
    );
    print(
      '| period | rows read | baseline ms | this design p50 ms (through the gateway) | baseline ÷ this design |',
    );
    print('|---:|---:|---:|---:|---:|');
    for (const [period, label] of [
      [30, 'GET /dashboard/developers?days=30 (first 100 of 1,000+ rows)'],
      [90, 'GET /dashboard/developers?days=90'],
    ] as const) {
      const run = await baseline(period);
      const ours = results[label]?.p50 ?? 0;
      print(
        `| ${period} days | ${run.rows.toLocaleString('en')} | ${fmt(run.ms)} | ${fmt(ours)} | ${fmt(run.ms / ours, 1)}× |`,
      );
    }
  } finally {
    await api.close();
    runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
