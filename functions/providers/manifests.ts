import { claudeCodeManifest } from './claude-code/manifest';
import { githubCopilotManifest } from './github-copilot/manifest';
import type { ProviderManifest } from '../domain/provider-manifest';

/** Every provider's static facts, in display order. The CDK app builds one pipeline per entry. */
export const providerManifests: readonly ProviderManifest[] = [claudeCodeManifest, githubCopilotManifest];

export type { ProviderManifest };
