export { parseSmokeArgs, SMOKE_USAGE } from './args';
export type { SmokeDeps } from './deps';
export { runSmoke, type SmokeResult } from './run-smoke';
