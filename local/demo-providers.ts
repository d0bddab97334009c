import type { ProviderManifest } from '../functions/domain/provider-manifest';
import { providerManifests } from '../functions/providers/manifests';
import type { FakeDemo } from './fakes/demo';

/**
 * The providers the local run connects for the demo team: every registered provider. Each uses its fake
 * (local/fakes/<provider folder>/demo.ts) unless its base-URL variable points at a real API, in which case
 * the key and options come from the variables its manifest names (`local.keyEnv`, `local.optionEnv`).
 */
export interface DemoConnection {
  provider: string;
  apiKey?: string;
  keyEnv: string;
  options: Record<string, string>;
  /** Whether it is the provider's fake (with the demo organisation's people) rather than its real API. */
  fake: boolean;
}

/** A provider's folder under functions/providers/ and local/fakes/: its id in kebab case. */
export const providerFolder = (providerId: string): string => providerId.replace(/_/g, '-');

/** The fake demo of a provider, found by folder; a registered provider without one is an error. */
export async function loadFakeDemo(providerId: string): Promise<FakeDemo> {
  const path = `./fakes/${providerFolder(providerId)}/demo.ts`;
  try {
    return ((await import(path)) as { demo: FakeDemo }).demo;
  } catch (error) {
    throw new Error(
      `provider ${providerId} has no fake at local/${path.slice(2)} (${(error as Error).message})`,
      { cause: error },
    );
  }
}

function fromEnvironment(manifest: ProviderManifest, env: NodeJS.ProcessEnv): Record<string, string> {
  const options: Record<string, string> = {};
  for (const [option, variable] of Object.entries(manifest.local.optionEnv ?? {})) {
    const value = env[variable];
    if (value) options[option] = value;
  }
  return options;
}

/** Starts fakes (or reads real settings) and returns what to connect plus the base URLs to use. */
export async function prepareDemoProviders(
  env: NodeJS.ProcessEnv,
  say: (line: string) => void,
  onStop: (stop: () => Promise<void>) => void,
  manifests: readonly ProviderManifest[] = providerManifests,
): Promise<{ providerEnv: Record<string, string>; demos: DemoConnection[] }> {
  const providerEnv: Record<string, string> = {};
  const demos: DemoConnection[] = [];
  for (const manifest of manifests) {
    const { id, baseUrlEnv, local } = manifest;
    const realUrl = env[baseUrlEnv];
    if (realUrl) {
      providerEnv[baseUrlEnv] = realUrl;
      demos.push({
        provider: id,
        fake: false,
        apiKey: env[local.keyEnv],
        keyEnv: local.keyEnv,
        options: fromEnvironment(manifest, env),
      });
      say(`  ${id}: ${realUrl}`);
      continue;
    }
    const fake = await (await loadFakeDemo(id)).start();
    onStop(() => fake.close());
    providerEnv[baseUrlEnv] = fake.url;
    demos.push({
      provider: id,
      fake: true,
      apiKey: fake.apiKey,
      keyEnv: local.keyEnv,
      options: fake.options,
    });
    say(`  ${id}: ${fake.label} on ${fake.url}`);
  }
  return { providerEnv, demos };
}
