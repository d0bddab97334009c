import type { ProviderManifest } from '../../domain/provider-manifest';

export const claudeEnterpriseManifest: ProviderManifest = {
  id: 'claude_enterprise',
  displayName: 'Claude Enterprise Analytics',
  reportsSeats: true,
  // Its figures are Claude Code's, of the developers on claude.ai Enterprise seats (whom the Admin API misses).
  tool: 'claude_code',
  baseUrlEnv: 'CLAUDE_ENTERPRISE_API_BASE_URL',
  defaultBaseUrl: 'https://api.anthropic.com',
  // 19:30 UTC: a day's engagement data is published from about 17:00 UTC the next day.
  scheduleCron: 'cron(30 19 * * ? *)',
  sync: {
    backfillDays: 90,
    // Yesterday (published by 19:30), and the two days before again: data occasionally arrives late and is
    // revised by a few percent.
    dailyOffsets: [1, 2, 3],
    // The newest day published at any hour: yesterday only from about 17:00 UTC. Backfills end here, so they
    // hold no day that is pending for most of the day; the daily run brings yesterday.
    newestOffset: 2,
    // The cost and usage reports span at most 31 days: one job is one range of each.
    maxDaysPerJob: 31,
  },
  limits: {
    // 60 requests a minute per organisation across every endpoint; the pacer holds that across fetchers.
    maxConcurrency: 2,
    // One request per day of user activity (31 a job), three report walks, a summary: about half a minute at
    // the API's pace, several minutes when the organisation's other syncs share the budget.
    fetcherTimeoutSeconds: 900,
    maxAttempts: 5,
    maxRetryAfterSeconds: 60,
  },
  local: { keyEnv: 'CLAUDE_ENTERPRISE_ANALYTICS_KEY' },
};
