/**
 * Format check of a GitHub token before any network call (token formats: GitHub changelog
 * 2021-03-31). Messages say what to do; they never repeat the token.
 */
const PREFIXED = /^(ghp|gho|ghu)_[A-Za-z0-9]{30,251}$/;
const FINE_GRAINED = /^github_pat_[A-Za-z0-9_]{40,244}$/;
/** Tokens issued before 2021 (and by older GitHub Enterprise Server releases): 40 hex characters. */
const LEGACY = /^[0-9a-f]{40}$/;
const MAX_LENGTH = 255;

const HELP =
  'Use a fine-grained personal access token with the "Organization Copilot metrics" (read) permission, ' +
  'or a classic token with the read:org scope (enterprise reports: manage_billing:copilot or read:enterprise).';

export function checkGitHubTokenFormat(token: string): string | null {
  if (token.trim() !== token || /\s/.test(token)) {
    return 'The token contains spaces or line breaks; paste it again without surrounding whitespace.';
  }
  if (token.length > MAX_LENGTH) return `GitHub tokens are at most ${MAX_LENGTH} characters long. ${HELP}`;
  if (token.startsWith('ghr_')) {
    return `This is a GitHub App refresh token, which cannot call the API. ${HELP}`;
  }
  if (token.startsWith('ghs_')) {
    return (
      'This is a GitHub App installation token; it expires after one hour, so a daily sync cannot use it. ' +
      HELP
    );
  }
  if (PREFIXED.test(token) || FINE_GRAINED.test(token) || LEGACY.test(token)) return null;
  return `This does not look like a GitHub token (they start with "github_pat_", "ghp_", "gho_" or "ghu_"). ${HELP}`;
}
