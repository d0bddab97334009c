import { checkGitHubTokenFormat } from '../../../functions/providers/github-copilot/token-format';

const base62 = (length: number) => 'aB3'.repeat(Math.ceil(length / 3)).slice(0, length);

describe('GitHub token format', () => {
  it.each([
    ['classic personal access token', `ghp_${base62(36)}`],
    ['fine-grained personal access token', `github_pat_${base62(22)}_${base62(59)}`],
    ['OAuth app token', `gho_${base62(36)}`],
    ['GitHub App user token', `ghu_${base62(36)}`],
    ['token issued before 2021 (40 hex)', 'a'.repeat(20) + '0123456789abcdef0123'],
    ['token of the longest documented length', `ghp_${base62(251)}`],
  ])('accepts a %s', (_kind, token) => {
    expect(checkGitHubTokenFormat(token)).toBeNull();
  });

  it.each([
    ['a refresh token', `ghr_${base62(76)}`, /refresh token/],
    ['an installation token', `ghs_${base62(36)}`, /expires after one hour/],
    ['surrounding whitespace', ` ghp_${base62(36)}`, /spaces or line breaks/],
    ['a token over 255 characters', `ghp_${base62(260)}`, /at most 255/],
    ['an Anthropic key', `sk-ant-admin01-${base62(40)}`, /does not look like a GitHub token/],
    ['a short ghp_ token', 'ghp_abc', /does not look like a GitHub token/],
  ])('refuses %s, saying what to use instead', (_kind, token, message) => {
    const problem = checkGitHubTokenFormat(token);
    expect(problem).toMatch(message);
    expect(problem).not.toContain(token.trim());
  });

  it('names the permissions a working token needs', () => {
    expect(checkGitHubTokenFormat('nope')).toMatch(/"Organization Copilot metrics" \(read\).*read:org/);
  });
});
