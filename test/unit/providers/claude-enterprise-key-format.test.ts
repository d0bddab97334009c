import { checkClaudeEnterpriseKeyFormat } from '../../../functions/providers/claude-enterprise/key-format';

const valid = 'sk-ant-api01-' + 'a1B2_c3-'.repeat(10) + 'AA';

describe('Claude Enterprise Analytics key format', () => {
  it('accepts a claude.ai API key (sk-ant-api01-…)', () => {
    expect(checkClaudeEnterpriseKeyFormat(valid)).toBeNull();
  });

  it('lets a newer key version through: the live call decides', () => {
    expect(checkClaudeEnterpriseKeyFormat(valid.replace('api01', 'api02'))).toBeNull();
  });

  it.each([
    [
      'an Admin key of Claude Console',
      'sk-ant-admin01-' + 'x'.repeat(80),
      /Admin API key.*does not work.*Claude Code/,
    ],
    ['a Cursor key', 'crsr_' + 'y'.repeat(64), /not an Anthropic key/],
    ['a GitHub token', 'ghp_' + 'z'.repeat(36), /not an Anthropic key/],
    ['a random string', 'hello', /start with "sk-ant-api01-"/],
    ['a truncated key', 'sk-ant-api01-abc', /start with "sk-ant-api01-"/],
    ['surrounding whitespace', ` ${valid}\n`, /spaces or line breaks/],
  ])('refuses %s with a message saying what to do', (_label, key, message) => {
    const problem = checkClaudeEnterpriseKeyFormat(key);
    expect(problem).toMatch(message);
    expect(problem).toMatch(/read:analytics|spaces/);
    expect(problem).not.toContain(key.trim());
  });
});
