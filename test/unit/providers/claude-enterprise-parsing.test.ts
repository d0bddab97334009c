import { claudeCodeDeveloper } from '../../../functions/providers/claude-code/normalizer';
import { claudeCodeRecordSchema } from '../../../functions/providers/claude-code/schemas';
import { newestPublishedDay } from '../../../functions/providers/claude-enterprise/client';
import { earliestServedDay, organisationCounts } from '../../../functions/providers/claude-enterprise';
import { daySummarySchema } from '../../../functions/providers/claude-enterprise/schemas';
import { normalizeClaudeEnterpriseDay } from '../../../functions/providers/claude-enterprise/normalizer';
import { ProviderHttpError } from '../../../functions/providers/http-client';

const DAY = '2026-03-02';
const DANA = { id: 'user_01Dana', email_address: 'Dana@Example.org' };

const userRow = (overrides: Record<string, unknown> = {}) => ({
  user: DANA,
  chat_metrics: { message_count: 3, distinct_conversation_count: 1 },
  claude_code_metrics: {
    core_metrics: {
      commit_count: 3,
      distinct_session_count: 4,
      lines_of_code: { added_count: 610, removed_count: 95 },
      pull_request_count: 1,
    },
    tool_actions: {
      edit_tool: { accepted_count: 22, rejected_count: 2 },
      multi_edit_tool: { accepted_count: 0, rejected_count: 0 },
      notebook_edit_tool: { accepted_count: 0, rejected_count: 0 },
      write_tool: { accepted_count: 5, rejected_count: 0 },
    },
  },
  last_activity_date: DAY,
  ...overrides,
});

const idleRow = (id: string, email: string, chat = 0) =>
  userRow({
    user: { id, email_address: email },
    chat_metrics: { message_count: chat },
    claude_code_metrics: {
      core_metrics: {
        commit_count: 0,
        distinct_session_count: 0,
        lines_of_code: { added_count: 0, removed_count: 0 },
        pull_request_count: 0,
      },
      tool_actions: { edit_tool: { accepted_count: 0, rejected_count: 0 } },
    },
  });

const actor = { type: 'user_actor', user_id: 'user_01Dana', email: 'dana@example.org', name: 'Dana Doe' };
const usageRow = (model: string, overrides: Record<string, unknown> = {}) => ({
  actor,
  starting_at: `${DAY}T00:00:00Z`,
  ending_at: '2026-03-03T00:00:00Z',
  model,
  uncached_input_tokens: 1000,
  cache_creation: { ephemeral_1h_input_tokens: 200, ephemeral_5m_input_tokens: 300 },
  cache_read_input_tokens: 50_000,
  output_tokens: 4000,
  total_tokens: 55_500,
  requests: 40,
  ...overrides,
});
const costRow = (model: string, amount: string, overrides: Record<string, unknown> = {}) => ({
  actor,
  starting_at: `${DAY}T00:00:00Z`,
  model,
  amount,
  list_amount: amount,
  currency: 'USD',
  ...overrides,
});

const raw = (parts: Partial<Record<'users' | 'costs' | 'usage' | 'groups' | 'group_names', unknown[]>>) => ({
  summary: null,
  users: [],
  costs: [],
  usage: [],
  groups: [],
  group_names: [],
  ...parts,
});

