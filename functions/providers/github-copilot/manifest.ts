import type { ProviderManifest } from '../../domain/provider-manifest';

export const githubCopilotManifest: ProviderManifest = {
  id: 'github_copilot',
  displayName: 'GitHub Copilot',
  reportsSeats: true,
  // GitHub Enterprise Server: https://HOST/api/v3; GHE.com data residency: https://api.SUBDOMAIN.ghe.com.
  baseUrlEnv: 'GITHUB_API_BASE_URL',
  defaultBaseUrl: 'https://api.github.com',
  // 06:30 UTC: GitHub publishes a day's reports within two full UTC days after it ends.
  scheduleCron: 'cron(30 6 * * ? *)',
  sync: {
    backfillDays: 100,
    // The newest day GitHub may have finished, then three more in case its processing ran late.
    dailyOffsets: [2, 3, 4, 5],
    newestOffset: 2,
    // A day costs two report calls and their downloads (about four to six requests).
    maxDaysPerJob: 10,
  },
  limits: {
    // 5,000 requests/hour per token; a daily run needs a few dozen. Two fetchers keep bursts polite.
    maxConcurrency: 2,
    fetcherTimeoutSeconds: 300,
    maxAttempts: 5,
    maxRetryAfterSeconds: 60,
  },
  // A real organisation (GITHUB_ORG) or enterprise (GITHUB_ENTERPRISE).
  local: { keyEnv: 'GITHUB_TOKEN', optionEnv: { org: 'GITHUB_ORG', enterprise: 'GITHUB_ENTERPRISE' } },
  notes: {
    unreportedTeam:
      'GitHub reports no usage for this team in the period: it leaves teams with fewer than five Copilot users ' +
      'out of its team report. Its members still appear individually.',
  },
};
