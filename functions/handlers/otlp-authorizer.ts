import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { UnauthorizedError } from '../domain/errors';
import { authenticateIngestToken, type AuthenticateIngestPorts } from '../domain/use-cases/ingest-telemetry';
import { ingestTokenRepository } from '../adapters/dynamodb';
import { systemClock } from '../adapters/system';
import { lazy } from '../shared/lazy';
import { logger, withPowertools } from '../shared/observability';

export type IngestTokenContext = { team_id: string };
type Result = APIGatewaySimpleAuthorizerWithContextResult<Partial<IngestTokenContext>>;

/**
 * The HTTP API's authorizer of ingest-token routes (simple responses, cached by the Authorization header): the
 * token's SHA-256 looked up, as the function behind the route does again. A request without a live token never
 * reaches that function, so a flood of bad tokens costs one cached lookup each, not an ingest.
 */
export function createOtlpAuthorizer(ports: () => AuthenticateIngestPorts) {
  return withPowertools<APIGatewayRequestAuthorizerEventV2, Result>().handler(
    async (event): Promise<Result> => {
      try {
        const { team_id } = await authenticateIngestToken(event.headers?.authorization, ports());
        return { isAuthorized: true, context: { team_id } };
      } catch (error) {
        if (!(error instanceof UnauthorizedError)) throw error;
        // The token is never logged: only that one was refused.
        logger.info('ingest token refused');
        return { isAuthorized: false, context: {} };
      }
    },
  );
}

export const handler = createOtlpAuthorizer(
  lazy(() => ({ ingestTokens: ingestTokenRepository(), clock: systemClock })),
);
