import { seatReportingProviders } from '../../../functions/domain/provider';
import { SEAT_PROVIDERS } from '../../../functions/handlers/dashboard';
import { createProviderCatalog } from '../../../functions/providers/catalog';
import { catalogOf, scriptedProvider, testManifest } from '../../helpers/memory-ports';

/**
 * The providers that report licences are the ones that fetch seats. The seats view names them when a team has no
 * seat-based tool; the dashboard function, which loads manifests and not provider code, is given them as a list
 * that must stay what the registry's providers say.
 */
describe('providers that report licences', () => {
  it('are the providers that fetch seats, in the catalog’s order', () => {
    const seats = () => ({ kind: 'ok' as const, seats: [], requests: 0 });
    const catalog = catalogOf(
      scriptedProvider({ manifest: testManifest({ id: 'b_seats' }), seats }).provider,
      scriptedProvider({ manifest: testManifest({ id: 'usage_only' }) }).provider,
      scriptedProvider({ manifest: testManifest({ id: 'a_seats' }), seats }).provider,
    );
    expect(seatReportingProviders(catalog)).toEqual(['b_seats', 'a_seats']);
  });

  it('are, for the dashboard function, the registry’s providers that fetch seats', () => {
    const registry = createProviderCatalog((manifest) => ({
      baseUrl: manifest.defaultBaseUrl,
      fetch: () => Promise.reject(new Error('no calls here')),
      sleep: () => Promise.resolve(),
      now: () => new Date(),
      userAgent: 'test',
    }));
    expect(SEAT_PROVIDERS).toEqual(seatReportingProviders(registry));
    expect(SEAT_PROVIDERS).toEqual(['github_copilot', 'cursor', 'claude_enterprise']);
  });
});