describe('Claude Enterprise Analytics normaliser', () => {
  it('maps a user’s Claude Code day into the vocabulary the Admin API’s rows use', () => {
    const [row, ...rest] = normalizeClaudeEnterpriseDay(raw({ users: [userRow()] }), DAY);
    expect(rest).toHaveLength(0);
    expect(row?.developer).toEqual({
      key: 'email:dana@example.org',
      kind: 'user',
      email: 'dana@example.org',
    });
    expect(row?.metrics).toMatchObject({
      sessions: 4,
      suggestions_shown: 29,
      suggestions_accepted: 27,
      interactions: 33,
      lines_added: 610,
      lines_accepted: 610,
      lines_removed: 95,
      commits: 3,
      pull_requests: 1,
      cost_cents: 0,
      requests: 0,
    });
    expect(row?.extras).toEqual({
      'tool_actions.edit_tool.accepted': 22,
      'tool_actions.edit_tool.rejected': 2,
      'tool_actions.write_tool.accepted': 5,
      'tool_actions.write_tool.rejected': 0,
      user_id: 'user_01Dana',
    });
    expect(row?.active).toBe(true);
  });

  it('gives a person the same developer key as the Claude Code Admin API does for their e-mail', () => {
    const [row] = normalizeClaudeEnterpriseDay(raw({ users: [userRow()] }), DAY);
    const adminRecord = claudeCodeRecordSchema.parse({
      date: DAY,
      actor: { type: 'user_actor', email_address: 'DANA@example.org ' },
    });
    expect(row?.developer.key).toBe(claudeCodeDeveloper(adminRecord).key);
  });

  it('stores nobody for seat users who only chatted or were listed with zeros', () => {
    const rows = normalizeClaudeEnterpriseDay(
      raw({
        users: [idleRow('user_01Chat', 'chat@example.org', 12), idleRow('user_01Idle', 'idle@example.org')],
      }),
      DAY,
    );
    expect(rows).toEqual([]);
  });

  it('adds tokens and requests by model from the usage report, and cost summed exactly, rounded once', () => {
    const [row] = normalizeClaudeEnterpriseDay(
      raw({
        users: [userRow()],
        usage: [usageRow('claude-sonnet-4-5'), usageRow('claude-haiku-4-5', { requests: 2 })],
        costs: [
          costRow('claude-sonnet-4-5', '0.333333', { list_amount: '0.400000' }),
          costRow('claude-sonnet-4-5', '0.333333', { list_amount: '0.400000' }),
          costRow('claude-haiku-4-5', '0.333334', { list_amount: '0.400000' }),
        ],
      }),
      DAY,
    );
    expect(row?.metrics).toMatchObject({
      tokens_input: 2000,
      tokens_output: 8000,
      tokens_cache_read: 100_000,
      tokens_cache_creation: 1000,
      requests: 42,
      // 0.999999 + 0.000001: one cent exactly, where rounding each amount first would give 0.
      cost_cents: 1,
      // Interactions stay sessions + tool decisions, as for the Admin API's Claude Code rows.
      interactions: 33,
    });
    expect(row?.extras).toMatchObject({ amount_cents: '1', list_amount_cents: '1.2' });
    expect(row?.breakdowns.models).toEqual({
      'claude-sonnet-4-5': {
        tokens_input: 1000,
        tokens_output: 4000,
        tokens_cache_read: 50_000,
        tokens_cache_creation: 500,
        requests: 40,
        cost_cents: 1,
      },
      'claude-haiku-4-5': {
        tokens_input: 1000,
        tokens_output: 4000,
        tokens_cache_read: 50_000,
        tokens_cache_creation: 500,
        requests: 2,
        cost_cents: 0,
      },
    });
  });

  it('keeps cost in another currency out of cost_cents, exactly, in extras', () => {
    const [row] = normalizeClaudeEnterpriseDay(
      raw({ users: [userRow()], costs: [costRow('m', '150.250000', { currency: 'EUR' })] }),
      DAY,
    );
    expect(row?.metrics.cost_cents).toBe(0);
    expect(row?.extras['amount.EUR']).toBe('150.25');
  });

  it('finds a report row’s person by user id when it carries no e-mail, and keeps a report-only user', () => {
    const rows = normalizeClaudeEnterpriseDay(
      raw({
        users: [userRow()],
        costs: [
          costRow('m', '250.000000', { actor: { type: 'user_actor', user_id: 'user_01Dana', email: null } }),
          costRow('m', '99.000000', {
            actor: { type: 'user_actor', user_id: 'user_01Gone', email: null, deleted: true },
          }),
        ],
      }),
      DAY,
    );
    expect(rows.map((row) => [row.developer.key, row.metrics.cost_cents])).toEqual([
      ['claude_user:user_01Gone', 99],
      ['email:dana@example.org', 250],
    ]);
  });

  it('names the developer’s RBAC groups of the day as teams (a deleted group by its id)', () => {
    const [row] = normalizeClaudeEnterpriseDay(
      raw({
        users: [userRow()],
        groups: [
          usageRow('x', { model: null, rbac_group_id: 'rbac_group_01Eng' }),
          usageRow('x', { model: null, rbac_group_id: 'rbac_group_01Gone' }),
          usageRow('x', { model: null, rbac_group_id: null }),
        ],
        group_names: [
          { rbac_group_id: 'rbac_group_01Eng', rbac_group_name: 'engineering' },
          { rbac_group_id: 'rbac_group_01Gone', rbac_group_name: null },
        ],
      }),
      DAY,
    );
    expect(row?.teams).toEqual(['engineering', 'rbac_group_01Gone']);
    expect(row?.extras.rbac_group_ids).toBe('rbac_group_01Eng,rbac_group_01Gone');
    // Group rows repeat the usage: they say who held which group, and add nothing to the figures.
    expect(row?.metrics.tokens_input).toBe(0);
  });

  it('refuses rows of another day and malformed rows, naming them', () => {
    expect(() =>
      normalizeClaudeEnterpriseDay(
        raw({ usage: [usageRow('m', { starting_at: '2026-03-03T00:00:00Z' })] }),
        DAY,
      ),
    ).toThrow(/usage row 1 is not of 2026-03-02/);
    expect(() =>
      normalizeClaudeEnterpriseDay(raw({ users: [userRow({ user: { id: 'user_01X' } })] }), DAY),
    ).toThrow(/user row 1 of 2026-03-02 is malformed/);
    expect(() => normalizeClaudeEnterpriseDay(raw({ costs: [costRow('m', '1e3')] }), DAY)).toThrow(
      /cost row 1 is not a decimal amount of cents/,
    );
  });
});

