import { providerManifests } from '../providers/manifests';
import { httpHandler, json } from '../shared/http';

/** GET /health — liveness, no authentication, no dependencies touched. */
export const handler = httpHandler(async () =>
  json(200, {
    status: 'ok',
    service: 'ai-usage',
    providers: providerManifests.map((manifest) => manifest.id),
    time: new Date().toISOString(),
  }),
);
