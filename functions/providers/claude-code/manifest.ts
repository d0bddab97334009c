import type { ProviderManifest } from '../../domain/provider-manifest';

export const claudeCodeManifest: ProviderManifest = {
  id: 'claude_code',
  displayName: 'Claude Code',
  baseUrlEnv: 'ANTHROPIC_API_BASE_URL',
  defaultBaseUrl: 'https://api.anthropic.com',
  // 03:15 UTC: the API serves data older than one hour, so yesterday is complete by then.
  scheduleCron: 'cron(15 3 * * ? *)',
  sync: {
    backfillDays: 90,
    // Yesterday, and the day before again in case late events arrived.
    dailyOffsets: [1, 2],
    newestOffset: 1,
    maxDaysPerJob: 10,
  },
  limits: {
    // Docs: sustained polling once per minute plus short bursts; keep one fetcher per provider busy.
    maxConcurrency: 2,
    fetcherTimeoutSeconds: 120,
    maxAttempts: 5,
    maxRetryAfterSeconds: 60,
  },
  local: { keyEnv: 'ANTHROPIC_ADMIN_KEY' },
};
