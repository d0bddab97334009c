import type { z } from 'zod';
import type { DeveloperDayUsage } from './metrics';
import type { IntegrationSource, SeatAssignment, SeatOrganisationCounts } from './model';
import type { ProviderManifest } from './provider-manifest';

/**
 * The provider port: what the use cases need from a source of usage, in the domain's own terms. A
 * provider (functions/providers/<id>/) implements it over its API and turns every HTTP failure into
 * the outcomes below, so no use case knows about HTTP, status codes or retries.
 */

/** The decrypted key of one integration plus its non-secret connect options. */
export interface ProviderCredentials<Options = Record<string, unknown>> {
  apiKey: string;
  options: Options;
  /** The team the key belongs to here: a provider's request budget is shared per team. */
  teamId: string;
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

/** The answers of a several-day fetch: one per day asked, and the requests the whole fetch took. */
export interface DaysFetchResult {
  days: ReadonlyMap<string, DayFetchResult>;
  requests: number;
}

export type SeatsFetchResult =
  | { kind: 'ok'; seats: SeatAssignment[]; organisation?: SeatOrganisationCounts; requests: number }
  | { kind: 'not_available'; message: string; scope: 'day' | 'integration' };

/**
 * A provider call that failed after the provider's own retries:
 * - `credentials_refused` — the stored key no longer works (revoked, expired, permission removed);
 * - `retry_later` — the provider is limiting or down; the same call may succeed later;
 * - `failed` — the answer cannot be used (malformed, refused as a bad request); retrying will not help.
 * `message` is the reason recorded in the ledger; it never contains a key.
 */
export class ProviderCallError extends Error {
  override name = 'ProviderCallError';
  constructor(
    readonly outcome: 'credentials_refused' | 'retry_later' | 'failed',
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/**
 * One source of usage. Calls that reach the provider throw CredentialsRejectedError or
 * ProviderUnavailableError (connect time) and ProviderCallError (sync time) on failure.
 */
export interface UsageProvider<Options = Record<string, unknown>> {
  manifest: ProviderManifest;
  /** Extra, non-secret fields accepted by POST /connect (e.g. a GitHub organisation). */
  connectOptionsSchema: z.ZodType<Options>;
  /** Format check without network; returns a message saying what is wrong, or null. */
  checkKeyFormat(apiKey: string): string | null;
  /** Live call proving the key works. */
  verifyCredentials(credentials: ProviderCredentials<Options>): Promise<ProviderAccount>;
  /** Fetches one UTC day. A provider offers this, or fetchDays, or both. */
  fetchDay?(credentials: ProviderCredentials<Options>, day: string): Promise<DayFetchResult>;
  /**
   * Fetches several UTC days in one go (APIs that answer date ranges: Cursor, Claude Enterprise Analytics):
   * an answer for every day asked. A failure throws for all of them.
   */
  fetchDays?(credentials: ProviderCredentials<Options>, days: readonly string[]): Promise<DaysFetchResult>;
  /** Pure: the raw answer of one day → one row per developer (merged per developer). */
  normalizeDay(raw: unknown, day: string): DeveloperDayUsage[];
  /** The oldest day the provider serves for these options (e.g. GitHub: 1 year, not before launch). */
  earliestDay?(options: Options, now: Date): string;
  /** Providers that sell seats: the current assignments, fetched once per sync. */
  fetchSeats?(credentials: ProviderCredentials<Options>): Promise<SeatsFetchResult>;
}

/** The static facts of the registered providers: enough for functions that never call one. */
export interface ManifestCatalog {
  /** The manifest of a registered provider; undefined for an id no longer offered (stored history). */
  find(id: string): ProviderManifest | undefined;
  all(): readonly ProviderManifest[];
}

/** The registered providers, ready to call. */
export interface ProviderCatalog extends ManifestCatalog {
  /** The provider with this id; a ValidationError naming the registered ones when there is none. */
  get(id: string): UsageProvider<never>;
}

/** The providers that report licences (`reportsSeats`: they fetch seats), in the catalog's order. */
export function seatReportingProviders(manifests: ManifestCatalog): string[] {
  return manifests
    .all()
    .filter((manifest) => manifest.reportsSeats === true)
    .map((manifest) => manifest.id);
}

/** The name a person reads for a provider id (an id no longer registered shows as itself). */
export function providerName(manifests: ManifestCatalog, id: string): string {
  return manifests.find(id)?.displayName ?? id;
}

/**
 * Names of the tools a team's figures come from: a provider's own name, or for a tool of the team's own
 * (imported usage: `chatgpt`) the name its import integration was given; a provider no longer offered by its id.
 */
export function toolNamer(
  manifests: ManifestCatalog,
  integrations: readonly { provider: string; name: string; source?: IntegrationSource }[],
): (tool: string) => string {
  const own = new Map(
    integrations
      .filter((integration) => integration.source === 'import')
      .map((integration) => [integration.provider, integration.name]),
  );
  return (tool) => manifests.find(tool)?.displayName ?? own.get(tool) ?? tool;
}
