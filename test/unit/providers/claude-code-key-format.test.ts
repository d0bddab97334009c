import { checkAnthropicAdminKeyFormat } from '../../../functions/providers/claude-code/key-format';

const valid = `sk-ant-admin01-${'a1B2_c3-'.repeat(10)}AA`;

describe('Anthropic Admin key format', () => {
  it('accepts an Admin key', () => {
    expect(checkAnthropicAdminKeyFormat(valid)).toBeNull();
  });

  it.each([
    ['an inference key', `sk-ant-api03-${'x'.repeat(80)}`, /Admin API key/],
    ['a random string', 'hello', /does not look like an Anthropic Admin API key/],
    ['a truncated admin key', 'sk-ant-admin01-abc', /does not look like/],
    ['surrounding whitespace', ` ${valid}\n`, /spaces or line breaks/],
  ])('refuses %s with a message saying what to do', (_label, key, message) => {
    const problem = checkAnthropicAdminKeyFormat(key);
    expect(problem).toMatch(message);
    expect(problem).not.toContain(key.trim());
  });
});
