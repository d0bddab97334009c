import { ProviderResponseError } from '../../../functions/domain/errors';
import { parseReportFile } from '../../../functions/providers/github-copilot/ndjson';
import { normalizeCopilotDay } from '../../../functions/providers/github-copilot/normalizer';
import { copilotUserRecordSchema } from '../../../functions/providers/github-copilot/schemas';

/** The example line of provider-apis.md 2.3 ("Per-user record"), unwrapped onto one line. */
const DOCUMENTED_LINE =
  '{"day":"2026-05-06","user_id":58213,"user_login":"octo-dana","organization_id":"901","enterprise_id":"77",' +
  '"user_initiated_interaction_count":31,"code_generation_activity_count":44,"code_acceptance_activity_count":12,' +
  '"loc_suggested_to_add_sum":180,"loc_suggested_to_delete_sum":0,"loc_added_sum":96,"loc_deleted_sum":14,' +
  '"used_agent":true,"used_chat":true,"used_cli":false,"ai_credits_used":37.5,' +
  '"totals_by_ide":[{"ide":"vscode","user_initiated_interaction_count":31,"code_generation_activity_count":44,' +
  '"code_acceptance_activity_count":12,"loc_suggested_to_add_sum":180,"loc_suggested_to_delete_sum":0,' +
  '"loc_added_sum":96,"loc_deleted_sum":14,' +
  '"last_known_ide_version":{"ide_version":"1.109.0","sampled_at":"2026-05-06T15:02:11.000Z"}}],' +
  '"totals_by_feature":[{"feature":"code_completion","user_initiated_interaction_count":0,' +
  '"code_generation_activity_count":30,"code_acceptance_activity_count":9,"loc_suggested_to_add_sum":120,' +
  '"loc_suggested_to_delete_sum":0,"loc_added_sum":40,"loc_deleted_sum":0}],' +
  '"totals_by_language_feature":[],"totals_by_language_model":[],"totals_by_model_feature":[]}';

const line = (overrides: Record<string, unknown>) =>
  JSON.stringify({ ...(JSON.parse(DOCUMENTED_LINE) as object), ...overrides });

describe('Copilot report files (NDJSON)', () => {
  it('reads the documented record, unchanged', () => {
    const records = parseReportFile(`${DOCUMENTED_LINE}\n`, 'users-1-day', copilotUserRecordSchema);
    expect(records).toEqual([JSON.parse(DOCUMENTED_LINE)]);
  });

  it('reads several lines, skipping blank lines, with or without CRLF and a final newline', () => {
    const text = `${line({ user_id: 1 })}\r\n\r\n${line({ user_id: 2 })}\r\n${line({ user_id: 3 })}`;
    const records = parseReportFile(text, 'users-1-day', copilotUserRecordSchema) as { user_id: number }[];
    expect(records.map((record) => record.user_id)).toEqual([1, 2, 3]);
  });

  it('accepts the JSON array form GitHub prints on its example page', () => {
    const records = parseReportFile(
      `[${line({ user_id: 1 })},${line({ user_id: 2 })}]`,
      'x',
      copilotUserRecordSchema,
    );
    expect(records).toHaveLength(2);
  });

  it('an empty file is an empty report', () => {
    expect(parseReportFile('', 'x', copilotUserRecordSchema)).toEqual([]);
  });

  const failure = (text: string, label = 'users-1-day') => {
    try {
      parseReportFile(text, label, copilotUserRecordSchema);
    } catch (error) {
      expect(error).toBeInstanceOf(ProviderResponseError);
      return error as ProviderResponseError;
    }
    throw new Error('expected a ProviderResponseError');
  };

  it('a line that is not JSON stops the read with its line number (nothing silently skipped)', () => {
    const text = `${line({ user_id: 1 })}\n\n{"day": oops}\n${line({ user_id: 2 })}\n`;
    const error = failure(text, 'users-1-day 2026-05-06 file 1 of 1');
    expect(error.problem).toBe('not_json');
    expect(error.issues).toEqual([
      { where: 'users-1-day 2026-05-06 file 1 of 1 line 3', rule: 'not valid JSON' },
    ]);
  });

  it('a last line cut short is a damaged download too (worth downloading again)', () => {
    const text = `${line({ user_id: 1 })}\n${line({ user_id: 2 }).slice(0, 60)}`;
    const error = failure(text);
    expect(error.problem).toBe('not_json');
    expect(error.issues).toEqual([
      { where: 'users-1-day line 2', rule: 'the file ends in the middle of a record (truncated download)' },
    ]);
  });

  it('a record that breaks the documented shape names its line and field, never the value', () => {
    const text = `${line({ user_id: 1 })}\n${line({ user_login: 42 })}\n`;
    const error = failure(text);
    expect(error.problem).toBe('unexpected_shape');
    expect(error.issues).toEqual([
      { where: 'users-1-day line 2, at user_login', rule: 'expected string, received number' },
    ]);
    expect(failure('[1]').issues).toEqual([
      { where: 'users-1-day record 1', rule: 'expected a JSON object' },
    ]);
    // A login in a field of the wrong type is the provider's data: no issue repeats it.
    const secret = failure(`${line({ day: { login: 'octo-secret-login' } })}\n`);
    expect(JSON.stringify(secret)).not.toContain('octo-secret-login');
  });
});

