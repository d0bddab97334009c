import type { ProviderManifest } from '../provider-manifest';
import type { ProviderRegistry } from '../../providers/registry';
import type { ProviderContext } from '../../providers/types';
import type {
  Clock,
  IdGenerator,
  IntegrationRepository,
  SecretStore,
  SyncQueue,
  UsageRepository,
} from '../ports';

/** A logger port: structured, and never handed secrets. */
export interface Log {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

/** Everything the use cases may touch. Handlers wire real adapters; tests pass fakes or local ones. */
export interface Dependencies {
  integrations: IntegrationRepository;
  usage: UsageRepository;
  secrets: SecretStore;
  queue: SyncQueue;
  registry: ProviderRegistry;
  clock: Clock;
  ids: IdGenerator;
  providerContext: (manifest: ProviderManifest) => ProviderContext;
  log: Log;
}
