import { addDays, daysBetween } from '../../functions/domain/dates';
import { DEMO_GITHUB_TOKEN, type CopilotUserRecord } from '../../local/fakes/github-copilot';
import { startPipeline, type TestPipeline } from '../helpers/pipeline';
import { TEST_KEYS } from '../helpers/provider-keys';

/**
 * GitHub Copilot end to end on real parts: DynamoDB Local, the fake GitHub API over HTTP (report calls,
 * signed NDJSON links, seats pages), the local API gateway and queue. Expected figures are summed here
 * from the fake's report records, independently of the provider's normaliser.
 */
const NOW = '2026-07-10T12:00:00Z';
const TODAY = '2026-07-10';
const TEAM = 'team-copilot';
/** A day GitHub publishes no report for (too few users). */
const WITHHELD = '2026-05-03';
/** A valid token whose owner may not read Copilot metrics. */
const NO_PERMISSION_TOKEN = TEST_KEYS.githubNoCopilotPermission;

interface Figures {
  interactions: number;
  shown: number;
  accepted: number;
  linesSuggested: number;
  linesAdded: number;
  linesRemoved: number;
  chatTurns: number;
  credits: number;
  activeDays: number;
}

function expectedFrom(records: readonly CopilotUserRecord[][]): Figures {
  const total: Figures = {
    interactions: 0,
    shown: 0,
    accepted: 0,
    linesSuggested: 0,
    linesAdded: 0,
    linesRemoved: 0,
    chatTurns: 0,
    credits: 0,
    activeDays: 0,
  };
  for (const day of records) {
    let dayInteractions = 0;
    for (const record of day) {
      dayInteractions += record.user_initiated_interaction_count + record.code_generation_activity_count;
      total.shown += record.code_generation_activity_count;
      total.accepted += record.code_acceptance_activity_count;
      total.linesSuggested += record.loc_suggested_to_add_sum;
      total.linesAdded += record.loc_added_sum;
      total.linesRemoved += record.loc_deleted_sum;
      total.chatTurns += record.user_initiated_interaction_count;
      total.credits += record.ai_credits_used ?? 0;
    }
    total.interactions += dayInteractions;
    if (dayInteractions > 0) total.activeDays++;
  }
  return total;
}

type Tool = Record<string, unknown> & { provider: string; seats: Record<string, unknown> | null };
type HeatmapDay = { date: string; count: number; state: string };

