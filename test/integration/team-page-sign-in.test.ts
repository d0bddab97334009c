import { chromium, type Browser } from 'playwright-core';
import type { IntegrationListResponse } from '../../functions/schemas/responses';
import { startFakeCognito, type FakeCognito } from '../../local/fakes/cognito';
import type { PageConfig } from '../../local/page';
import { startPipeline, type TestPipeline } from '../helpers/pipeline';

/**
 * The page's sign-in as deployed — Cognito's hosted sign-in, authorization code with PKCE — against a fake of
 * the hosted sign-in over real HTTP, in chromium: to the sign-in page and back with a code, the code and its
 * verifier traded for tokens, the API called with the ID token, signing out through the logout endpoint. The
 * team has nothing connected yet, so the page shows its empty state: an admin is sent to connect a tool.
 */
const NOW = '2026-06-15T12:00:00Z';
const TEAM = 'team-new';
const CLIENT_ID = 'pageclient0123456789abcdef';

describe('the page signs in through the hosted sign-in (code + PKCE)', () => {
  let pipeline: TestPipeline;
  let cognito: FakeCognito;
  let browser: Browser;
  let config: PageConfig = { api_base: '/api/ai-usage', auth: { kind: 'local' } };

  beforeAll(async () => {
    pipeline = await startPipeline({ now: NOW, page: { config: () => config } });
    cognito = await startFakeCognito({
      keys: pipeline.keys,
      clientId: CLIENT_ID,
      pageOrigin: pipeline.origin,
      user: { username: 'dana', teamId: TEAM, role: 'admin', email: 'dana@example.org' },
    });
    config = {
      api_base: '/api/ai-usage',
      auth: {
        kind: 'cognito',
        domain: cognito.url,
        client_id: CLIENT_ID,
        scopes: ['openid', 'email', 'profile'],
      },
    };
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await cognito?.close();
    await pipeline?.close();
  });

  it('signs in and out, and an empty team is sent to connect a tool', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      // The refused connect (400) and the fake sign-in page's missing favicon (404) are answers, not faults.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        problems.push(message.text());
      }
    });
    await page.goto(`${pipeline.origin}/`);
    await page.getByRole('button', { name: 'Sign in with your team account' }).click();
    await page.waitForURL(`${cognito.url}/oauth2/authorize?**`);
    const authorize = new URL(page.url());
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: `${pipeline.origin}/`,
      scope: 'openid email profile',
      code_challenge_method: 'S256',
    });
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await page.getByRole('link', { name: 'Continue as dana' }).click();

    await page.getByRole('heading', { name: /Team overview/ }).waitFor();
    // The code left the address bar once traded; the verifier matched the challenge.
    expect(new URL(page.url()).search).toBe('');
    expect(cognito.refusals).toEqual([]);
    await expect(page.locator('#who').textContent()).resolves.toContain(`${TEAM} · admin · dana@example.org`);
    await page.getByText('No usage yet').waitFor();
    await page.getByRole('link', { name: 'Connect a tool' }).click();
    await page.getByRole('heading', { name: 'Connect your first tool' }).waitFor();
    // The connect form's errors are the API's: a key of the wrong shape is refused before any provider call.
    await page.getByLabel('Tool', { exact: true }).selectOption('claude_code');
    await page.locator('input[name="api_key"]').fill('not-a-key');
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.locator('form.connect .status.error').waitFor();
    await expect(page.locator('form.connect .status.error').textContent()).resolves.toMatch(/sk-ant-admin01/);
    const integrations = (await pipeline.call('GET', '/integrations', { token: await pipeline.token(TEAM) }))
      .body as unknown as IntegrationListResponse;
    expect(integrations.integrations).toEqual([]);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in with your team account' }).waitFor();
    await expect(page.evaluate(() => sessionStorage.length)).resolves.toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a code is good once: the tab drops it after use, and the hosted sign-in refuses it replayed', async () => {
    const page = await browser.newPage();
    await page.goto(`${pipeline.origin}/`);
    await page.getByRole('button', { name: 'Sign in with your team account' }).click();
    await page.waitForURL(`${cognito.url}/oauth2/authorize?**`);
    const next = (await page.getByRole('link', { name: 'Continue as dana' }).getAttribute('href')) as string;
    await page.goto(next);
    await page.getByRole('heading', { name: /Team overview/ }).waitFor();
    // Opened again, the same code signs nobody in: the verifier went with its one use.
    await page.evaluate(() => sessionStorage.clear());
    await page.goto(next);
    await page.getByRole('button', { name: 'Sign in with your team account' }).waitFor();
    expect(new URL(page.url()).search).toBe('');
    const replayed = await fetch(`${cognito.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: CLIENT_ID,
        code: new URL(next).searchParams.get('code') as string,
        redirect_uri: `${pipeline.origin}/`,
        code_verifier: 'x'.repeat(43),
      }),
    });
    expect(replayed.status).toBe(400);
    expect(cognito.refusals).toEqual(['invalid_grant: unknown or used code']);
    await page.close();
  });
});
