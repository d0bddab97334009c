import { ENV } from '../environment';
import type { RequestCounter } from '../domain/ports';
import { TeamThrottle } from '../domain/request-throttle';
import { TELEMETRY_REQUESTS_PER_MINUTE } from '../domain/use-cases/ingest-telemetry';

/**
 * The per-team limit of POST /otlp/v1/metrics: the stack's TELEMETRY_REQUESTS_PER_MINUTE, or the default. One per
 * function instance: it keeps the instance's unflushed counts between invocations.
 */
export function telemetryThrottle(
  counter: RequestCounter,
  env: NodeJS.ProcessEnv = process.env,
): TeamThrottle {
  const configured = env[ENV.telemetryRequestsPerMinute];
  const requests = configured ? Number(configured) : TELEMETRY_REQUESTS_PER_MINUTE;
  return new TeamThrottle(counter, 'otlp', { requests, windowSeconds: 60 });
}
