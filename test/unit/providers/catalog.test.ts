import {
  ProviderResponseError,
  ProviderUnavailableError,
  ValidationError,
} from '../../../functions/domain/errors';
import { ProviderCallError } from '../../../functions/domain/provider';
import {
  bindProvider,
  createProviderCatalog,
  toProviderCallError,
} from '../../../functions/providers/catalog';
import { ProviderHttpError } from '../../../functions/providers/http-client';
import { providerManifests } from '../../../functions/providers/manifests';
import { providerDefinitions } from '../../../functions/providers/registry';
import type { ProviderContext, ProviderDefinition } from '../../../functions/providers/types';
import { testManifest } from '../../helpers/memory-ports';
import { z } from 'zod';
import { TEST_KEYS } from '../../helpers/provider-keys';

/** The provider boundary: HTTP failures become the domain's outcomes; ids are looked up in one place. */
describe('provider catalog', () => {
  const ctx = { baseUrl: 'http://127.0.0.1:1' } as ProviderContext;

  it.each([
    [
      new ProviderHttpError('invalid x-api-key', 'auth', 401, 1),
      'credentials_refused',
      'auth (401): invalid x-api-key',
    ],
    [
      new ProviderHttpError('Resource not accessible', 'forbidden', 403, 1),
      'credentials_refused',
      'forbidden (403): Resource not accessible',
    ],
    [
      new ProviderHttpError('slow down', 'rate_limited', 429, 5, 120),
      'retry_later',
      'rate_limited (429): slow down',
    ],
    [
      new ProviderHttpError('overloaded', 'unavailable', 529, 5),
      'retry_later',
      'unavailable (529): overloaded',
    ],
    [
      new ProviderHttpError('no answer within 30000 ms', 'unavailable', 'timeout', 5),
      'retry_later',
      'unavailable (timeout): no answer within 30000 ms',
    ],
    [new ProviderHttpError('bad cursor', 'client', 400, 1), 'failed', 'client (400): bad cursor'],
    [new ProviderHttpError('gone', 'not_found', 404, 1), 'failed', 'not_found (404): gone'],
  ])('turns %s into %s', (error, outcome, message) => {
    const translated = toProviderCallError(error);
    expect(translated).toBeInstanceOf(ProviderCallError);
    expect(translated).toMatchObject({ outcome, message });
  });

  it('keeps the wait a rate limit asked for', () => {
    expect(
      toProviderCallError(new ProviderHttpError('x', 'rate_limited', 429, 1, 120)).retryAfterSeconds,
    ).toBe(120);
  });

  it('binds the context and translates failures of day and seat calls; other errors pass unchanged', async () => {
    const seen: ProviderContext[] = [];
    const definition: ProviderDefinition<never> = {
      manifest: testManifest(),
      connectOptionsSchema: z.never(),
      checkKeyFormat: () => null,
      verifyCredentials: async (_c, context) => (seen.push(context), { id: 'a', name: 'A' }),
      fetchDay: async (_c, day, context) => {
        seen.push(context);
        if (day === 'parse') throw new Error('line 3 is not JSON');
        throw new ProviderHttpError('down', 'unavailable', 503, 5);
      },
      normalizeDay: () => [],
      fetchSeats: async () => {
        throw new ProviderHttpError('no', 'forbidden', 403, 1);
      },
    };
    const provider = bindProvider(definition, ctx);
    const credentials = { apiKey: 'k', options: undefined as never, teamId: 't' };
    await expect(provider.verifyCredentials(credentials)).resolves.toEqual({ id: 'a', name: 'A' });
    await expect(provider.fetchDay!(credentials, '2026-01-01')).rejects.toMatchObject({
      outcome: 'retry_later',
    });
    await expect(provider.fetchDay!(credentials, 'parse')).rejects.toThrow('line 3 is not JSON');
    await expect(provider.fetchSeats?.(credentials)).rejects.toMatchObject({
      outcome: 'credentials_refused',
    });
    expect(seen.every((context) => context === ctx)).toBe(true);
  });

  it('turns an answer it could not read into a reason naming the provider: not JSON → retry later, another shape → failed', async () => {
    const misshapen = () =>
      new ProviderResponseError('unexpected_shape', [
        { where: 'at data[3].date', rule: 'expected string, received number' },
      ]);
    const damaged = () => Object.assign(new ProviderResponseError('not_json'), { reads: 3 });
    let next: () => Error = misshapen;
    const manifest = { ...testManifest(), displayName: 'Claude Code' };
    const definition: ProviderDefinition<never> = {
      manifest,
      connectOptionsSchema: z.never(),
      checkKeyFormat: () => null,
      verifyCredentials: async () => {
        throw next();
      },
      fetchDay: async () => {
        throw next();
      },
      normalizeDay: () => [],
      fetchSeats: async () => {
        throw next();
      },
    };
    const provider = bindProvider(definition, ctx);
    const credentials = { apiKey: 'k', options: undefined as never, teamId: 't' };

    await expect(provider.fetchDay!(credentials, '2026-06-15')).rejects.toMatchObject({
      outcome: 'failed',
      message:
        'The Claude Code API answered a body this version does not read (at data[3].date: expected string, ' +
        'received number); the day is tried again on the next daily run.',
    });
    await expect(provider.fetchSeats!(credentials)).rejects.toMatchObject({
      outcome: 'failed',
      message: expect.stringMatching(/; the seats are read again on the next sync\.$/),
    });
    const refused = provider.verifyCredentials(credentials);
    await expect(refused).rejects.toBeInstanceOf(ProviderUnavailableError);
    await expect(refused).rejects.toThrow(/; try again in a few minutes\.$/);

    next = damaged;
    await expect(provider.fetchDay!(credentials, '2026-06-15')).rejects.toMatchObject({
      outcome: 'retry_later',
      message:
        'The Claude Code API answered a body that is not JSON 3 times in a row (cut short or damaged on the way); ' +
        'the queue tries the day again.',
    });
    await expect(provider.fetchDay!(credentials, '2026-06-15')).rejects.toBeInstanceOf(ProviderCallError);
  });

  it('knows every registered provider by its API id, and names them when asked for another', () => {
    const catalog = createProviderCatalog(() => ctx);
    expect(catalog.all().map((manifest) => manifest.id)).toEqual([
      'claude_code',
      'github_copilot',
      'cursor',
      'claude_enterprise',
    ]);
    expect(catalog.get('github_copilot').manifest.displayName).toBe('GitHub Copilot');
    expect(() => catalog.get('claude-code')).toThrow(ValidationError);
    expect(() => catalog.get('claude-code')).toThrow(
      /the providers are claude_code, github_copilot, cursor, claude_enterprise/,
    );
    // What was sent is not repeated (it may be a pasted key).
    expect(() => catalog.get(TEST_KEYS.anthropicPasted)).toThrow(/^Unknown provider: the providers are/);
    expect(() => catalog.get(TEST_KEYS.anthropicPasted)).not.toThrow(/sk-ant/);
    expect(catalog.find('windsurf')).toBeUndefined();
  });

  it('lists the same manifests, in the same order, as the registry defines providers', () => {
    expect(providerManifests).toEqual(providerDefinitions.map((definition) => definition.manifest));
    providerManifests.forEach((manifest, index) =>
      expect(manifest).toBe(providerDefinitions[index]?.manifest),
    );
  });

  it('registers each provider once, under an id of lower-case words joined by underscores', () => {
    const ids = providerDefinitions.map((definition) => definition.manifest.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
  });
});