describe('Copilot normaliser', () => {
  it('maps the documented record into the vocabulary', () => {
    const [row, ...rest] = normalizeCopilotDay({ users: [JSON.parse(DOCUMENTED_LINE)] }, '2026-05-06');
    expect(rest).toHaveLength(0);
    expect(row?.developer).toEqual({ key: 'github:58213', kind: 'user', login: 'octo-dana' });
    expect(row?.active).toBe(true);
    const figures = {
      interactions: 75, // 31 prompts + 44 generated outputs
      requests: 31,
      chat_turns: 31,
      suggestions_shown: 44,
      suggestions_accepted: 12,
      lines_suggested: 180,
      lines_added: 96,
      lines_accepted: 96,
      lines_removed: 14,
    };
    expect(row?.metrics).toEqual({
      ...figures,
      sessions: 0,
      commits: 0,
      pull_requests: 0,
      tokens_input: 0,
      tokens_output: 0,
      tokens_cache_read: 0,
      tokens_cache_creation: 0,
      cost_cents: 0,
      // Copilot reports no active time: 0, as every figure it does not report.
      active_seconds: 0,
    });
    // The one editor carries the same figures (a breakdown has only what the provider reports for it).
    expect(row?.breakdowns.editors).toEqual({ vscode: figures });
    expect(row?.extras).toMatchObject({
      ai_credits_used: 37.5,
      used_agent: true,
      used_chat: true,
      used_cli: false,
      'feature.code_completion.suggestions_shown': 30,
      'feature.code_completion.suggestions_accepted': 9,
    });
    expect(row?.teams).toBeUndefined();
  });

  it('languages come from language × feature, models from model × feature; CLI adds sessions and tokens', () => {
    const counters = (generated: number, accepted: number) => ({
      user_initiated_interaction_count: 0,
      code_generation_activity_count: generated,
      code_acceptance_activity_count: accepted,
      loc_suggested_to_add_sum: generated,
      loc_suggested_to_delete_sum: 0,
      loc_added_sum: accepted,
      loc_deleted_sum: 0,
    });
    const [row] = normalizeCopilotDay(
      {
        users: [
          JSON.parse(
            line({
              totals_by_language_feature: [
                { language: 'go', feature: 'code_completion', ...counters(10, 4) },
                { language: 'go', feature: 'chat_panel_agent_mode', ...counters(5, 1) },
                { language: 'rust', feature: 'code_completion', ...counters(3, 1) },
              ],
              // Chat-only breakdown: would count chat twice if summed into languages.
              totals_by_language_model: [{ language: 'go', model: 'gpt-5', ...counters(5, 1) }],
              totals_by_model_feature: [
                { model: 'gpt-5', feature: 'chat_panel_agent_mode', ...counters(5, 1) },
              ],
              totals_by_cli: {
                session_count: 2,
                request_count: 9,
                prompt_count: 4,
                token_usage: {
                  prompt_tokens_sum: 9000,
                  output_tokens_sum: 1200,
                  avg_tokens_per_request: 1133,
                },
              },
            }),
          ),
        ],
      },
      '2026-05-06',
    );
    expect(row?.breakdowns.languages.go).toMatchObject({ suggestions_shown: 15, suggestions_accepted: 5 });
    expect(row?.breakdowns.languages.rust).toMatchObject({ suggestions_shown: 3, suggestions_accepted: 1 });
    expect(row?.breakdowns.models).toEqual({ 'gpt-5': expect.objectContaining({ suggestions_shown: 5 }) });
    expect(row?.metrics).toMatchObject({ sessions: 2, tokens_input: 9000, tokens_output: 1200 });
    expect(row?.extras).toMatchObject({ 'cli.request_count': 9, 'cli.prompt_count': 4 });
  });

  it('a user seen only by server-side signals is active with zero figures and empty breakdowns', () => {
    const [row] = normalizeCopilotDay(
      {
        users: [
          {
            day: '2026-05-06',
            user_id: 7,
            user_login: 'quiet',
            totals_by_ide: [],
            totals_by_feature: [],
            totals_by_language_feature: [],
            totals_by_model_feature: [],
          },
        ],
      },
      '2026-05-06',
    );
    expect(row?.active).toBe(true);
    expect(row?.metrics.interactions).toBe(0);
    expect(row?.breakdowns).toEqual({ editors: {}, languages: {}, models: {} });
    expect(row?.extras).toEqual({});
  });

  it('joins team membership from user-teams rows and merges a user split over two files', () => {
    const rows = normalizeCopilotDay(
      {
        users: [
          JSON.parse(DOCUMENTED_LINE),
          JSON.parse(DOCUMENTED_LINE),
          line({ user_id: 9, user_login: 'b' }),
        ].map((value) => (typeof value === 'string' ? JSON.parse(value) : value)),
        user_teams: [
          {
            user_id: 58213,
            user_login: 'octo-dana',
            day: '2026-05-06',
            organization_id: '901',
            team_id: 42,
            slug: 'platform',
          },
          {
            user_id: 58213,
            user_login: 'octo-dana',
            day: '2026-05-06',
            organization_id: '901',
            team_id: 43,
            slug: 'api',
          },
          {
            user_id: 58213,
            user_login: 'octo-dana',
            day: '2026-05-05',
            organization_id: '901',
            team_id: 44,
            slug: 'other-day',
          },
        ],
      },
      '2026-05-06',
    );
    expect(rows.map((row) => row.developer.key)).toEqual(['github:58213', 'github:9']);
    expect(rows[0]?.teams).toEqual(['api', 'platform']);
    expect(rows[0]?.metrics.interactions).toBe(150);
    expect(rows[0]?.extras.ai_credits_used).toBe(75);
    expect(rows[0]?.extras.used_agent).toBe(true);
    expect(rows[1]?.teams).toBeUndefined();
  });

  it('older rows without ai_credits_used keep no credits figure', () => {
    const record = JSON.parse(DOCUMENTED_LINE) as Record<string, unknown>;
    delete record.ai_credits_used;
    const [row] = normalizeCopilotDay({ users: [record] }, '2026-05-06');
    expect(row?.extras).not.toHaveProperty('ai_credits_used');
  });

  it('refuses a record of another day or a malformed one, naming it', () => {
    expect(() => normalizeCopilotDay({ users: [JSON.parse(DOCUMENTED_LINE)] }, '2026-05-07')).toThrow(
      /record 1 is for 2026-05-06, expected 2026-05-07/,
    );
    expect(() => normalizeCopilotDay({ users: [{ day: '2026-05-06' }] }, '2026-05-06')).toThrow(
      /users-1-day record 1 of 2026-05-06 is malformed: user_id/,
    );
  });
});
