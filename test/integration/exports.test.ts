import { parse } from 'csv-parse/sync';
import { DEMO_ANTHROPIC_ADMIN_KEY } from '../../local/fakes/claude-code';
import { DEMO_GITHUB_TOKEN } from '../../local/fakes/github-copilot';
import { demoPerson } from '../../local/fakes/shared/people';
import type { DashboardResponse, DevelopersResponse, SeatsResponse } from '../../functions/schemas/responses';
import { startPipeline, type TestPipeline } from '../helpers/pipeline';

/**
 * The series by week and the CSV exports on real parts (DynamoDB Local, the fake Anthropic and GitHub APIs over
 * HTTP, the local gateway): every CSV says what its JSON says, row for row, and weeks add up to the days.
 */
const NOW = '2026-06-15T12:00:00Z';
const TEAM = 'team-exports';
const DAYS = 30;

describe('series by week and CSV exports', () => {
  let pipeline: TestPipeline;
  let admin: string;
  let member: string;
  const get = async (path: string, token = admin) => {
    const response = await pipeline.call('GET', path, { token });
    expect(response.status).toBe(200);
    return response;
  };
  const json = async <T>(path: string, token = admin) => (await get(path, token)).body as unknown as T;
  const csv = async (path: string, token = admin) => {
    const response = await get(path, token);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    return parse(response.text, { columns: true }) as Record<string, string>[];
  };
  const cell = (value: number | null | undefined) =>
    value === null || value === undefined ? '' : String(value);

  beforeAll(async () => {
    pipeline = await startPipeline({
      now: NOW,
      fake: { developers: 6, apiKeyActors: 1, historyDays: 40, seed: 'exports' },
      github: { developers: 8, historyDays: 40, seed: 'exports' },
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
      expect((await pipeline.call('POST', '/connect', { token: admin, body })).status).toBe(201);
    }
    await pipeline.runtime.queue.drain();
    const people = Array.from({ length: 4 }, (_, index) => ({
      display_name: demoPerson(index).name,
      emails: [demoPerson(index).email],
      github_login: demoPerson(index).githubLogin,
    }));
    expect((await pipeline.call('PUT', '/members', { token: admin, body: { people } })).status).toBe(200);
    await pipeline.runtime.queue.drain();
    member = await pipeline.token(TEAM, 'member', demoPerson(0).email);
  }, 120_000);
  afterAll(async () => pipeline?.close());

  it('weeks add up to the days, with per-tool acceptance and no blended rate', async () => {
    const byDay = await json<DashboardResponse>(`/dashboard?days=${DAYS}`);
    const byWeek = await json<DashboardResponse>(`/dashboard?days=${DAYS}&grain=week`);
    expect(byDay.series.points).toHaveLength(DAYS);
    expect(byDay.series.points.map((point) => [point.start_date, point.count, point.state])).toEqual(
      byDay.heatmap_data.map((entry) => [entry.date, entry.count, entry.state]),
    );
    expect(byWeek.series.grain).toBe('week');
    expect(byWeek.series.points.reduce((sum, point) => sum + point.days, 0)).toBe(DAYS);
    const sum = (points: DashboardResponse['series']['points']) =>
      points.reduce((total, point) => total + point.count, 0);
    expect(sum(byWeek.series.points)).toBe(sum(byDay.series.points));
    expect(sum(byDay.series.points)).toBe(byDay.total_interactions);
    for (const tool of byDay.tools) {
      const perTool = (points: DashboardResponse['series']['points']) =>
        points.reduce(
          (total, point) =>
            total + (point.tools.find((entry) => entry.provider === tool.provider)?.interactions ?? 0),
          0,
        );
      expect(perTool(byWeek.series.points)).toBe(tool.interactions);
      expect(perTool(byDay.series.points)).toBe(tool.interactions);
    }
    const copilot = byWeek.series.points.flatMap((point) =>
      point.tools.filter((tool) => tool.provider === 'github_copilot'),
    );
    expect(copilot.some((tool) => tool.acceptance_rate !== null)).toBe(true);
  });

  it('the dashboard CSV is its series: a row for all tools and one per tool, per point', async () => {
    for (const grain of ['day', 'week']) {
      const dashboard = await json<DashboardResponse>(`/dashboard?days=${DAYS}&grain=${grain}`);
      const rows = await csv(`/dashboard?days=${DAYS}&grain=${grain}&format=csv`);
      const expected = dashboard.series.points.flatMap((point) => [
        {
          start_date: point.start_date,
          end_date: point.end_date,
          days: String(point.days),
          state: point.state,
          tool: 'all',
          tool_name: 'All tools',
          interactions: String(point.count),
          active_developers: String(point.active_developers),
          suggestions_shown: '',
          suggestions_accepted: '',
          acceptance_rate: '',
        },
        ...point.tools.map((tool) => ({
          start_date: point.start_date,
          end_date: point.end_date,
          days: String(point.days),
          state: tool.state,
          tool: tool.provider,
          tool_name: dashboard.tools.find((entry) => entry.provider === tool.provider)?.name,
          interactions: String(tool.interactions),
          active_developers: String(tool.active_developers),
          suggestions_shown: String(tool.suggestions_shown),
          suggestions_accepted: String(tool.suggestions_accepted),
          acceptance_rate: cell(tool.acceptance_rate),
        })),
      ]);
      expect(rows).toEqual(expected);
    }
  });

  it('the developers CSV is every row in the order asked, whatever the page size', async () => {
    const all = await json<DevelopersResponse>(
      `/dashboard/developers?days=${DAYS}&sort=name&order=asc&limit=500`,
    );
    const rows = await csv(`/dashboard/developers?days=${DAYS}&sort=name&order=asc&limit=1&format=csv`);
    expect(rows).toHaveLength(all.total);
    expect(rows.map((row) => [row.id, row.display_name, row.interactions, row.active_days])).toEqual(
      all.developers.map((row) => [
        row.id,
        row.display_name,
        String(row.interactions),
        String(row.active_days),
      ]),
    );
    const person = all.developers.find((row) => row.kind === 'person' && row.tools.length === 2);
    // Each tool with its own acceptance; no rate across them (the column stays, empty).
    expect(person?.tools.some((tool) => tool.acceptance_rate !== null)).toBe(true);
    expect(rows.find((row) => row.id === person?.id)?.tools).toBe(
      person?.tools
        .map(
          (tool) =>
            `${tool.name}: ${tool.metrics.interactions}${tool.acceptance_rate === null ? '' : ` (acceptance ${tool.acceptance_rate})`}`,
        )
        .join('; '),
    );
    expect(rows.every((row) => row.acceptance_rate === '')).toBe(true);
    // A member's download is their own row, as their JSON is.
    const own = await csv(`/dashboard/developers?days=${DAYS}&format=csv`, member);
    expect(own.map((row) => row.display_name)).toEqual([demoPerson(0).name]);
  });

  it('seats: per tool idle 14 / 30 / 60 days, every seat with its idle days, the CSV row for row', async () => {
    const seats = await json<SeatsResponse>(`/dashboard/seats?days=${DAYS}`);
    const dashboard = await json<DashboardResponse>(`/dashboard?days=${DAYS}`);
    const copilot = seats.tools.find((tool) => tool.provider === 'github_copilot');
    expect(copilot?.name).toBe('GitHub Copilot');
    expect(copilot?.assigned).toBe(
      dashboard.tools.find((tool) => tool.provider === 'github_copilot')?.seats?.assigned,
    );
    expect(copilot?.assigned).toBe(seats.seats.filter((seat) => seat.provider === 'github_copilot').length);
    for (const span of [14, 30, 60] as const) {
      expect(copilot?.[`idle_${span}`]).toBe(
        seats.seats.filter(
          (seat) => seat.provider === 'github_copilot' && (seat.idle_days === null || seat.idle_days >= span),
        ).length,
      );
    }
    const rows = await csv(`/dashboard/seats?days=${DAYS}&format=csv`);
    expect(rows.map((row) => [row.tool, row.developer_id, row.display_name, row.idle_days])).toEqual(
      seats.seats.map((seat) => [seat.provider, seat.developer_id, seat.display_name, cell(seat.idle_days)]),
    );
    // A member sees their own seats only.
    const own = await json<SeatsResponse>(`/dashboard/seats?days=${DAYS}`, member);
    expect(own.visibility).toBe('own_row');
    expect(new Set(own.seats.map((seat) => seat.display_name))).toEqual(new Set([demoPerson(0).name]));
  });
});
