/**
 * Format check of a Cursor Admin API key, before any network call. Current keys are `crsr_` + 64 letters
 * and digits; older `key_…` keys still work, so the prefix alone never refuses a key. Messages say what
 * to do and never repeat the key.
 */
const CURRENT = /^crsr_[A-Za-z0-9]{64}$/;
const PLAUSIBLE = /^[A-Za-z0-9_-]{32,256}$/;
const CREATE_HELP = 'Create one in the Cursor dashboard → Settings → Advanced → Admin API Keys.';

export function checkCursorKeyFormat(apiKey: string): string | null {
  if (apiKey.trim() !== apiKey || /\s/.test(apiKey)) {
    return 'The key contains spaces or line breaks; paste it again without surrounding whitespace.';
  }
  if (apiKey.startsWith('sk-ant-'))
    return `This is an Anthropic key, not a Cursor Admin API key. ${CREATE_HELP}`;
  if (/^(ghp|gho|ghu|ghs|ghr)_|^github_pat_/.test(apiKey)) {
    return `This is a GitHub token, not a Cursor Admin API key. ${CREATE_HELP}`;
  }
  if (apiKey.startsWith('crsr_')) {
    return CURRENT.test(apiKey)
      ? null
      : `A Cursor Admin API key is "crsr_" followed by 64 letters and digits; this one is not. ${CREATE_HELP}`;
  }
  return PLAUSIBLE.test(apiKey)
    ? null
    : `This does not look like a Cursor Admin API key (current keys start with "crsr_"). ${CREATE_HELP}`;
}
