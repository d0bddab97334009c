import type { ProviderManifest } from '../../domain/provider-manifest';

export const cursorManifest: ProviderManifest = {
  id: 'cursor',
  displayName: 'Cursor',
  reportsSeats: true,
  baseUrlEnv: 'CURSOR_API_BASE_URL',
  defaultBaseUrl: 'https://api.cursor.com',
  // 04:45 UTC: Cursor aggregates usage hourly, so yesterday is complete well before.
  scheduleCron: 'cron(45 4 * * ? *)',
  sync: {
    backfillDays: 90,
    // Yesterday and the two days before, in case late hours were aggregated after the first run.
    dailyOffsets: [1, 2, 3],
    newestOffset: 1,
    // One daily-usage request covers at most 30 days: a job is one range, a 90-day backfill three jobs.
    maxDaysPerJob: 30,
  },
  limits: {
    // Cursor allows 20 Admin API requests a minute per team; the pacer holds that across every fetcher.
    maxConcurrency: 2,
    // Usage events come 1,000 a page at 55 pages a minute: a 30-day range of a 1,000-member team is about
    // 240 pages, four to five minutes at Cursor's pace. Lambda's longest timeout leaves room for that.
    fetcherTimeoutSeconds: 900,
    maxAttempts: 5,
    maxRetryAfterSeconds: 60,
  },
  local: { keyEnv: 'CURSOR_API_KEY' },
};
