import type { Dependencies } from '../domain/use-cases/dependencies';
import { connectIntegration } from '../domain/use-cases/connect-integration';
import { toView } from '../domain/use-cases/manage-integrations';
import { awsDependencies, lazy } from '../adapters/aws-dependencies';
import { connectBodySchema } from '../schemas/api';
import { callerFromEvent } from '../shared/auth';
import { httpHandler, json, parseBody } from '../shared/http';

/** POST /connect — checks, encrypts and stores a provider key, then starts the backfill. */
export function createConnectHandler(deps: () => Dependencies) {
  return httpHandler(async (event) => {
    const caller = callerFromEvent(event);
    const { provider, api_key, name, backfill_days, ...options } = parseBody(event, connectBodySchema);
    const result = await connectIntegration(
      caller,
      { provider, apiKey: api_key, name, options, backfillDays: backfill_days },
      deps(),
    );
    return json(
      result.created ? 201 : 200,
      {
        integration_id: result.integration.integration_id,
        status: result.integration.status,
        created: result.created,
        integration: toView(result.integration, deps()),
        backfill: result.backfill,
      },
      { location: `/api/ai-usage/integrations/${result.integration.integration_id}` },
    );
  });
}

export const handler = createConnectHandler(lazy(() => awsDependencies()));
