import type { z } from 'zod';
import type { DeveloperDayUsage, DeveloperRef } from '../domain/metrics';
import type { ProviderManifest } from '../domain/provider-manifest';

/** What a provider needs to talk to its API. Built once per invocation by the fetcher/connect path. */
export interface ProviderContext {
  baseUrl: string;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
  userAgent: string;
  /** Called before each retry so callers can log/measure; never receives secrets. */
  onRetry?: (info: { attempt: number; status: number | 'network'; delayMs: number }) => void;
}

/** The decrypted credentials of one integration plus its non-secret connect options. */
export interface ProviderCredentials<Options = Record<string, unknown>> {
  apiKey: string;
  options: Options;
}

export interface ProviderAccount {
  /** Stable id of the provider-side account (organisation id); one integration per account per team. */
  id: string;
  name: string;
}

export type DayFetchResult =
  /** The provider's answer for the day, kept raw so rows can be rebuilt later. */
  | { kind: 'ok'; raw: unknown; requests: number }
  /** The provider has not finished the day yet: try again later, do not draw it as zero. */
  | { kind: 'not_ready'; message: string }
  /**
   * The provider will not serve this. `scope: 'day'` — only this day (out of range, too small to
   * report); `scope: 'integration'` — nothing at all until someone acts (policy off, no seats): the
   * integration shows `not_available` with the message and stops being retried.
   */
  | { kind: 'not_available'; message: string; scope: 'day' | 'integration' };

/** One licence as the provider reports it (a snapshot of now, not of a day). */
export interface SeatAssignment {
  developer: DeveloperRef;
  assigned_at?: string;
  last_activity_at?: string | null;
  last_activity_editor?: string | null;
  plan_type?: string;
  pending_cancellation_date?: string | null;
  assigning_team?: string | null;
}

export type SeatsFetchResult =
  | { kind: 'ok'; seats: SeatAssignment[]; requests: number }
  | { kind: 'not_available'; message: string; scope: 'day' | 'integration' };

/**
 * The provider boundary. A provider is one folder implementing this interface; connect, queues,
 * scheduler, fetcher and ledger know providers only through the registry.
 */
export interface Provider<Options = Record<string, unknown>> {
  manifest: ProviderManifest;
  /** Extra, non-secret fields accepted by POST /connect (e.g. a GitHub organisation). */
  connectOptionsSchema: z.ZodType<Options>;
  /** Format check without network; returns a message saying what is wrong, or null. */
  checkKeyFormat(apiKey: string): string | null;
  /** Live call proving the key works; throws CredentialsRejectedError or ProviderUnavailableError. */
  verifyCredentials(
    credentials: ProviderCredentials<Options>,
    ctx: ProviderContext,
  ): Promise<ProviderAccount>;
  /** Fetches one UTC day; throws ProviderHttpError for failures left after the client's retries. */
  fetchDay(
    credentials: ProviderCredentials<Options>,
    day: string,
    ctx: ProviderContext,
  ): Promise<DayFetchResult>;
  /** Pure: the raw answer of one day → one row per developer (merged per developer). */
  normalizeDay(raw: unknown, day: string): DeveloperDayUsage[];
  /** The oldest day the provider serves for these options (e.g. GitHub: 1 year, not before launch). */
  earliestDay?(options: Options, now: Date): string;
  /** Providers that sell seats: the current assignments, fetched once per sync. */
  fetchSeats?(credentials: ProviderCredentials<Options>, ctx: ProviderContext): Promise<SeatsFetchResult>;
}
