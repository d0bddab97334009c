/**
 * `npm start`: the whole pipeline on this machine, on real parts (see README "Local run").
 * DynamoDB Local + fake provider servers + the same Lambda handlers behind a local API Gateway.
 */
import { localProcessEnv } from '../local/env';
import { exposureCaptureFromEnv, recordEnvOnExit, teeOutput } from '../local/exposure-capture';

// Set before the handlers load: Powertools reads its settings when its modules are imported.
Object.assign(process.env, { ...localProcessEnv(), ...process.env });
// Only when a test run starts it (EXPOSURE_CAPTURE_DIR): its output and environment, for the secret exposure check.
const capture = exposureCaptureFromEnv();
if (capture) {
  teeOutput(capture, [
    { name: 'stdout', stream: process.stdout },
    { name: 'stderr', stream: process.stderr },
  ]);
  recordEnvOnExit(capture, 'npm start');
}
const { runLocal } = await import('../local/main');
await runLocal();
