import { z } from 'zod';
import { seatReportingProviders } from '../../../functions/domain/provider';
import { createProviderCatalog } from '../../../functions/providers/catalog';
import { manifestCatalog } from '../../../functions/providers/manifests';
import type { ProviderManifest } from '../../../functions/domain/provider-manifest';
import type { ProviderDefinition } from '../../../functions/providers/types';
import { testManifest } from '../../helpers/memory-ports';

/** A definition that is never called: only its manifest and whether it fetches seats matter here. */
function registeredDefinition(
  manifest: ProviderManifest,
  extra: Pick<ProviderDefinition<never>, 'fetchSeats'>,
): ProviderDefinition<never> {
  return {
    manifest,
    connectOptionsSchema: z.never(),
    checkKeyFormat: () => null,
    verifyCredentials: () => Promise.reject(new Error('not called')),
    normalizeDay: () => [],
    ...extra,
  };
}

/**
 * The providers that report licences are the ones that fetch seats. The seats view names them when a team has no
 * seat-based tool; the dashboard function loads manifests, not provider code, so each manifest says it
 * (`reportsSeats`), and the catalog refuses a definition whose flag and code disagree.
 */
describe('providers that report licences', () => {
  it('are, in display order, the registered providers whose manifests say so', () => {
    expect(seatReportingProviders(manifestCatalog)).toEqual([
      'github_copilot',
      'cursor',
      'claude_enterprise',
    ]);
  });

  it('match what the registered providers fetch (the catalog checks every definition)', () => {
    const context = () => ({
      baseUrl: 'http://127.0.0.1:1',
      fetch: () => Promise.reject(new Error('no calls here')),
      sleep: () => Promise.resolve(),
      now: () => new Date(),
      userAgent: 'test',
    });
    expect(() => createProviderCatalog(context)).not.toThrow();
    const seats = async () => ({ kind: 'ok' as const, seats: [], requests: 0 });
    const unflagged = registeredDefinition(testManifest({ id: 'quiet_seats' }), { fetchSeats: seats });
    expect(() => createProviderCatalog(context, [unflagged])).toThrow(/quiet_seats: .*reportsSeats/);
    const flagged = registeredDefinition(testManifest({ id: 'no_seats', reportsSeats: true }), {});
    expect(() => createProviderCatalog(context, [flagged])).toThrow(/no_seats: .*reportsSeats/);
  });
});
