import { join, resolve } from 'node:path';

/** Where the local run keeps its state (git-ignored): DynamoDB Local's files, keys, secrets. */
export const LOCAL_DIR = resolve(process.env.LOCAL_DATA_DIR ?? '.local');
export const SIGNING_KEYS_FILE = join(LOCAL_DIR, 'jwt-signing-keys.json');
export const DEFAULT_PORT = 3001;
export const DEMO_TEAM = 'demo-team';
export const localPort = () => Number(process.env.PORT ?? DEFAULT_PORT);
/**
 * How long `npm start` lets a changed telemetry day wait for its rebuild: shorter than the stack's 60 s, so a
 * newcomer sending `npm run telemetry` sees the figures soon.
 */
export const LOCAL_TELEMETRY_REBUILD_DELAY_MS = 10_000;
