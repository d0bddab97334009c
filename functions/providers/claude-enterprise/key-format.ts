/**
 * Format check of a Claude Enterprise Analytics API key, before any network call. Anthropic documents the keys
 * made in claude.ai → Organization settings → API as `sk-ant-api01-…` (the same prefix for every scope, so the
 * `read:analytics` scope itself can only be proven by the live call). Any two-digit version is let through, as
 * the Admin key check does, so a newer key version is not refused here. Messages say what to do and never
 * repeat the key.
 */
const SCOPED_KEY = /^sk-ant-api\d{2}-[A-Za-z0-9_-]{20,}$/;
const CREATE_HELP =
  'The primary owner creates one in claude.ai → Organization settings → API, with the read:analytics scope.';

export function checkClaudeEnterpriseKeyFormat(apiKey: string): string | null {
  if (apiKey.trim() !== apiKey || /\s/.test(apiKey)) {
    return 'The key contains spaces or line breaks; paste it again without surrounding whitespace.';
  }
  if (apiKey.startsWith('sk-ant-admin')) {
    return (
      'This is an Anthropic Admin API key of Claude Console: it does not work with the Claude Enterprise ' +
      `Analytics API (connect it as Claude Code instead). Use an Analytics API key ("sk-ant-api01-…"). ${CREATE_HELP}`
    );
  }
  if (/^(ghp|gho|ghu|ghs|ghr)_|^github_pat_|^crsr_|^key_/.test(apiKey)) {
    return `This is not an Anthropic key. Use a Claude Enterprise Analytics API key ("sk-ant-api01-…"). ${CREATE_HELP}`;
  }
  if (!SCOPED_KEY.test(apiKey)) {
    return (
      'This does not look like a Claude Enterprise Analytics API key: those start with "sk-ant-api01-". ' +
      CREATE_HELP
    );
  }
  return null;
}
