import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEMO_ANTHROPIC_ADMIN_KEY } from '../../local/fakes/claude-code';
import { DEMO_GITHUB_TOKEN } from '../../local/fakes/github-copilot';
import { demoPerson } from '../../local/fakes/shared/people';
import type {
  DashboardResponse,
  DevelopersResponse,
  IntegrationListResponse,
  SeatsResponse,
} from '../../functions/schemas/responses';
import { startPipeline, type TestPipeline } from '../helpers/pipeline';

/**
 * The team page in a real browser (Debian's chromium, driven by playwright-core) against the local run's parts:
 * it loads for an admin and a member, the heatmap has a cell per day with the API's states, the totals are the
 * API's, the sync toggle changes the integration, a CSV download is the API's CSV. A screenshot of each view is
 * saved under test-artefacts/page (git-ignored).
 */
const NOW = '2026-06-15T12:00:00Z';
const TEAM = 'team-page';
const ARTEFACTS = join(process.cwd(), 'test-artefacts', 'page');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('the team page in a browser', () => {
  let pipeline: TestPipeline;
  let browser: Browser;
  let admin: string;

  const api = async <T>(path: string, token = admin) =>
    (await pipeline.call('GET', path, { token })).body as unknown as T;
  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(ARTEFACTS, `${name}.png`), fullPage: true });

  async function signIn(role: 'admin' | 'member', email = ''): Promise<Page> {
    const context = await browser.newContext({
      acceptDownloads: true,
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto(`${pipeline.origin}/`);
    await page.getByLabel('Team').fill(TEAM);
    await page.getByLabel('Role').selectOption(role);
    if (email) await page.getByLabel(/E-mail/).fill(email);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /Team overview/ }).waitFor();
    expect(problems).toEqual([]);
    return page;
  }

  beforeAll(async () => {
    mkdirSync(ARTEFACTS, { recursive: true });
    pipeline = await startPipeline({
      now: NOW,
      page: true,
      fake: { developers: 6, apiKeyActors: 1, historyDays: 120, seed: 'page' },
      github: { developers: 8, historyDays: 120, seed: 'page' },
    });
    admin = await pipeline.token(TEAM, 'admin');
    for (const body of [
      { provider: 'claude_code', api_key: DEMO_ANTHROPIC_ADMIN_KEY, backfill_days: 90 },
      {
        provider: 'github_copilot',
        api_key: DEMO_GITHUB_TOKEN,
        org: pipeline.github.organization.login,
        backfill_days: 90,
      },
    ]) {
      expect((await pipeline.call('POST', '/connect', { token: admin, body })).status).toBe(201);
    }
    await pipeline.runtime.queue.drain();
    const people = Array.from({ length: 5 }, (_, index) => ({
      display_name: demoPerson(index).name,
      emails: [demoPerson(index).email],
      github_login: demoPerson(index).githubLogin,
      groups: ['core'],
    }));
    expect((await pipeline.call('PUT', '/members', { token: admin, body: { people } })).status).toBe(200);
    await pipeline.runtime.queue.drain();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await pipeline?.close();
  });

  it('overview for an admin: the heatmap has a cell per day with the API’s states, the totals are the API’s', async () => {
    const page = await signIn('admin');
    const dashboard = await api<DashboardResponse>('/dashboard?days=90&grain=day');
    const cells = page.locator('svg.heatmap rect.cell');
    await expect(cells.count()).resolves.toBe(90);
    const states = await cells.evaluateAll((nodes) =>
      nodes.map((node) => [
        node.getAttribute('data-date'),
        node.getAttribute('data-state'),
        node.getAttribute('data-count'),
      ]),
    );
    expect(states).toEqual(dashboard.heatmap_data.map((day) => [day.date, day.state, String(day.count)]));
    const totals = page.getByTestId('totals');
    await expect(totals.textContent()).resolves.toContain(
      dashboard.total_interactions.toLocaleString('en-GB'),
    );
    await expect(totals.textContent()).resolves.toContain(`${dashboard.active_days} of 90`);
    for (const tool of dashboard.tools) {
      await expect(page.locator(`article[data-provider="${tool.provider}"] h2`).textContent()).resolves.toBe(
        tool.name,
      );
    }
    await shot(page, 'overview');
    await page.getByRole('link', { name: 'By week' }).click();
    await page.getByRole('link', { name: '30 days' }).click();
    // The view is drawn anew once its answer is in: then the range says 30 days and the grain week.
    await page.locator('a.toggle[aria-current="true"]', { hasText: '30 days' }).waitFor();
    await expect(page.getByRole('link', { name: 'By week' }).getAttribute('aria-current')).resolves.toBe(
      'true',
    );
    await expect(page.locator('svg.heatmap rect.cell').count()).resolves.toBe(30);
    await shot(page, 'overview-30-days-by-week');
    await page.close();
  });

  it('a group’s page: the heatmap of the group’s people, as the API gives it', async () => {
    const page = await signIn('admin');
    await page.getByTestId('group').selectOption('core');
    await page.getByRole('heading', { name: /Group core/ }).waitFor();
    const dashboard = await api<DashboardResponse>('/dashboard?days=90&grain=day&group=core');
    const states = await page
      .locator('svg.heatmap rect.cell')
      .evaluateAll((nodes) =>
        nodes.map((node) => [node.getAttribute('data-state'), node.getAttribute('data-count')]),
      );
    expect(states).toEqual(dashboard.heatmap_data.map((day) => [day.state, String(day.count)]));
    await shot(page, 'group');
    await page.close();
  });

  it('people: the table is the API’s rows, the CSV download is the API’s CSV, a person has a page', async () => {
    const page = await signIn('admin');
    await page.getByRole('link', { name: 'People' }).first().click();
    await page.locator('table.people-table').waitFor();
    const developers = await api<DevelopersResponse>(
      '/dashboard/developers?days=90&sort=interactions&order=desc&limit=500',
    );
    await expect(page.locator('table.people-table tbody tr').count()).resolves.toBe(developers.total);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-people').click(),
    ]);
    const downloaded = readFileSync((await download.path()) as string, 'utf8');
    const csv = await pipeline.call(
      'GET',
      '/dashboard/developers?days=90&sort=interactions&order=desc&format=csv',
      { token: admin },
    );
    expect(downloaded).toBe(csv.text);
    await shot(page, 'people');
    await page.getByLabel('Search people').fill(demoPerson(1).name);
    await expect(page.locator('table.people-table tbody tr').count()).resolves.toBe(1);
    await page.getByRole('link', { name: demoPerson(1).name }).click();
    await page.getByRole('heading', { name: demoPerson(1).name }).waitFor();
    await expect(page.locator('svg.heatmap rect.cell').count()).resolves.toBe(90);
    await shot(page, 'person');
    await page.close();
  });

  it('seats and settings: the sync toggle changes the integration', async () => {
    const page = await signIn('admin');
    await page.getByRole('link', { name: 'Seats' }).click();
    await page.getByRole('heading', { name: 'Seats' }).waitFor();
    await expect(page.locator('article[data-provider="github_copilot"]').count()).resolves.toBe(1);
    await shot(page, 'seats');
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    const toggle = page.getByTestId('toggle-github_copilot');
    await expect(toggle.isChecked()).resolves.toBe(true);
    await toggle.click();
    await page.getByText(/: daily sync off\.$/).waitFor();
    const integrations = await api<IntegrationListResponse>('/integrations');
    expect(integrations.integrations.find((entry) => entry.provider === 'github_copilot')?.sync_enabled).toBe(
      false,
    );
    await expect(page.getByTestId('toggle-github_copilot').isChecked()).resolves.toBe(false);
    await shot(page, 'settings');
    await page.getByTestId('toggle-github_copilot').click();
    await page.getByText(/: daily sync on\.$/).waitFor();
    await page.close();
  });

  it('seats for a member who holds none: the notice names every provider that reports licences', async () => {
    const page = await signIn('member', 'no-seat@page.example');
    await page.getByRole('link', { name: 'Seats' }).click();
    await page.getByRole('heading', { name: 'Seats' }).waitFor();
    const { seat_providers: providers } = await api<SeatsResponse>(
      '/dashboard/seats',
      await pipeline.token(TEAM, 'member', 'no-seat@page.example'),
    );
    expect(providers.map((provider) => provider.name)).toEqual([
      'GitHub Copilot',
      'Cursor',
      'Claude Enterprise Analytics',
    ]);
    await page
      .getByText(
        'You hold no seat of a seat-based tool (GitHub Copilot, Cursor and Claude Enterprise Analytics report their licences).',
      )
      .waitFor();
    await page.close();
  });

  it('for a member: the team’s page, their own usage, settings read-only', async () => {
    const page = await signIn('member', demoPerson(0).email);
    await page.getByRole('link', { name: 'My usage' }).click();
    await page.getByRole('heading', { name: `My usage — ${demoPerson(0).name}` }).waitFor();
    await shot(page, 'me');
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByText('You can look, not change').waitFor();
    await expect(page.getByRole('form', { name: 'Connect a tool' }).count()).resolves.toBe(0);
    await expect(page.getByTestId('toggle-claude_code').isDisabled()).resolves.toBe(true);
    await shot(page, 'settings-member');
    await page.close();
  });
});
