import { ValidationError } from '../domain/errors';
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

async function translated<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw error instanceof ProviderHttpError ? toProviderCallError(error) : error;
  }
}

/** A definition bound to its HTTP context: the domain's UsageProvider. */
export function bindProvider<Options>(
  definition: ProviderDefinition<Options>,
  ctx: ProviderContext,
): UsageProvider<Options> {
  const { fetchDay, fetchDays, fetchSeats } = definition;
  return {
    manifest: definition.manifest,
    connectOptionsSchema: definition.connectOptionsSchema,
    checkKeyFormat: (apiKey) => definition.checkKeyFormat(apiKey),
    normalizeDay: (raw, day) => definition.normalizeDay(raw, day),
    ...(definition.earliestDay ? { earliestDay: definition.earliestDay.bind(definition) } : {}),
    verifyCredentials: (credentials) => definition.verifyCredentials(credentials, ctx),
    ...(fetchDay
      ? { fetchDay: (credentials, day) => translated(() => fetchDay(credentials, day, ctx)) }
      : {}),
    ...(fetchDays
      ? { fetchDays: (credentials, days) => translated(() => fetchDays(credentials, days, ctx)) }
      : {}),
    ...(fetchSeats ? { fetchSeats: (credentials) => translated(() => fetchSeats(credentials, ctx)) } : {}),
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
