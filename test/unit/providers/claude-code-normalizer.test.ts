import { normalizeClaudeCodeDay } from '../../../functions/providers/claude-code/normalizer';

const record = (overrides: Record<string, unknown> = {}) => ({
  date: '2026-03-02T00:00:00Z',
  actor: { type: 'user_actor', email_address: 'Dana@Example.org' },
  organization_id: 'org-1',
  customer_type: 'api',
  subscription_type: null,
  terminal_type: 'vscode',
  core_metrics: {
    num_sessions: 4,
    lines_of_code: { added: 610, removed: 95 },
    commits_by_claude_code: 3,
    pull_requests_by_claude_code: 1,
  },
  tool_actions: { edit_tool: { accepted: 22, rejected: 2 }, write_tool: { accepted: 5, rejected: 0 } },
  model_breakdown: [
    {
      model: 'claude-sonnet-4-5-20250929',
      tokens: { input: 51200, output: 9800, cache_read: 120400, cache_creation: 8300 },
      estimated_cost: { amount: 412, currency: 'USD' },
    },
  ],
  ...overrides,
});

describe('Claude Code normaliser', () => {
  it('maps the documented example into the vocabulary', () => {
    const [row, ...rest] = normalizeClaudeCodeDay({ records: [record()] }, '2026-03-02');
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
      lines_removed: 95,
      lines_accepted: 610,
      commits: 3,
      pull_requests: 1,
      tokens_input: 51200,
      tokens_output: 9800,
      tokens_cache_read: 120400,
      tokens_cache_creation: 8300,
      cost_cents: 412,
      chat_turns: 0,
    });
    expect(row?.breakdowns.models['claude-sonnet-4-5-20250929']).toMatchObject({
      cost_cents: 412,
      tokens_input: 51200,
    });
    expect(row?.breakdowns.editors.vscode).toEqual({ sessions: 4, interactions: 33 });
    expect(row?.extras['tool_actions.edit_tool.rejected']).toBe(2);
  });

  it('merges several records of one actor on one day into one row', () => {
    const rows = normalizeClaudeCodeDay(
      {
        records: [
          record(),
          record({
            terminal_type: 'tmux',
            actor: { type: 'user_actor', email_address: 'dana@example.org' },
            tool_actions: { edit_tool: { accepted: 1, rejected: 1 } },
          }),
        ],
      },
      '2026-03-02',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.metrics.sessions).toBe(8);
    expect(rows[0]?.metrics.suggestions_shown).toBe(31);
    expect(rows[0]?.metrics.cost_cents).toBe(824);
    expect(Object.keys(rows[0]?.breakdowns.editors ?? {}).sort()).toEqual(['tmux', 'vscode']);
    expect(rows[0]?.extras['tool_actions.edit_tool.accepted']).toBe(23);
  });

  it('keys API-key actors apart from people and tolerates missing optional parts', () => {
    const rows = normalizeClaudeCodeDay(
      {
        records: [
          {
            date: '2026-03-02',
            actor: { type: 'api_actor', api_key_name: 'ci-bot' },
            core_metrics: { num_sessions: 2, lines_of_code: { added: 5, removed: 0 } },
          },
        ],
      },
      '2026-03-02',
    );
    expect(rows[0]?.developer).toEqual({ key: 'api_key:ci-bot', kind: 'service', display_name: 'ci-bot' });
    expect(rows[0]?.metrics).toMatchObject({
      sessions: 2,
      suggestions_shown: 0,
      interactions: 2,
      cost_cents: 0,
    });
  });

  it('returns no rows for an empty day', () => {
    expect(normalizeClaudeCodeDay({ records: [] }, '2026-03-02')).toEqual([]);
  });

  it('refuses a record of another day or a malformed record, naming which', () => {
    expect(() => normalizeClaudeCodeDay({ records: [record()] }, '2026-03-03')).toThrow(
      /record 1 is for 2026-03-02/,
    );
    expect(() =>
      normalizeClaudeCodeDay({ records: [record(), { date: '2026-03-02' }] }, '2026-03-02'),
    ).toThrow(/record 2 of 2026-03-02 is malformed/);
  });

  it('keeps non-USD costs as extras rather than adding them to cents', () => {
    const rows = normalizeClaudeCodeDay(
      {
        records: [
          record({
            model_breakdown: [
              {
                model: 'm',
                tokens: { input: 1, output: 1, cache_read: 0, cache_creation: 0 },
                estimated_cost: { amount: 9, currency: 'EUR' },
              },
            ],
          }),
        ],
      },
      '2026-03-02',
    );
    expect(rows[0]?.metrics.cost_cents).toBe(0);
    expect(rows[0]?.extras['estimated_cost.EUR']).toBe(9);
  });
});
