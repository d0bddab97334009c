import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { exposureCaptureFromEnv } from '../../local/exposure-capture';
import { demoPerson } from '../../local/fakes/shared/people';
import { issueToken, loadOrCreateSigningKeys } from '../../local/jwt';

/**
 * `npm start` as a newcomer runs it: the real entry point in a child process, with its own data
 * folder. First start connects the demo team and backfills; the dashboard answers over HTTP; Ctrl-C
 * leaves no DynamoDB Local behind; a second start reuses the data without a second backfill.
 */
const ROOT = process.cwd();

interface Started {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  api: string;
  token: string;
  dynamoPort: number;
}

function start(dataDir: string): Promise<Started> {
  const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['bin/local.ts'], {
    cwd: ROOT,
    env: { ...process.env, LOCAL_DATA_DIR: dataDir, PORT: '0', POWERTOOLS_LOG_LEVEL: 'ERROR' },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    // Four API-fed tools backfill one after the other on first start; a loaded machine needs its time.
    const timer = setTimeout(() => reject(new Error(`npm start did not get ready:\n${output}`)), 150_000);
    child.on('exit', (code) => reject(new Error(`exited early (${code}):\n${output}`)));
    const poll = setInterval(() => {
      if (!output.includes('Press Ctrl-C to stop.')) return;
      clearInterval(poll);
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({
        child,
        output: () => output,
        api: /API:\s+(\S+)/.exec(output)?.[1] ?? '',
        token: /Admin token:\s+(\S+)/.exec(output)?.[1] ?? '',
        dynamoPort: Number(/DynamoDB Local on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]),
      });
    }, 100);
  });
}

function stop(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ai-usage-start-'));
  const running = new Set<ChildProcessWithoutNullStreams>();
  afterAll(async () => {
    // A failed assertion must not leave a pipeline (and its Java process) running behind the test.
    for (const child of running) if (child.exitCode === null) await stop(child);
    // Its DynamoDB Local's files and sealed keys: kept for the exposure check when it runs.
    const capture = exposureCaptureFromEnv();
    if (capture) capture.keepFolder(dataDir);
    else rmSync(dataDir, { recursive: true, force: true });
  });

  it('backfills the demo team, serves its dashboard, stops cleanly, and reuses the data on restart', async () => {
    const first = await start(dataDir);
    running.add(first.child);
    expect(first.output()).toMatch(/claude_code: backfill 90\/90 days — done in/);
    expect(first.output()).toMatch(/github_copilot: backfill 100\/100 days — done in/);
    expect(first.output()).toMatch(/cursor: backfill 90\/90 days — done in/);
    expect(first.output()).toMatch(/claude_enterprise: backfill 90\/90 days — done in/);
    const response = await fetch(`${first.api}/dashboard?days=90`, {
      headers: { authorization: `Bearer ${first.token}` },
    });
    const dashboard = (await response.json()) as {
      total_interactions: number;
      heatmap_data: unknown[];
      top_tool: { name: string };
      tools: { name: string; sources: string[]; interactions: number; seats: { assigned: number } | null }[];
    };
    expect(response.status).toBe(200);
    expect(dashboard.total_interactions).toBeGreaterThan(0);
    expect(dashboard.heatmap_data).toHaveLength(90);
    // Claude Code (from the Admin API and, for Enterprise seats, the Enterprise Analytics API), Copilot and Cursor
    // on one dashboard, each through the real pipeline from its fake API, and ChatGPT from a file imported through
    // the local S3 server. Claude Code's two sources are one tool (people in both count once).
    expect(first.output()).toMatch(
      /chatgpt: imported \d+ rows of 8 developers from .*demo-chatgpt-usage\.csv/,
    );
    expect(dashboard.tools.map((tool) => tool.name).sort()).toEqual([
      'ChatGPT',
      'Claude Code',
      'Cursor',
      'GitHub Copilot',
    ]);
    expect(dashboard.tools.find((tool) => tool.name === 'Claude Code')?.sources).toEqual([
      'claude_code',
      'claude_enterprise',
    ]);
    expect(dashboard.tools.every((tool) => tool.interactions > 0)).toBe(true);
    expect(dashboard.tools.find((tool) => tool.name === 'GitHub Copilot')?.seats?.assigned).toBe(15);
    expect(dashboard.tools.find((tool) => tool.name === 'Cursor')?.seats?.assigned).toBe(9);
    expect(dashboard.top_tool.name).toBe(
      [...dashboard.tools].sort((a, b) => b.interactions - a.interactions)[0]?.name,
    );
    // The demo roster: one row per person across the three tools, most identities matched, "me" for a member.
    expect(first.output()).toMatch(/Roster: 15 people in groups platform, product/);
    const developers = (await (
      await fetch(`${first.api}/dashboard/developers?days=90&limit=500`, {
        headers: { authorization: `Bearer ${first.token}` },
      })
    ).json()) as {
      developers: { kind: string; tools: unknown[] }[];
      match_rates: { provider: string; match_rate: number }[];
    };
    expect(developers.developers.some((row) => row.kind === 'person' && row.tools.length === 3)).toBe(true);
    expect(developers.developers.some((row) => row.kind === 'identity')).toBe(true);
    const copilot = developers.match_rates.find((rate) => rate.provider === 'github_copilot');
    expect(copilot?.match_rate).toBeGreaterThanOrEqual(0.9);
    const member = await issueToken(await loadOrCreateSigningKeys(join(dataDir, 'jwt-signing-keys.json')), {
      teamId: 'demo-team',
      role: 'member',
      email: demoPerson(0).email,
    });
    const me = await fetch(`${first.api}/dashboard/me?days=90`, {
      headers: { authorization: `Bearer ${member}` },
    });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { developer: { display_name: string } }).developer.display_name).toBe(
      demoPerson(0).name,
    );
    // The team page beside the API, with the local sign-in.
    expect(first.output()).toMatch(/Team page: {4}http:\/\/127\.0\.0\.1:\d+\//);
    const origin = first.api.replace(/\/api\/ai-usage$/, '');
    const page = await fetch(`${origin}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module" src="/app.js"></script>');
    // Opened as a new user would: the sign-in's defaults (demo-team, admin), then the page with every tool.
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${origin}/`);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: /Team overview/ }).waitFor();
      const names = await page.locator('article.tool h2').allTextContents();
      expect(names.sort()).toEqual(dashboard.tools.map((tool) => tool.name).sort());
      mkdirSync(join(ROOT, 'test-artefacts', 'page'), { recursive: true });
      await page.screenshot({ path: join(ROOT, 'test-artefacts', 'page', 'npm-start.png'), fullPage: true });
    } finally {
      await browser.close();
    }
    expect(await portOpen(first.dynamoPort)).toBe(true);

    expect(await stop(first.child)).toBe(0);
    expect(await portOpen(first.dynamoPort)).toBe(false);

    const second = await start(dataDir);
    running.add(second.child);
    expect(second.output()).toMatch(/reusing stored data/);
    expect(second.output()).not.toMatch(/backfilling|imported \d+ rows/);
    const again = await fetch(`${second.api}/dashboard?days=90`, {
      headers: { authorization: `Bearer ${second.token}` },
    });
    expect(((await again.json()) as { total_interactions: number }).total_interactions).toBe(
      dashboard.total_interactions,
    );
    expect(await stop(second.child)).toBe(0);
    expect(await portOpen(second.dynamoPort)).toBe(false);
  }, 300_000);
});
