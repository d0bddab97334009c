/**
 * `npm start`: the whole pipeline on this machine, on real parts (see README "Local run").
 * DynamoDB Local + fake provider servers + the same Lambda handlers behind a local API Gateway.
 */
import { localProcessEnv } from '../local/env';

// Set before the handlers load: Powertools reads its settings when its modules are imported.
Object.assign(process.env, { ...localProcessEnv(), ...process.env });
const { runLocal } = await import('../local/main');
await runLocal();
