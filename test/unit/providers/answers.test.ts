import fc from 'fast-check';
import { z } from 'zod';
import {
  ProviderResponseError,
  REASON_CHARS,
  unreadableAnswerReason,
} from '../../../functions/domain/errors';
import { answerPath, readAnswer } from '../../../functions/providers/answers';
import { claudeCodeRecordSchema } from '../../../functions/providers/claude-code/schemas';
import { cursorUsageRowSchema } from '../../../functions/providers/cursor/schemas';
import { userActivitySchema } from '../../../functions/providers/claude-enterprise/schemas';

const NEXT = 'the day is tried again on the next daily run';

/** The ProviderResponseError `read` throws. */
function failure(read: () => unknown): ProviderResponseError {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderResponseError);
    return error as ProviderResponseError;
  }
  throw new Error('expected a ProviderResponseError');
}

const record = (overrides: Record<string, unknown>) => ({
  date: '2026-06-15',
  actor: { type: 'user_actor', email_address: 'ana.silva@example.com' },
  ...overrides,
});

describe('reading a provider answer with its schema', () => {
  it('answers the schema’s output when the value matches', () => {
    expect(readAnswer(cursorUsageRowSchema, { day: '2026-06-15' })).toMatchObject({
      day: '2026-06-15',
      totalTabsShown: 0,
    });
  });

  it('names where the answer differs and zod’s rule, placed in the whole answer', () => {
    const error = failure(() =>
      readAnswer(claudeCodeRecordSchema, record({ date: 20260615 }), { prefix: ['data', 3] }),
    );
    expect(error).toMatchObject({
      problem: 'unexpected_shape',
      issues: [{ where: 'at data[3].date', rule: 'expected string, received number' }],
      more: 0,
    });
    expect(unreadableAnswerReason('Claude Code', error, NEXT)).toBe(
      'The Claude Code API answered a body this version does not read ' +
        '(at data[3].date: expected string, received number); the day is tried again on the next daily run.',
    );
  });

  it('shows the first three places and counts the rest', () => {
    const error = failure(() => readAnswer(z.array(z.string()), [1, 2, 3, 4, 5]));
    expect(error.issues.map((issue) => issue.where)).toEqual(['at [0]', 'at [1]', 'at [2]']);
    expect(error.more).toBe(2);
    expect(unreadableAnswerReason('Cursor', error, NEXT)).toContain('; and 2 more); the day is tried');
  });

  it('writes a record’s key (the provider’s data) as […], and the fields the schema declares by name', () => {
    const actions = { 'ana.silva@example.com': { accepted: 'many' } };
    const error = failure(() => readAnswer(claudeCodeRecordSchema, record({ tool_actions: actions })));
    expect(error.issues).toEqual([
      { where: 'at tool_actions[…].accepted', rule: 'expected number, received string' },
    ]);
    expect(answerPath(userActivitySchema, ['claude_code_metrics', 'core_metrics', 'lines_of_code'])).toBe(
      'claude_code_metrics.core_metrics.lines_of_code',
    );
    expect(
      answerPath(userActivitySchema, ['claude_code_metrics', 'tool_actions', 'x', 'accepted_count']),
    ).toBe('claude_code_metrics.tool_actions[…].accepted_count');
  });

  it('does not repeat the names of fields it does not know', () => {
    const strict = z.object({ id: z.string() }).strict();
    const error = failure(() => readAnswer(strict, { id: 'a', 'sk-ant-admin01-secret': 1, other: 2 }));
    expect(error.issues).toEqual([{ where: '', rule: '2 fields this version does not know' }]);
  });

  it('keeps a reason within REASON_CHARS, ending with what happens next', () => {
    const long = new ProviderResponseError('unexpected_shape', [
      { where: `at ${'a'.repeat(200)}`, rule: 'x'.repeat(100) },
      { where: `at ${'b'.repeat(200)}`, rule: 'y'.repeat(100) },
    ]);
    const reason = unreadableAnswerReason('GitHub Copilot', long, NEXT);
    expect(reason.length).toBeLessThanOrEqual(REASON_CHARS);
    expect(reason).toMatch(/^The GitHub Copilot API answered a body this version does not read \(at a+/);
    expect(reason).toMatch(/…\); the day is tried again on the next daily run\.$/);
  });

  it('words a body that is not JSON, and how many reads in a row were so', () => {
    const error = new ProviderResponseError('not_json');
    error.reads = 3;
    expect(unreadableAnswerReason('Cursor', error, 'the queue tries the day again')).toBe(
      'The Cursor API answered a body that is not JSON 3 times in a row (cut short or damaged on the way); ' +
        'the queue tries the day again.',
    );
  });

  it('never repeats a value of the answer, whatever it holds (generated answers)', () => {
    // Values a provider might send, in places the schema does not expect them: each is a marker that must not
    // reach the reason. Keys of open maps are values too.
    const marker = fc.stringMatching(/^[A-Za-z0-9@._-]{6,24}$/).map((text) => `V${text}`);
    const misplaced = fc.oneof(
      marker,
      marker.map((text) => ({ nested: text })),
      marker.map((text) => [text]),
      fc.integer().map((n) => -Math.abs(n) - 1),
    );
    fc.assert(
      fc.property(marker, misplaced, misplaced, marker, (key, date, actor, unknownKey) => {
        const answer = {
          data: [
            record({}),
            {
              date,
              actor,
              tool_actions: { [key]: { accepted: unknownKey } },
              model_breakdown: [{ model: 7, tokens: { input: unknownKey } }],
            },
          ],
        };
        const page = z.object({ data: z.array(claudeCodeRecordSchema) });
        const error = failure(() => readAnswer(page, answer));
        const reason = unreadableAnswerReason('Claude Code', error, NEXT);
        const values = [
          key,
          unknownKey,
          ...[date, actor].flatMap((v) => JSON.stringify(v).match(/V[\w@.-]+/g) ?? []),
        ];
        for (const value of values) {
          expect(reason).not.toContain(value);
          expect(JSON.stringify(error)).not.toContain(value);
        }
        expect(reason.length).toBeLessThanOrEqual(REASON_CHARS);
      }),
      { numRuns: 300 },
    );
  });
});
