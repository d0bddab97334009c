import { lastDays } from '../../functions/domain/dates';
import { DEMO_ANTHROPIC_ADMIN_KEY } from '../../local/fakes/claude-code';
import { DEMO_GITHUB_TOKEN } from '../../local/fakes/github-copilot';
import { demoPerson } from '../../local/fakes/shared/people';
import { integrationsTable } from '../../functions/adapters/dynamodb/table-definitions';
import { startPipeline, type ApiResponse, type TestPipeline } from '../helpers/pipeline';

/**
 * People across tools on real parts (DynamoDB Local, the fake Anthropic and GitHub APIs over HTTP, the local
 * gateway and queues): a roster through the API, then what admins and members see. Expected figures are
 * computed here from the stored developer rows with the roster's rules written out again, independently of
 * the attribution code.
 */
const NOW = '2026-06-15T12:00:00Z';
const TODAY = '2026-06-15';
const TEAM = 'team-people';
const DAYS = 20;
const period = lastDays(TODAY, DAYS);

/** Person i of the fakes' organisation: 0–4 in "alpha", 5–6 in "beta" (too small for members), 7 not listed. */
const person = (index: number) => demoPerson(index);
const rosterBody = {
  people: Array.from({ length: 7 }, (_, index) => ({
    display_name: person(index).name,
    emails: [person(index).email],
    // Person 6 never gave their GitHub login: their Copilot usage stays unmatched.
    github_login: index === 6 ? null : person(index).githubLogin,
    groups: [index < 5 ? 'alpha' : 'beta'],
  })),
};

interface Row {
  id: string;
  kind: string;
  display_name: string;
  groups: string[];
  interactions: number;
  identities: { provider: string; key: string; email?: string; login?: string }[];
}

