import type { ManifestCatalog } from '../domain/provider';
import type { ProviderManifest } from '../domain/provider-manifest';
import { claudeCodeManifest } from './claude-code/manifest';
import { claudeEnterpriseManifest } from './claude-enterprise/manifest';
import { cursorManifest } from './cursor/manifest';
import { githubCopilotManifest } from './github-copilot/manifest';

/**
 * Every registered provider's static facts, in display order. The CDK app builds one pipeline per entry. The
 * same list as the registry's definitions (registry.ts; a unit test holds them equal), kept apart from it so that
 * functions that only name providers — the dashboard, health, the scheduler — do not load every provider's
 * client, schemas and normaliser (benchmarks §13).
 */
export const providerManifests: readonly ProviderManifest[] = [
  claudeCodeManifest,
  githubCopilotManifest,
  cursorManifest,
  claudeEnterpriseManifest,
];

export function createManifestCatalog(
  manifests: readonly ProviderManifest[] = providerManifests,
): ManifestCatalog {
  const byId = new Map(manifests.map((manifest) => [manifest.id, manifest]));
  return { find: (id) => byId.get(id), all: () => manifests };
}

/** The registered providers' manifests, for functions that name providers but never call one. */
export const manifestCatalog = createManifestCatalog();

export type { ProviderManifest };
