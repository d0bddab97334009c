import type { ProviderManifest } from '../domain/provider-manifest';
import type { ProviderContext } from '../providers/types';

export const USER_AGENT = 'ai-usage-analytics/0.1';

/** Provider contexts from the environment: `<PROVIDER>_API_BASE_URL` overrides the public base URL. */
export function providerContextFactory(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<ProviderContext> = {},
): (manifest: ProviderManifest) => ProviderContext {
  return (manifest) => ({
    baseUrl: env[manifest.baseUrlEnv] || manifest.defaultBaseUrl,
    fetch: globalThis.fetch.bind(globalThis),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => new Date(),
    userAgent: USER_AGENT,
    ...overrides,
  });
}
