import { toolOf } from '../../../functions/domain/provider-manifest';
import { providerManifests } from '../../../functions/providers/manifests';

describe('the tool a provider reports', () => {
  it('is the provider itself unless its manifest names another', () => {
    expect(toolOf({ id: 'cursor' })).toBe('cursor');
    expect(toolOf({ id: 'claude_enterprise', tool: 'claude_code' })).toBe('claude_code');
  });

  it('names a registered tool: Claude Enterprise Analytics reports Claude Code', () => {
    const ids = new Set(providerManifests.map((manifest) => manifest.id));
    for (const manifest of providerManifests) expect(ids.has(toolOf(manifest))).toBe(true);
    expect(toolOf(providerManifests.find((m) => m.id === 'claude_enterprise')!)).toBe('claude_code');
  });
});
