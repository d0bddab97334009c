import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalSecretStore } from '../../../local/local-secret-store';
import { TEST_KEYS } from '../../helpers/provider-keys';

describe('local secret store (AES-256-GCM)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'secret-store-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const scope = { teamId: 't1', integrationId: 'int_1', provider: 'claude_code' };

  it('round-trips a secret and never writes it in clear', async () => {
    const store = new LocalSecretStore(join(dir, 'key'), join(dir, 'secrets.json'));
    const ref = await store.save(scope, TEST_KEYS.anthropicSealedLocally);
    expect(readFileSync(join(dir, 'secrets.json'), 'utf8')).not.toContain('very-secret');
    expect(await store.read(ref, scope)).toBe(TEST_KEYS.anthropicSealedLocally);
    // A new instance with the same key file opens it too (restart of npm start).
    expect(await new LocalSecretStore(join(dir, 'key'), join(dir, 'secrets.json')).read(ref, scope)).toBe(
      TEST_KEYS.anthropicSealedLocally,
    );
  });

  it('will not open a secret for another team or integration (scope is authenticated data)', async () => {
    const store = new LocalSecretStore(join(dir, 'key'), join(dir, 'secrets.json'));
    const ref = await store.save(scope, 'value');
    await expect(store.read(ref, { ...scope, teamId: 't2' })).rejects.toThrow();
    await expect(store.read(ref, { ...scope, provider: 'github_copilot' })).rejects.toThrow();
  });

  it('removes a secret', async () => {
    const store = new LocalSecretStore(join(dir, 'key'), join(dir, 'secrets.json'));
    const ref = await store.save({ ...scope, integrationId: 'int_2' }, 'gone');
    await store.remove(ref);
    await expect(store.read(ref, { ...scope, integrationId: 'int_2' })).rejects.toThrow(/not found/);
  });
});