describe('people across tools', () => {
  let pipeline: TestPipeline;
  let admin: string;
  let ids: Record<number, string>;
  let copilotId: string;

  const get = (path: string, token: string) => pipeline.call('GET', path, { token });
  const rows = async (token = admin, query = '') =>
    (await get(`/dashboard/developers?days=${DAYS}&limit=500${query}`, token)).body.developers as Row[];
  const total = async (query = '') =>
    (await get(`/dashboard?days=${DAYS}${query}`, admin)).body.total_interactions as number;
  const roster = async () => (await get('/members', admin)).body;

  beforeAll(async () => {
    pipeline = await startPipeline({
      now: NOW,
      fake: { developers: 8, apiKeyActors: 1, historyDays: 40, seed: 'people' },
      github: { developers: 8, historyDays: 40, seed: 'people' },
    });
    admin = await pipeline.token(TEAM, 'admin');
    for (const body of [
      { provider: 'claude_code', api_key: DEMO_ANTHROPIC_ADMIN_KEY, backfill_days: DAYS },
      {
        provider: 'github_copilot',
        api_key: DEMO_GITHUB_TOKEN,
        org: pipeline.github.organization.login,
        backfill_days: DAYS,
      },
    ]) {
      const connected = await pipeline.call('POST', '/connect', { token: admin, body });
      expect(connected.status).toBe(201);
      if (body.provider === 'github_copilot') copilotId = String(connected.body.integration_id);
    }
    await pipeline.runtime.queue.drain();
    const stored = await pipeline.call('PUT', '/members', { token: admin, body: rosterBody });
    expect(stored.status).toBe(200);
    ids = Object.fromEntries(
      (stored.body.people as { id: string; display_name: string }[]).map((p) => [
        rosterBody.people.findIndex((input) => input.display_name === p.display_name),
        p.id,
      ]),
    );
    await pipeline.runtime.queue.drain();
  }, 60_000);
  afterAll(async () => pipeline?.close());

  it('reports the match rate per tool exactly as the roster rules give it, on the dashboard and the developers view', async () => {
    const stored = await pipeline.runtime.ports.usage.getDeveloperDays(TEAM, period);
    const emails = new Set(rosterBody.people.flatMap((p) => p.emails));
    const logins = new Set(
      rosterBody.people.flatMap((p) => (p.github_login ? [p.github_login.toLowerCase()] : [])),
    );
    const expected = new Map<string, { all: number; matched: number }>();
    for (const row of stored) {
      const figures = expected.get(row.provider) ?? { all: 0, matched: 0 };
      figures.all += row.metrics.interactions;
      const matched =
        (row.developer.email !== undefined && emails.has(row.developer.email)) ||
        (row.developer.login !== undefined && logins.has(row.developer.login.toLowerCase()));
      if (matched) figures.matched += row.metrics.interactions;
      expected.set(row.provider, figures);
    }
    const rate = (f: { all: number; matched: number }) => Math.round((f.matched / f.all) * 10_000) / 10_000;
    expect(expected.get('claude_code')?.matched).toBeGreaterThan(0);
    expect(expected.get('claude_code')?.matched).toBeLessThan(expected.get('claude_code')?.all ?? 0);

    const developers = await get(`/dashboard/developers?days=${DAYS}`, admin);
    const rates = developers.body.match_rates as {
      provider: string;
      interactions: number;
      matched_interactions: number;
      match_rate: number;
    }[];
    const dashboard = await get(`/dashboard?days=${DAYS}`, admin);
    const tools = dashboard.body.tools as {
      provider: string;
      matched_interactions: number;
      match_rate: number;
    }[];
    for (const [provider, figures] of expected) {
      expect(rates.find((r) => r.provider === provider)).toMatchObject({
        interactions: figures.all,
        matched_interactions: figures.matched,
        match_rate: rate(figures),
      });
      expect(tools.find((t) => t.provider === provider)).toMatchObject({
        matched_interactions: figures.matched,
        match_rate: rate(figures),
      });
    }
    expect(dashboard.body.attribution).toEqual({ roster_version: 1, days_behind: 0, up_to_date: true });
  });

  it('lists one row per person across tools, and identities that match nobody as themselves; nothing lost or doubled', async () => {
    const list = await rows();
    const ana = list.find((row) => row.id === ids[0]);
    expect(ana?.kind).toBe('person');
    expect(ana?.identities.map((i) => i.provider).sort()).toEqual(['claude_code', 'github_copilot']);
    // Person 7 is on no roster: their e-mail (Claude Code) and login (Copilot) stay separate identities.
    const unlisted = list.filter((row) => row.kind === 'identity').flatMap((row) => row.identities);
    expect(unlisted.map((i) => i.email ?? i.login)).toEqual(
      expect.arrayContaining([person(7).email, person(7).githubLogin, person(6).githubLogin]),
    );
    expect(list.reduce((sum, row) => sum + row.interactions, 0)).toBe(await total());
  });

  it('gives acceptance per tool on the developers view, a person’s page and "me", never a rate across tools', async () => {
    type Rated = Row & {
      acceptance_rate: number | null;
      tools: { provider: string; acceptance_rate: number | null }[];
    };
    const rateOf = (figures: { suggestions_shown: number; suggestions_accepted: number }[]) => {
      const shown = figures.reduce((sum, f) => sum + f.suggestions_shown, 0);
      const accepted = figures.reduce((sum, f) => sum + f.suggestions_accepted, 0);
      return shown === 0 ? null : Math.round((accepted / shown) * 10_000) / 10_000;
    };
    // Person 0's own rows of each tool, read back from the table: the rate of each tool's figures alone.
    const stored = await pipeline.runtime.ports.usage.getDeveloperDays(TEAM, period);
    const ana = person(0);
    const theirs = (provider: string, mine: (row: (typeof stored)[number]) => boolean) =>
      stored.filter((row) => row.provider === provider && mine(row)).map((row) => row.metrics);
    const expected = {
      claude_code: rateOf(theirs('claude_code', (row) => row.developer.email === ana.email)),
      github_copilot: rateOf(
        theirs(
          'github_copilot',
          (row) => row.developer.login?.toLowerCase() === ana.githubLogin.toLowerCase(),
        ),
      ),
    };
    expect(expected.claude_code).not.toBeNull();
    expect(expected.github_copilot).not.toBeNull();
    const perTool = (row: Rated | undefined) =>
      Object.fromEntries((row?.tools ?? []).map((tool) => [tool.provider, tool.acceptance_rate]));

    const list = (await rows()) as Rated[];
    expect(list.every((row) => row.acceptance_rate === null)).toBe(true);
    expect(perTool(list.find((row) => row.id === ids[0]))).toEqual(expected);
    const page = (await get(`/dashboard/developers/${ids[0]}?days=${DAYS}`, admin)).body.developer as Rated;
    const member = await pipeline.token(TEAM, 'member', ana.email);
    const me = (await get(`/dashboard/me?days=${DAYS}`, member)).body.developer as Rated;
    for (const developer of [page, me]) {
      expect(developer.acceptance_rate).toBeNull();
      expect(perTool(developer)).toEqual(expected);
    }

    // Rows are ordered by one tool's rate, people without one last; never by a rate across tools.
    const byCopilot = (await rows(admin, '&sort=acceptance_rate&tool=github_copilot&order=desc')) as Rated[];
    const copilotRates = byCopilot.map((row) => perTool(row).github_copilot ?? null);
    const known = copilotRates.filter((rate): rate is number => rate !== null);
    expect(known.length).toBeGreaterThan(1);
    expect(copilotRates.slice(0, known.length)).toEqual([...known].sort((a, b) => b - a));
    expect(copilotRates.slice(known.length).every((rate) => rate === null)).toBe(true);
    for (const query of ['&sort=acceptance_rate', '&tool=github_copilot']) {
      const refused = await get(`/dashboard/developers?days=${DAYS}${query}`, admin);
      expect(refused.status).toBe(400);
      expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect((refused.body.errors as { field: string }[]).map((issue) => issue.field)).toEqual(['tool']);
    }
  });

  it('moves a person’s figures with them from one group to another, keeping the team’s totals', async () => {
    const teamBefore = await total();
    const [alphaBefore, betaBefore] = [await total('&group=alpha'), await total('&group=beta')];
    expect(alphaBefore + betaBefore).toBe(
      (await rows()).filter((row) => row.kind === 'person').reduce((sum, row) => sum + row.interactions, 0),
    );
    const moved = (await get(`/dashboard/developers/${ids[0]}?days=${DAYS}`, admin)).body.developer as Row;
    expect(moved.interactions).toBeGreaterThan(0);

    const patched = await pipeline.call('PATCH', `/members/${ids[0]}`, {
      token: admin,
      body: { groups: ['beta'] },
    });
    expect(patched.status).toBe(200);
    await pipeline.runtime.queue.drain();

    expect(await total('&group=alpha')).toBe(alphaBefore - moved.interactions);
    expect(await total('&group=beta')).toBe(betaBefore + moved.interactions);
    expect(await total()).toBe(teamBefore);
    const dashboard = await get(`/dashboard?days=${DAYS}`, admin);
    expect(dashboard.body.attribution).toEqual({ roster_version: 2, days_behind: 0, up_to_date: true });

    await pipeline.call('PATCH', `/members/${ids[0]}`, { token: admin, body: { groups: ['alpha'] } });
    await pipeline.runtime.queue.drain();
    expect(await total('&group=alpha')).toBe(alphaBefore);
  });

  it('gives a member their own figures and the aggregates, never another person’s or a small group’s', async () => {
    const me = person(1);
    const member = await pipeline.token(TEAM, 'member', me.email);
    const others = Array.from({ length: 8 }, (_, index) => person(index)).filter((p) => p.email !== me.email);

    const answers: ApiResponse[] = [];
    const own = await get(`/dashboard/developers?days=${DAYS}`, member);
    answers.push(own);
    expect(own.body.visibility).toBe('own_row');
    expect((own.body.developers as Row[]).map((row) => row.id)).toEqual([ids[1]]);
    expect(own.body.match_rates).toEqual([]);
    const mine = await get(`/dashboard/me?days=${DAYS}`, member);
    answers.push(mine);
    expect(mine.status).toBe(200);
    expect((mine.body.developer as Row).id).toBe(ids[1]);
    answers.push(await get(`/dashboard?days=${DAYS}`, member));
    answers.push(await get(`/dashboard?days=${DAYS}&group=alpha`, member));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    // No answer a member gets names another person.
    for (const answer of answers) {
      for (const other of others) {
        expect(answer.text).not.toContain(other.email);
        expect(answer.text).not.toContain(`"${other.githubLogin}"`);
      }
    }

    const someoneElse = await get(`/dashboard/developers/${ids[0]}?days=${DAYS}`, member);
    expect(someoneElse.status).toBe(403);
    expect(someoneElse.body.type).toBe('urn:ai-usage:problem:forbidden');
    for (const path of [`/dashboard?group=beta`, `/dashboard/developers?group=beta`]) {
      const small = await get(path, member);
      expect(small.status).toBe(403);
      expect(small.body).toMatchObject({
        type: 'urn:ai-usage:problem:group-too-small',
        detail: expect.stringMatching(/has 2 people, fewer than the team's minimum group size of 5/),
      });
    }
    // Admins see the small group.
    expect((await get(`/dashboard?group=beta`, admin)).status).toBe(200);
  });

  it('refuses roster edits by members with 403, and writes nothing', async () => {
    const before = await roster();
    const member = await pipeline.token(TEAM, 'member', person(1).email);
    const attempts = [
      await pipeline.call('PUT', '/members', { token: member, body: { people: [] } }),
      await pipeline.call('PATCH', `/members/${ids[1]}`, {
        token: member,
        body: { groups: ['alpha', 'beta'] },
      }),
      await pipeline.call('DELETE', `/members/${ids[2]}`, { token: member }),
    ];
    expect(attempts.map((attempt) => attempt.status)).toEqual([403, 403, 403]);
    expect(await roster()).toEqual(before);
  });

  it('refuses bad roster bodies with 400 naming each field, and writes nothing', async () => {
    const before = await roster();
    const itemsBefore = (await pipeline.scanTable(integrationsTable.envVar)).filter((item) =>
      String(item.sk).startsWith('ROSTER'),
    );
    const cases: [unknown, string][] = [
      [
        { people: [...rosterBody.people, { display_name: 'Copy', emails: [person(0).email] }] },
        'people.7.emails.0',
      ],
      [{ people: [{ display_name: 'X', emails: ['not-an-email'] }] }, 'people.0.emails.0'],
      [{ people: [{ display_name: 'X', github_login: '-dash-' }] }, 'people.0.github_login'],
      [{ people: [{ display_name: 'X', nickname: 'x' }] }, 'people.0.nickname'],
      [
        { people: [{ display_name: 'X', github_login: person(2).githubLogin }, ...rosterBody.people] },
        'people.3.github_login',
      ],
    ];
    for (const [body, field] of cases) {
      const answer = await pipeline.call('PUT', '/members', { token: admin, body });
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect((answer.body.errors as { field: string }[]).map((issue) => issue.field)).toContain(field);
    }
    const patch = await pipeline.call('PATCH', `/members/${ids[3]}`, {
      token: admin,
      body: { emails: [person(4).email] },
    });
    expect(patch.status).toBe(400);
    expect(patch.body.errors).toEqual([
      { field: 'body.emails.0', message: expect.stringMatching(/already claimed by person p_/) },
    ]);
    expect(await roster()).toEqual(before);
    const itemsAfter = (await pipeline.scanTable(integrationsTable.envVar)).filter((item) =>
      String(item.sk).startsWith('ROSTER'),
    );
    expect(itemsAfter).toEqual(itemsBefore);
  });

  it('keeps a person’s usage, as their identities, when they leave the roster; a PUT of the same roster changes nothing', async () => {
    const teamTotal = await total();
    const removed = (await get(`/dashboard/developers/${ids[5]}?days=${DAYS}`, admin)).body.developer as Row;
    expect((await pipeline.call('DELETE', `/members/${ids[5]}`, { token: admin })).status).toBe(204);
    await pipeline.runtime.queue.drain();
    const list = await rows();
    expect(list.find((row) => row.id === ids[5])).toBeUndefined();
    const theirs = list.filter((row) =>
      row.identities.some((i) => i.email === person(5).email || i.login === person(5).githubLogin),
    );
    expect(theirs.every((row) => row.kind === 'identity')).toBe(true);
    expect(theirs.reduce((sum, row) => sum + row.interactions, 0)).toBe(removed.interactions);
    expect(list.reduce((sum, row) => sum + row.interactions, 0)).toBe(teamTotal);

    const again = await pipeline.call('PUT', '/members', { token: admin, body: rosterBody });
    const version = again.body.version as number;
    const same = await pipeline.call('PUT', '/members', { token: admin, body: rosterBody });
    expect(same.body.version).toBe(version);
    await pipeline.runtime.queue.drain();
    expect((await rows()).find((row) => row.id === ids[5])?.interactions).toBe(removed.interactions);
  });

  it('answers "me" for an e-mail on no roster from that e-mail’s own usage, and says so when there is none', async () => {
    const unlisted = await pipeline.token(TEAM, 'member', person(7).email);
    const mine = await get(`/dashboard/me?days=${DAYS}`, unlisted);
    expect(mine.status).toBe(200);
    expect((mine.body.developer as Row).kind).toBe('identity');
    expect((mine.body.developer as Row).identities.map((i) => i.email)).toEqual([person(7).email]);
    const stranger = await pipeline.token(TEAM, 'member', 'nobody@elsewhere.example');
    const none = await get('/dashboard/me', stranger);
    expect(none.status).toBe(404);
    expect(none.body.detail).toMatch(/matches nobody on the team's roster/);
  });

  it('matches Copilot users through the organisation’s SAML identities once GitHub exposes them', async () => {
    const before = await rows();
    const login = (index: number) => (row: Row) =>
      row.identities.some((i) => i.login === person(index).githubLogin);
    expect(before.find(login(6))?.kind).toBe('identity');
    pipeline.github.settings.saml = 'on';
    const sync = await pipeline.call('POST', '/sync', { token: admin, body: { integration_id: copilotId } });
    expect(sync.status).toBe(202);
    await pipeline.runtime.queue.drain();

    const after = await rows();
    // Person 6 gave no login, but their SAML e-mail is on the roster: their Copilot usage is theirs now.
    const six = after.find(login(6));
    expect(six?.id).toBe(ids[6]);
    expect(six?.identities.find((i) => i.provider === 'github_copilot')).toMatchObject({
      matched_by: 'saml',
    });
    // Person 7 is on no roster, but one e-mail joins their Claude Code and Copilot usage into one row.
    const seven = after.filter((row) =>
      row.identities.some((i) => i.email === person(7).email || i.login === person(7).githubLogin),
    );
    expect(seven).toHaveLength(1);
    expect(seven[0]?.identities.map((i) => i.provider).sort()).toEqual(['claude_code', 'github_copilot']);
    expect(after.reduce((sum, row) => sum + row.interactions, 0)).toBe(await total());
    const dashboard = await get(`/dashboard?days=${DAYS}`, admin);
    expect(dashboard.body.attribution).toMatchObject({ days_behind: 0, up_to_date: true });
    // Every Copilot user but person 7 (on no roster) is matched now.
    const rates = (await get(`/dashboard/developers?days=${DAYS}`, admin)).body.match_rates as {
      provider: string;
      identities: number;
      matched_identities: number;
    }[];
    const copilot = rates.find((r) => r.provider === 'github_copilot');
    expect((copilot?.identities ?? 0) - (copilot?.matched_identities ?? 0)).toBe(1);
  });
});
