import { providerManifests } from '../providers/manifests';
import type { HealthResponse } from '../schemas/responses';
import { httpHandler, json } from '../shared/http';

/** GET /health — liveness, no authentication, no dependencies touched. */
export const handler = httpHandler(async () =>
  json<HealthResponse>(200, {
    status: 'ok',
    service: 'ai-usage',
    providers: providerManifests.map((manifest) => manifest.id),
    time: new Date().toISOString(),
  }),
);