describe('GitHub Copilot pipeline', () => {
  let pipeline: TestPipeline;
  let admin: string;
  let integrationId: string;
  // 100 days ending today − 2, the newest day GitHub may have finished.
  const backfillDays = daysBetween(addDays(TODAY, -101), addDays(TODAY, -2));
  const expectedOver = (days: string[]) => expectedFrom(days.map((day) => pipeline.github.usersFor(day)));
  const dashboard = async (days = 102) => {
    const response = await pipeline.call('GET', `/dashboard?days=${days}`, { token: admin });
    expect(response.status).toBe(200);
    return response.body as {
      total_interactions: number;
      active_days: number;
      tools: Tool[];
      heatmap_data: HeatmapDay[];
      breakdowns: Record<string, { name: string }[]>;
    };
  };
  const ledgerOf = (day: string) =>
    pipeline.runtime.ports.usage.getLedger(TEAM, day, day, integrationId).then(([entry]) => entry);
  const manualSync = async (start: string, end: string) => {
    pipeline.clock.advance(61);
    const response = await pipeline.call('POST', '/sync', {
      token: admin,
      body: { integration_id: integrationId, start_date: start, end_date: end },
    });
    expect(response.status).toBe(202);
    await pipeline.runtime.queue.drain();
  };

  beforeAll(async () => {
    pipeline = await startPipeline({
      now: NOW,
      // GitHub has not finished today − 2 yet at NOW: it is published a day later.
      github: {
        developers: 18,
        historyDays: 400,
        seed: 'pipeline',
        publishLagDays: 3,
        withheldDays: [WITHHELD],
        tokensWithoutPermission: [NO_PERMISSION_TOKEN],
      },
    });
    admin = await pipeline.token(TEAM, 'admin');
  }, 30_000);
  afterAll(async () => pipeline?.close());

  it('refuses a token that may not read the metrics, naming the permission, and stores nothing', async () => {
    const response = await pipeline.call('POST', '/connect', {
      token: admin,
      body: { provider: 'github_copilot', api_key: NO_PERMISSION_TOKEN, org: 'demo-org' },
    });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(String(response.body.detail)).toMatch(/read:org/);
    expect(String(response.body.detail)).toMatch(/"Organization Copilot metrics" read permission/);
    expect(response.text).not.toContain(NO_PERMISSION_TOKEN);
    const unknown = await pipeline.call('POST', '/connect', {
      token: admin,
      body: { provider: 'github_copilot', api_key: TEST_KEYS.githubUnknown, org: 'demo-org' },
    });
    expect(unknown.status).toBe(422);
    expect(String(unknown.body.detail)).toMatch(/rejected this token/);
    const refresh = await pipeline.call('POST', '/connect', {
      token: admin,
      body: { provider: 'github_copilot', api_key: TEST_KEYS.githubRefreshToken, org: 'demo-org' },
    });
    expect(refresh.status).toBe(400);
    expect(String(refresh.body.detail)).toMatch(/refresh token/);
    const badOptions = await pipeline.call('POST', '/connect', {
      token: admin,
      body: { provider: 'github_copilot', api_key: DEMO_GITHUB_TOKEN, org: 'demo-org', enterprise: 'x' },
    });
    expect(badOptions.status).toBe(400);
    expect(badOptions.body.errors).toEqual([
      { field: 'body', message: expect.stringMatching(/exactly one of "org"/) },
    ]);
    expect((await pipeline.call('GET', '/integrations', { token: admin })).body).toMatchObject({
      integrations: [],
    });
  });

  it('connects an organisation: live check, 201, a 100-day backfill ending two days back', async () => {
    const response = await pipeline.call('POST', '/connect', {
      token: admin,
      body: { provider: 'github_copilot', api_key: DEMO_GITHUB_TOKEN, org: 'demo-org' },
    });
    expect(response.status).toBe(201);
    expect(response.body.backfill).toMatchObject({
      days: 100,
      start_date: backfillDays[0],
      end_date: addDays(TODAY, -2),
    });
    expect(response.text).not.toContain(DEMO_GITHUB_TOKEN);
    integrationId = String(response.body.integration_id);
    await pipeline.runtime.queue.drain();
  });

  it('backfills: dashboard totals equal the sums of the NDJSON reports', async () => {
    const published = backfillDays.filter((day) => pipeline.github.published(day));
    expect(published).toHaveLength(98); // today − 2 not yet published, one day withheld
    const expected = expectedOver(published);
    expect(expected.interactions).toBeGreaterThan(5000);
    const body = await dashboard();
    expect(body.total_interactions).toBe(expected.interactions);
    expect(body.active_days).toBe(expected.activeDays);
    const tool = body.tools.find((entry) => entry.provider === 'github_copilot');
    expect(tool).toMatchObject({
      name: 'GitHub Copilot',
      interactions: expected.interactions,
      suggestions_shown: expected.shown,
      suggestions_accepted: expected.accepted,
      lines_suggested: expected.linesSuggested,
      lines_added: expected.linesAdded,
      lines_accepted: expected.linesAdded,
      lines_removed: expected.linesRemoved,
      chat_turns: expected.chatTurns,
      acceptance_rate: Math.round((expected.accepted / expected.shown) * 10_000) / 10_000,
    });
    expect(tool?.seats).toMatchObject({ assigned: 18 });
    expect(body.breakdowns.editors?.map((entry) => entry.name)).toEqual(expect.arrayContaining(['vscode']));
    expect(body.breakdowns.languages?.length).toBeGreaterThan(3);
    expect(body.breakdowns.models?.map((entry) => entry.name)).toEqual(
      expect.arrayContaining(['gpt-4.1-copilot']),
    );

    // Per-user AI credits (reported from 2026-06-19) are kept per developer-day, not summed into cost.
    const rows = await pipeline.runtime.ports.usage.getDeveloperDays(TEAM, published);
    const credits = rows.reduce((sum, row) => sum + Number(row.extras.ai_credits_used ?? 0), 0);
    expect(credits).toBeCloseTo(expected.credits, 6);
    expect(expected.credits).toBeGreaterThan(0);
    expect(tool?.cost_cents).toBe(0);
  });

  it('draws the heatmap honestly: withheld day not available, unpublished days pending, each with count 0 and a state that says why', async () => {
    const heatmap = (await dashboard()).heatmap_data;
    const byDate = new Map(heatmap.map((day) => [day.date, day]));
    expect(byDate.get(WITHHELD)).toEqual({ date: WITHHELD, count: 0, state: 'not_available' });
    expect(byDate.get(addDays(TODAY, -2))).toEqual({
      date: addDays(TODAY, -2),
      count: 0,
      state: 'pending',
    });
    expect(byDate.get(addDays(TODAY, -1))).toEqual({
      date: addDays(TODAY, -1),
      count: 0,
      state: 'pending',
    });
    expect(byDate.get(TODAY)).toEqual({ date: TODAY, count: 0, state: 'pending' });
    for (const day of backfillDays.filter((date) => pipeline.github.published(date))) {
      const figures = expectedOver([day]);
      expect(byDate.get(day)).toEqual({
        date: day,
        count: figures.interactions,
        state: figures.interactions > 0 ? 'ok' : 'no_activity',
      });
    }
    expect((await ledgerOf(WITHHELD))?.reason).toMatch(/too few Copilot users/);
  });

  it('lists developers by GitHub login with their teams; a team under five users has none', async () => {
    const response = await pipeline.call('GET', '/dashboard/developers?days=102', { token: admin });
    // No roster: each GitHub account is its own row, shown as itself.
    const developers = (
      response.body.developers as {
        kind: string;
        identities: { key: string; login: string }[];
        interactions: number;
        teams: string[];
      }[]
    ).map((entry) => ({ ...entry, developer: entry.identities[0] as { key: string; login: string } }));
    expect(developers.every((entry) => entry.kind === 'identity' && entry.identities.length === 1)).toBe(
      true,
    );
    const published = backfillDays.filter((day) => pipeline.github.published(day));
    const active = new Set(
      published.flatMap((day) => pipeline.github.usersFor(day).map((r) => r.user_login)),
    );
    expect(developers.map((entry) => entry.developer.login).sort()).toEqual([...active].sort());
    expect(developers.reduce((sum, entry) => sum + entry.interactions, 0)).toBe(
      expectedOver(published).interactions,
    );
    for (const entry of developers) {
      const team = pipeline.github.developers.find((d) => d.login === entry.developer.login)?.team;
      expect(entry.developer.key).toMatch(/^github:\d+$/);
      expect(entry.teams).toEqual(team && team.slug !== 'data' ? [team.slug] : []);
    }
    // Every seat, with its last activity and editor; all 18 holders used Copilot in the period.
    const seats = response.body.seats as {
      developer: { login: string };
      active_in_period: boolean;
      last_activity_editor: string;
    }[];
    expect(seats).toHaveLength(18);
    expect(seats.filter((seat) => seat.active_in_period)).toHaveLength(active.size);
    expect(seats.every((seat) => /copilot-chat/.test(seat.last_activity_editor))).toBe(true);
    // The small team is said, not drawn as an idle team.
    expect(response.body.unreported_teams).toEqual([
      {
        provider: 'github_copilot',
        team: 'data',
        seats: 3,
        reason: expect.stringMatching(/fewer than five/),
      },
    ]);
  });

  it('fetches a day once GitHub publishes it, on the next scheduled run', async () => {
    const day = addDays(TODAY, -2);
    pipeline.clock.advance(86_400);
    const [run] = await pipeline.runtime.schedule('github_copilot');
    expect(run?.integrations).toBe(1);
    await pipeline.runtime.queue.drain();
    expect(pipeline.github.published(day)).toBe(true);
    const entry = await ledgerOf(day);
    expect(['ok', 'no_activity']).toContain(entry?.state);
    expect(entry?.interactions).toBe(expectedOver([day]).interactions);
    pipeline.clock.set(NOW);
  });

  it('an expired link and a truncated file are fetched again through fresh report calls', async () => {
    const days = [addDays(TODAY, -10), addDays(TODAY, -9)];
    const before = await dashboard();
    pipeline.github.faults.add({ kind: 'expired_link' });
    pipeline.github.faults.add({ kind: 'truncated_file' });
    const requestsBefore = pipeline.github.requests.length;
    await manualSync(days[0] as string, days[1] as string);
    expect(pipeline.github.faults.pending()).toBe(0);
    const statuses = pipeline.github.requests.slice(requestsBefore).map((r) => `${r.status} ${r.path}`);
    expect(statuses.some((line) => /^403 \/__files\//.test(line))).toBe(true);
    // Links are fetched without the GitHub token.
    expect(
      pipeline.github.requests.filter((r) => r.path.startsWith('/__files/')).every((r) => !r.authorized),
    ).toBe(true);
    for (const day of days) expect((await ledgerOf(day))?.state).toBe('ok');
    const after = await dashboard();
    expect(after.total_interactions).toBe(before.total_interactions);
    expect(after.heatmap_data).toEqual(before.heatmap_data);
  });

  it('a line that is not JSON is fetched again through fresh report calls; one that stays fails the day readably', async () => {
    const day = addDays(TODAY, -12);
    const before = await dashboard();
    pipeline.github.faults.add({ kind: 'bad_line' });
    await manualSync(day, day);
    expect(pipeline.github.faults.pending()).toBe(0);
    const healed = (await ledgerOf(day)) as unknown as { state: string; last_error?: string };
    expect(healed.state).toBe('ok');
    expect(healed.last_error).toBeUndefined();

    pipeline.github.faults.add({ kind: 'bad_line', times: Infinity });
    await manualSync(day, day);
    pipeline.github.faults.clear();
    const entry = (await ledgerOf(day)) as unknown as { state: string; last_error?: string };
    expect(entry.state).toBe('ok');
    expect(entry.last_error).toMatch(
      /The GitHub Copilot API answered a body that is not JSON 3 times in a row \(users-1-day .* line 2: not valid JSON\)/,
    );
    expect((await dashboard()).total_interactions).toBe(before.total_interactions);
  });

  it('a file that stays truncated fails the day (retried by the queue) and loses nothing', async () => {
    const day = addDays(TODAY, -14);
    const before = await dashboard();
    pipeline.github.faults.add({ kind: 'truncated_file', times: Infinity });
    await manualSync(day, day);
    pipeline.github.faults.clear();
    const entry = (await ledgerOf(day)) as unknown as { state: string; last_error?: string };
    expect(entry.state).toBe('ok');
    expect(entry.last_error).toMatch(/truncated/);
    expect(pipeline.runtime.queue.stats('github_copilot').dead).toBeGreaterThanOrEqual(1);
    expect((await dashboard()).total_interactions).toBe(before.total_interactions);
  });

  it('honours primary and secondary rate limits and 5xx, then completes the days', async () => {
    const days = [addDays(TODAY, -20), addDays(TODAY, -19)];
    const before = await dashboard();
    pipeline.github.faults.add({ kind: 'status', status: 403, rateLimit: 'secondary', retryAfterSeconds: 1 });
    pipeline.github.faults.add({ kind: 'status', status: 429, rateLimit: 'primary', retryAfterSeconds: 1 });
    pipeline.github.faults.add({ kind: 'status', status: 502, times: 2 });
    const requestsBefore = pipeline.github.requests.length;
    await manualSync(days[0] as string, days[1] as string);
    expect(pipeline.github.faults.pending()).toBe(0);
    const statuses = pipeline.github.requests.slice(requestsBefore).map((r) => r.status);
    expect(statuses).toEqual(expect.arrayContaining([403, 429, 502, 200]));
    for (const day of days) expect((await ledgerOf(day))?.state).toMatch(/^(ok|no_activity)$/);
    expect((await dashboard()).total_interactions).toBe(before.total_interactions);
  });

  it('re-syncing days leaves totals unchanged (no doubled day)', async () => {
    const before = await dashboard();
    const rowsBefore = (await pipeline.runtime.ports.usage.getDeveloperDays(TEAM, backfillDays)).length;
    await manualSync(addDays(TODAY, -30), addDays(TODAY, -3));
    await manualSync(addDays(TODAY, -30), addDays(TODAY, -3));
    const after = await dashboard();
    expect(after.total_interactions).toBe(before.total_interactions);
    expect(after.heatmap_data).toEqual(before.heatmap_data);
    expect((await pipeline.runtime.ports.usage.getDeveloperDays(TEAM, backfillDays)).length).toBe(rowsBefore);
  });

  it('policy switched off: not_available with a message naming the policy, skipped by the scheduler, back after a re-sync', async () => {
    const before = await dashboard();
    pipeline.github.settings.policyEnabled = false;
    await manualSync(addDays(TODAY, -4), addDays(TODAY, -3));
    const integration = await pipeline.call('GET', `/integrations/${integrationId}`, { token: admin });
    expect(integration.body).toMatchObject({
      status: 'not_available',
      last_sync: { outcome: 'not_available' },
    });
    expect(String(integration.body.status_message)).toMatch(/"Copilot usage metrics" policy/);
    // Stored days stay; nothing is drawn as zero.
    expect((await dashboard()).total_interactions).toBe(before.total_interactions);
    const requestsBefore = pipeline.github.requests.length;
    const [run] = await pipeline.runtime.schedule('github_copilot');
    await pipeline.runtime.queue.drain();
    expect(run?.integrations).toBe(0);
    expect(pipeline.github.requests.length).toBe(requestsBefore);

    pipeline.github.settings.policyEnabled = true;
    await manualSync(addDays(TODAY, -4), addDays(TODAY, -3));
    const again = await pipeline.call('GET', `/integrations/${integrationId}`, { token: admin });
    expect(again.body).toMatchObject({ status: 'active' });
    expect((await dashboard()).total_interactions).toBe(before.total_interactions);
  });

  it('an organisation without seats is not_available, not a row of zeros', async () => {
    pipeline.github.settings.seats = 0;
    await manualSync(addDays(TODAY, -3), addDays(TODAY, -3));
    const integration = await pipeline.call('GET', `/integrations/${integrationId}`, { token: admin });
    expect(integration.body).toMatchObject({ status: 'not_available' });
    expect(String(integration.body.status_message)).toMatch(/no Copilot seats/);
    pipeline.github.settings.seats = pipeline.github.developers.length;
  });

  it('a token that lost the permission marks the integration invalid_credentials and keeps the data', async () => {
    const before = await dashboard();
    pipeline.github.revokeToken(DEMO_GITHUB_TOKEN);
    await manualSync(addDays(TODAY, -3), addDays(TODAY, -3));
    const integration = await pipeline.call('GET', `/integrations/${integrationId}`, { token: admin });
    expect(integration.body).toMatchObject({ status: 'invalid_credentials' });
    expect(String(integration.body.status_message)).toMatch(/Bad credentials/);
    expect((await dashboard()).total_interactions).toBe(before.total_interactions);
  });

  it('keeps the backfill at or after the earliest day GitHub serves', async () => {
    const other = await pipeline.token('team-early', 'admin');
    pipeline.github.allowToken(DEMO_GITHUB_TOKEN);
    const response = await pipeline.call('POST', '/connect', {
      token: other,
      body: { provider: 'github_copilot', api_key: DEMO_GITHUB_TOKEN, org: 'demo-org', backfill_days: 365 },
    });
    expect(response.status).toBe(201);
    expect(response.body.backfill).toMatchObject({ start_date: '2025-12-12', end_date: addDays(TODAY, -2) });
    expect(await pipeline.scanAll()).not.toContain(DEMO_GITHUB_TOKEN);
  });
});
