/**
 * Static facts about a provider: no runtime dependencies, so the CDK app can read them to build
 * one schedule → queue → fetcher pipeline per provider without importing provider code.
 */
export interface ProviderManifest {
  id: string;
  displayName: string;
  /** Environment variable that overrides the API base URL (fakes, enterprise servers). */
  baseUrlEnv: string;
  defaultBaseUrl: string;
  /** EventBridge cron expression of the daily sync (UTC). */
  scheduleCron: string;
  sync: {
    /** Days fetched when an integration is connected (ending with the newest day the provider serves). */
    backfillDays: number;
    /** Days before today (UTC) that the daily run fetches, e.g. [1, 2] = yesterday and the day before. */
    dailyOffsets: number[];
    /** The newest day worth asking for, as days before today. */
    newestOffset: number;
    /** Days per queue message: bounds one fetcher invocation's work. */
    maxDaysPerJob: number;
  };
  limits: {
    /** Concurrent fetchers for this provider (reserved concurrency): sized to the provider's rate limit. */
    maxConcurrency: number;
    /** Seconds one fetcher invocation may take. */
    fetcherTimeoutSeconds: number;
    /** Retries of one HTTP request inside the client before the day is marked failed. */
    maxAttempts: number;
    /** Longest wait the client accepts from a retry-after header before giving up on this delivery. */
    maxRetryAfterSeconds: number;
  };
}

/**
 * Sync jobs per fetcher invocation. One: Powertools processes a batch's records in parallel, so a
 * larger batch would multiply the calls in flight to a provider beyond its `maxConcurrency`.
 * The stack's event source and the local in-process queue both use this.
 */
export const FETCHER_BATCH_SIZE = 1;
