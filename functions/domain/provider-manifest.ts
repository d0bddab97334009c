/**
 * Static facts about a provider: no runtime dependencies, so the CDK app can read them to build
 * one schedule → queue → fetcher pipeline per provider, and functions that never call a provider (the
 * dashboard) can name it, without importing provider code.
 */
export interface ProviderManifest {
  /** The id the API speaks (`claude_code`, `github_copilot`, `cursor`): requests, responses, stored items. */
  id: string;
  displayName: string;
  /**
   * The tool whose figures this provider reports, when it is not the provider itself: two sources of one tool
   * (Claude Code's Admin API `claude_code` and the Claude Enterprise Analytics API `claude_enterprise`) name the
   * same tool. Absent: the provider id (`toolOf`). Stored rows keep the provider id; this only says which tool
   * they are figures of.
   */
  tool?: string;
  /**
   * The provider reports licences: its definition fetches seats (`fetchSeats`; the catalog refuses a definition
   * where the two disagree). Said here so that functions that load manifests only, such as the seats view, can
   * name the seat-based tools.
   */
  reportsSeats?: boolean;
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
    /**
     * Concurrent fetchers for this provider (the SQS event source's maximum concurrency, 2–1000): sized to
     * the provider's rate limit.
     */
    maxConcurrency: number;
    /** Seconds one fetcher invocation may take. */
    fetcherTimeoutSeconds: number;
    /** Retries of one HTTP request inside the client before the day is marked failed. */
    maxAttempts: number;
    /** Longest wait the client accepts from a retry-after header before giving up on this delivery. */
    maxRetryAfterSeconds: number;
  };
  /** The local run (`npm start`) against the real API, when `baseUrlEnv` is set: where key and options come from. */
  local: {
    /** Environment variable holding a real key. */
    keyEnv: string;
    /** Connect option → environment variable; the options whose variable is set are sent. */
    optionEnv?: Record<string, string>;
  };
  /** Provider-specific sentences the API shows beside the figures. */
  notes?: {
    /** Why a team that holds seats of this tool can be missing from its usage rows. */
    unreportedTeam?: string;
  };
}

/** The tool a provider's figures belong to: its `tool`, or its own id. */
export function toolOf(manifest: Pick<ProviderManifest, 'id' | 'tool'>): string {
  return manifest.tool ?? manifest.id;
}

/**
 * Sync jobs per fetcher invocation. One: Powertools processes a batch's records in parallel, so a
 * larger batch would multiply the calls in flight to a provider beyond its `maxConcurrency`.
 * The stack's event source and the local in-process queue both use this.
 */
export const FETCHER_BATCH_SIZE = 1;

/**
 * How a provider's sync queue treats a job that keeps failing: SQS moves it to the dead-letter queue after
 * `maxReceiveCount` receives and keeps it there `deadLetterRetentionDays` days. The stack builds each sync queue
 * from these and hands the queue's receive count to its fetcher (environment), so the fetcher knows a job's last
 * receive (it records the job on its integration then) without the number being written twice.
 */
export const SYNC_JOB_DELIVERY = {
  maxReceiveCount: 5,
  deadLetterRetentionDays: 14,
} as const;
