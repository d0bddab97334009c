import { DEMO_ANTHROPIC_ADMIN_KEY, startFakeAnthropic } from './fakes/anthropic';
import { DEMO_GITHUB_TOKEN, startFakeGitHub } from './fakes/github';

/**
 * The providers the local run connects for the demo team. Each uses its fake server unless its
 * base-URL variable points at a real API, in which case the key (and options) come from the environment.
 */
export interface DemoProvider {
  provider: string;
  /** Environment variable of the provider's base URL (the same one the Lambdas read). */
  baseUrlEnv: string;
  /** Environment variable holding a real key, used when baseUrlEnv is set. */
  keyEnv: string;
  /** Extra connect options from the environment (real API) — e.g. a GitHub organisation. */
  optionsFromEnv?: (env: NodeJS.ProcessEnv) => Record<string, string>;
  startFake(): Promise<{
    url: string;
    apiKey: string;
    options: Record<string, string>;
    label: string;
    close(): Promise<void>;
  }>;
}

export const demoProviders: DemoProvider[] = [
  {
    provider: 'claude_code',
    baseUrlEnv: 'ANTHROPIC_API_BASE_URL',
    keyEnv: 'ANTHROPIC_ADMIN_KEY',
    async startFake() {
      const fake = await startFakeAnthropic({ developers: 12, historyDays: 120, seed: 'demo' });
      return {
        url: fake.url,
        apiKey: DEMO_ANTHROPIC_ADMIN_KEY,
        options: {},
        label: 'Fake Anthropic Admin API (12 developers, deterministic data)',
        close: () => fake.close(),
      };
    },
  },
  {
    provider: 'github_copilot',
    baseUrlEnv: 'GITHUB_API_BASE_URL',
    keyEnv: 'GITHUB_TOKEN',
    // A real organisation (GITHUB_ORG) or enterprise (GITHUB_ENTERPRISE).
    optionsFromEnv: (env): Record<string, string> =>
      env.GITHUB_ENTERPRISE ? { enterprise: env.GITHUB_ENTERPRISE } : { org: env.GITHUB_ORG ?? '' },
    async startFake() {
      const fake = await startFakeGitHub({ developers: 15, historyDays: 120, seed: 'demo' });
      return {
        url: fake.url,
        apiKey: DEMO_GITHUB_TOKEN,
        options: { org: fake.organization.login },
        label: `Fake GitHub API, Copilot org "${fake.organization.login}" (15 seats, reports with signed NDJSON links)`,
        close: () => fake.close(),
      };
    },
  },
];

export interface DemoConnection {
  provider: string;
  apiKey?: string;
  keyEnv: string;
  options: Record<string, string>;
}

/** Starts fakes (or reads real settings) and returns what to connect plus the base URLs to use. */
export async function prepareDemoProviders(
  env: NodeJS.ProcessEnv,
  say: (line: string) => void,
  onStop: (stop: () => Promise<void>) => void,
): Promise<{ providerEnv: Record<string, string>; demos: DemoConnection[] }> {
  const providerEnv: Record<string, string> = {};
  const demos: DemoConnection[] = [];
  for (const demo of demoProviders) {
    const realUrl = env[demo.baseUrlEnv];
    if (realUrl) {
      providerEnv[demo.baseUrlEnv] = realUrl;
      demos.push({
        provider: demo.provider,
        apiKey: env[demo.keyEnv],
        keyEnv: demo.keyEnv,
        options: demo.optionsFromEnv?.(env) ?? {},
      });
      say(`  ${demo.provider}: ${realUrl}`);
      continue;
    }
    const fake = await demo.startFake();
    onStop(() => fake.close());
    providerEnv[demo.baseUrlEnv] = fake.url;
    demos.push({ provider: demo.provider, apiKey: fake.apiKey, keyEnv: demo.keyEnv, options: fake.options });
    say(`  ${demo.provider}: ${fake.label} on ${fake.url}`);
  }
  return { providerEnv, demos };
}
