import { ValidationError } from '../domain/errors';
import { claudeCodeProvider } from './claude-code';
import { githubCopilotProvider } from './github-copilot';
import type { Provider } from './types';

/**
 * The provider registry: the only place that lists provider implementations. Everything else
 * (connect, scheduler, fetcher, ledger, CDK via manifests.ts) asks here.
 */
const providers: readonly Provider<never>[] = [
  claudeCodeProvider as Provider<never>,
  githubCopilotProvider as Provider<never>,
];

export interface ProviderRegistry {
  ids(): string[];
  get(id: string): Provider<never>;
  has(id: string): boolean;
}

export function createRegistry(list: readonly Provider<never>[] = providers): ProviderRegistry {
  const byId = new Map(list.map((provider) => [provider.manifest.id, provider]));
  return {
    ids: () => [...byId.keys()],
    has: (id) => byId.has(id),
    get(id) {
      const provider = byId.get(id);
      if (!provider) {
        throw new ValidationError(`Unknown provider "${id}". Supported: ${[...byId.keys()].join(', ')}.`, [
          { field: 'provider', message: `must be one of ${[...byId.keys()].join(', ')}` },
        ]);
      }
      return provider;
    },
  };
}

export const providerRegistry = createRegistry();
