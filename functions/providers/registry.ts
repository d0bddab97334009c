import { claudeCodeProvider } from './claude-code';
import { githubCopilotProvider } from './github-copilot';
import type { ProviderDefinition } from './types';

/**
 * The registered providers, in display order: the one line to add for a new provider. Everything else —
 * connect, scheduler, fetcher, ledger, dashboard, the CDK pipeline (manifests.ts) and the local run's demo
 * (local/demo-providers.ts) — derives from this list.
 */
export const providerDefinitions: readonly ProviderDefinition<never>[] = [
  claudeCodeProvider as ProviderDefinition<never>,
  githubCopilotProvider as ProviderDefinition<never>,
];
