/**
 * Format check of an Anthropic Admin API key, before any network call. Messages say what to do;
 * they never repeat the key.
 */
const ADMIN_KEY = /^sk-ant-admin\d{2}-[A-Za-z0-9_-]{20,}$/;

export function checkAnthropicAdminKeyFormat(apiKey: string): string | null {
  if (apiKey.trim() !== apiKey || /\s/.test(apiKey)) {
    return 'The key contains spaces or line breaks; paste it again without surrounding whitespace.';
  }
  if (apiKey.startsWith('sk-ant-api')) {
    return (
      'This is an Anthropic API (inference or scoped) key. Claude Code usage needs an Admin API key ' +
      '(it starts with "sk-ant-admin01-"), created by an organisation admin in Claude Console → Settings → Admin keys.'
    );
  }
  if (!ADMIN_KEY.test(apiKey)) {
    return (
      'This does not look like an Anthropic Admin API key. Admin keys start with "sk-ant-admin01-" and are ' +
      'created in Claude Console → Settings → Admin keys.'
    );
  }
  return null;
}
