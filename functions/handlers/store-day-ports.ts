import { attributionStore, rosterRepository, usageRepository } from '../adapters/dynamodb';
import { manifestCatalog } from '../providers/manifests';
import { log } from '../shared/observability';

/**
 * The ports every function that stores days wires alike — the fetchers, imports, the import worker, the telemetry
 * rebuild, re-attribution: the usage table, and what refreshing the blocks and attribution above a day reads
 * (functions/domain/use-cases/refresh-attribution.ts). Each handler adds what is its own.
 */
export function storeDayPorts() {
  return {
    usage: usageRepository(),
    attribution: attributionStore(),
    roster: rosterRepository(),
    manifests: manifestCatalog,
    log,
  };
}
