import {
  ProviderResponseError,
  ProviderUnavailableError,
  unreadableAnswerReason,
  ValidationError,
} from '../domain/errors';
import { ProviderCallError, type ProviderCatalog, type UsageProvider } from '../domain/provider';
import type { ProviderManifest } from '../domain/provider-manifest';
import { ProviderHttpError } from './http-client';
import { createManifestCatalog } from './manifests';
import { providerDefinitions } from './registry';
import type { ProviderContext, ProviderDefinition } from './types';

/** The HTTP client's failure, in the domain's terms; the reason keeps kind, status and the provider's words. */
export function toProviderCallError(error: ProviderHttpError): ProviderCallError {
  const reason = `${error.kind} (${error.status}): ${error.message}`;
  if (error.kind === 'auth' || error.kind === 'forbidden')
    return new ProviderCallError('credentials_refused', reason);
  if (error.retryable) return new ProviderCallError('retry_later', reason, error.retryAfterSeconds);
  return new ProviderCallError('failed', reason);
}

/**
 * An answer the provider's parsing could not read, in the domain's terms (decision 95): one still not JSON
 * after the client's reads is retried by the queue like a 5xx; JSON of another shape fails what was asked (a
 * day: the daily run asks for it again). `subject` is what was asked for, as the reason names it.
 */
export function unreadableAnswerError(
  manifest: ProviderManifest,
  error: ProviderResponseError,
  subject: 'the day' | 'the seats',
): ProviderCallError {
  if (error.problem === 'not_json') {
    return new ProviderCallError(
      'retry_later',
      unreadableAnswerReason(manifest.displayName, error, `the queue tries ${subject} again`),
    );
  }
  const then =
    subject === 'the day'
      ? 'the day is tried again on the next daily run'
      : 'the seats are read again on the next sync';
  return new ProviderCallError('failed', unreadableAnswerReason(manifest.displayName, error, then));
}

/** A sync-time call whose HTTP and answer failures become ProviderCallError. */
async function translated<T>(
  manifest: ProviderManifest,
  subject: 'the day' | 'the seats',
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ProviderHttpError) throw toProviderCallError(error);
    if (error instanceof ProviderResponseError) throw unreadableAnswerError(manifest, error, subject);
    throw error;
  }
}

/** Connect's live check: an answer it could not read is a provider that cannot be asked now (503). */
async function verified<T>(manifest: ProviderManifest, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof ProviderResponseError)) throw error;
    throw new ProviderUnavailableError(
      unreadableAnswerReason(manifest.displayName, error, 'try again in a few minutes'),
    );
  }
}

/** A definition bound to its HTTP context: the domain's UsageProvider. */
export function bindProvider<Options>(
  definition: ProviderDefinition<Options>,
  ctx: ProviderContext,
): UsageProvider<Options> {
  const { fetchDay, fetchDays, fetchSeats, manifest } = definition;
  return {
    manifest: definition.manifest,
    connectOptionsSchema: definition.connectOptionsSchema,
    checkKeyFormat: (apiKey) => definition.checkKeyFormat(apiKey),
    normalizeDay: (raw, day) => definition.normalizeDay(raw, day),
    ...(definition.earliestDay ? { earliestDay: definition.earliestDay.bind(definition) } : {}),
    verifyCredentials: (credentials) =>
      verified(manifest, () => definition.verifyCredentials(credentials, ctx)),
    ...(fetchDay
      ? {
          fetchDay: (credentials, day) =>
            translated(manifest, 'the day', () => fetchDay(credentials, day, ctx)),
        }
      : {}),
    ...(fetchDays
      ? {
          fetchDays: (credentials, days) =>
            translated(manifest, 'the day', () => fetchDays(credentials, days, ctx)),
        }
      : {}),
    ...(fetchSeats
      ? { fetchSeats: (credentials) => translated(manifest, 'the seats', () => fetchSeats(credentials, ctx)) }
      : {}),
  };
}

/**
 * The registered providers (or a test's own list), each bound to the context `contextFor` builds for it
 * (base URL from the environment, fetch, clock). Built once per process by the composition root.
 */
export function createProviderCatalog(
  contextFor: (manifest: ProviderManifest) => ProviderContext,
  definitions: readonly ProviderDefinition<never>[] = providerDefinitions,
): ProviderCatalog {
  for (const { manifest, fetchSeats } of definitions) {
    // Functions that load manifests only name the seat-based tools from this flag: it must say what the code does.
    if ((fetchSeats !== undefined) !== (manifest.reportsSeats === true)) {
      throw new Error(
        `${manifest.id}: its manifest's reportsSeats (${String(manifest.reportsSeats)}) must say whether it fetches seats (${fetchSeats !== undefined})`,
      );
    }
  }
  const manifests = createManifestCatalog(definitions.map((definition) => definition.manifest));
  const bound = new Map<string, UsageProvider<never>>();
  return {
    ...manifests,
    get(id) {
      const definition = definitions.find((candidate) => candidate.manifest.id === id);
      if (!definition) {
        const known = definitions.map((candidate) => candidate.manifest.id).join(', ');
        throw new ValidationError(`Unknown provider: the providers are ${known}.`, [
          { field: 'provider', message: `must be one of ${known}` },
        ]);
      }
      let provider = bound.get(id);
      if (!provider) {
        provider = bindProvider(definition, contextFor(definition.manifest));
        bound.set(id, provider);
      }
      return provider;
    },
  };
}
