import type { z } from 'zod';
import type { DeveloperDayUsage } from '../domain/metrics';
import type {
  DayFetchResult,
  DaysFetchResult,
  ProviderAccount,
  ProviderCredentials,
  SeatsFetchResult,
} from '../domain/provider';
import type { ProviderManifest } from '../domain/provider-manifest';

/** What a provider needs to talk to its API. Built once per process by the composition root. */
export interface ProviderContext {
  baseUrl: string;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
  userAgent: string;
  /** Called before each retry so callers can log/measure; never receives secrets. */
  onRetry?: (info: { attempt: number; status: number | 'network'; delayMs: number }) => void;
  /** Shared across every function and process: providers with a strict request budget pace themselves on it. */
  pacer?: RequestPacer;
}

/** A request budget: at most `requests` in any rolling `windowMs`. */
export interface RequestBudget {
  requests: number;
  windowMs: number;
}

/**
 * Paces requests to a provider across every concurrent function (state kept outside the process). `take`
 * resolves when a request may be sent; when the wait would be longer than `maxWaitMs` it throws a
 * `rate_limited` ProviderHttpError carrying the wait, so the job goes back to the queue instead.
 */
export interface RequestPacer {
  take(scope: { teamId: string; bucket: string }, budget: RequestBudget, maxWaitMs: number): Promise<void>;
}

/**
 * A provider as written in its folder: the domain's UsageProvider (functions/domain/provider.ts) with the
 * HTTP context each call takes. The catalog (catalog.ts) binds the context and turns the HTTP client's
 * failures into the domain's ProviderCallError, so a provider's calls may simply let them through.
 * `verifyCredentials` throws CredentialsRejectedError / ProviderUnavailableError with wording for a person.
 */
export interface ProviderDefinition<Options = Record<string, unknown>> {
  manifest: ProviderManifest;
  connectOptionsSchema: z.ZodType<Options>;
  checkKeyFormat(apiKey: string): string | null;
  verifyCredentials(
    credentials: ProviderCredentials<Options>,
    ctx: ProviderContext,
  ): Promise<ProviderAccount>;
  /** One UTC day per call; a provider implements this or fetchDays. */
  fetchDay?(
    credentials: ProviderCredentials<Options>,
    day: string,
    ctx: ProviderContext,
  ): Promise<DayFetchResult>;
  /** Several days in one call (APIs that answer a date range); an answer for every day asked. */
  fetchDays?(
    credentials: ProviderCredentials<Options>,
    days: readonly string[],
    ctx: ProviderContext,
  ): Promise<DaysFetchResult>;
  normalizeDay(raw: unknown, day: string): DeveloperDayUsage[];
  earliestDay?(options: Options, now: Date): string;
  fetchSeats?(credentials: ProviderCredentials<Options>, ctx: ProviderContext): Promise<SeatsFetchResult>;
}
