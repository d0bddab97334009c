import type { ManifestCatalog } from '../domain/provider';
import type { ProviderManifest } from '../domain/provider-manifest';
import { providerDefinitions } from './registry';

/** Every registered provider's static facts, in display order. The CDK app builds one pipeline per entry. */
export const providerManifests: readonly ProviderManifest[] = providerDefinitions.map((p) => p.manifest);

export function createManifestCatalog(
  manifests: readonly ProviderManifest[] = providerManifests,
): ManifestCatalog {
  const byId = new Map(manifests.map((manifest) => [manifest.id, manifest]));
  return { find: (id) => byId.get(id), all: () => manifests };
}

/** The registered providers' manifests, for functions that name providers but never call one. */
export const manifestCatalog = createManifestCatalog();

export type { ProviderManifest };
