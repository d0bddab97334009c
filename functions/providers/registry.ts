import { claudeCodeProvider } from './claude-code';
import { claudeEnterpriseProvider } from './claude-enterprise';
import { cursorProvider } from './cursor';
import { githubCopilotProvider } from './github-copilot';
import type { ProviderDefinition } from './types';

/** Each provider has options of its own; connect checks them with the provider's schema before any call. */
function listed<Options>(definition: ProviderDefinition<Options>): ProviderDefinition<never> {
  return definition as unknown as ProviderDefinition<never>;
}

/**
 * The registered providers, in display order: the one line to add for a new provider (and its manifest at the
 * same place in manifests.ts, which functions that only name providers load instead). Everything else — connect,
 * scheduler, fetcher, ledger, dashboard, the CDK pipeline and the local run's demo (local/demo-providers.ts) —
 * derives from these lists.
 */
export const providerDefinitions: readonly ProviderDefinition<never>[] = [
  listed(claudeCodeProvider),
  listed(githubCopilotProvider),
  listed(cursorProvider),
  listed(claudeEnterpriseProvider),
];