describe('Claude Enterprise Analytics days', () => {
  it('reads the newest published day from the 400 a too-recent day gets', () => {
    const refusal = new ProviderHttpError(
      'invalid_request_error: date: data for 2026-03-04 is not available yet; the most recent available day is 2026-03-02',
      'client',
      400,
      1,
    );
    expect(newestPublishedDay(refusal, '2026-03-04')).toBe('2026-03-02');
    expect(
      newestPublishedDay(
        new ProviderHttpError('invalid_request_error: limit: too large', 'client', 400, 1),
        '2026-03-04',
      ),
    ).toBeUndefined();
    expect(
      newestPublishedDay(new ProviderHttpError('2026-03-01', 'auth', 401, 1), '2026-03-04'),
    ).toBeUndefined();
  });

  it('serves nothing before 2026-01-01 and nothing over a year back', () => {
    expect(earliestServedDay(new Date('2026-03-02T12:00:00Z'))).toBe('2026-01-01');
    expect(earliestServedDay(new Date('2027-06-30T12:00:00Z'))).toBe('2026-07-01');
  });
});

describe('Claude Enterprise Analytics organisation counts', () => {
  const summary = (fields: Record<string, unknown>) =>
    daySummarySchema.parse({ starting_at: `${DAY}T00:00:00Z`, ending_at: '2026-03-03T00:00:00Z', ...fields });

  it('keeps a summary’s seats, invitations and active people, all products and Claude Code apart', () => {
    expect(
      organisationCounts(
        summary({
          assigned_seat_count: 40,
          pending_invite_count: 3,
          daily_active_user_count: 12,
          weekly_active_user_count: 25,
          monthly_active_user_count: 31,
          daily_adoption_rate: 30,
          claude_code_daily_active_user_count: 7,
          claude_code_weekly_active_user_count: 14,
          claude_code_monthly_active_user_count: 18,
          chat_daily_active_user_count: 9,
        }),
      ),
    ).toEqual({
      as_of: DAY,
      assigned_seats: 40,
      pending_invites: 3,
      active_users: { daily: 12, weekly: 25, monthly: 31 },
      tool_active_users: { daily: 7, weekly: 14, monthly: 18 },
    });
  });

  it('leaves out what the summary does not report: no per-product breakdown, null seat fields', () => {
    expect(
      organisationCounts(
        summary({
          assigned_seat_count: null,
          pending_invite_count: null,
          daily_active_user_count: 2,
          weekly_active_user_count: 4,
          monthly_active_user_count: 5,
        }),
      ),
    ).toEqual({ as_of: DAY, active_users: { daily: 2, weekly: 4, monthly: 5 } });
    expect(organisationCounts(summary({ assigned_seat_count: -1 }))).toEqual({ as_of: DAY });
  });
});
