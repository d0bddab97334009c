import { loadFakeDemo, prepareDemoProviders, providerFolder } from '../../../local/demo-providers';
import { providerManifests } from '../../../functions/providers/manifests';
import { testManifest } from '../../helpers/memory-ports';

/** The local run's demo list derives from the registry: every provider brings its fake. */
describe('demo providers', () => {
  it.each(providerManifests.map((manifest) => [manifest.id]))(
    '%s has a fake demo in its folder',
    async (id) => {
      const demo = await loadFakeDemo(id);
      expect(typeof demo.start).toBe('function');
    },
  );

  it('names the missing file when a registered provider has no fake', async () => {
    await expect(loadFakeDemo('acme_ai')).rejects.toThrow(
      /provider acme_ai has no fake at local\/fakes\/acme-ai\/demo\.ts/,
    );
  });

  it('maps an id to its folder', () => {
    expect(providerFolder('github_copilot')).toBe('github-copilot');
  });

  it('uses the real API, key and options the manifest names when its base URL is set, and starts no fake', async () => {
    const manifest = testManifest({
      id: 'acme_ai',
      baseUrlEnv: 'ACME_AI_API_BASE_URL',
      local: { keyEnv: 'ACME_AI_KEY', optionEnv: { org: 'ACME_ORG', enterprise: 'ACME_ENTERPRISE' } },
    });
    const lines: string[] = [];
    const { providerEnv, demos } = await prepareDemoProviders(
      { ACME_AI_API_BASE_URL: 'https://api.acme.example', ACME_AI_KEY: 'k', ACME_ORG: 'acme' },
      (line) => lines.push(line),
      () => undefined,
      [manifest],
    );
    expect(providerEnv).toEqual({ ACME_AI_API_BASE_URL: 'https://api.acme.example' });
    expect(demos).toEqual([
      { provider: 'acme_ai', fake: false, apiKey: 'k', keyEnv: 'ACME_AI_KEY', options: { org: 'acme' } },
    ]);
    expect(lines).toEqual(['  acme_ai: https://api.acme.example']);
  });
});
