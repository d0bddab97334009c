import type { z } from 'zod';
import type { DeveloperDayUsage } from '../domain/metrics';
import type {
  DayFetchResult,
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
  fetchDay(
    credentials: ProviderCredentials<Options>,
    day: string,
    ctx: ProviderContext,
  ): Promise<DayFetchResult>;
  normalizeDay(raw: unknown, day: string): DeveloperDayUsage[];
  earliestDay?(options: Options, now: Date): string;
  fetchSeats?(credentials: ProviderCredentials<Options>, ctx: ProviderContext): Promise<SeatsFetchResult>;
}
