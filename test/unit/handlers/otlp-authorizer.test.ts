import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { hashIngestToken, newIngestToken } from '../../../functions/domain/ingest-tokens';
import { createOtlpAuthorizer } from '../../../functions/handlers/otlp-authorizer';
import { lambdaContext } from '../../../local/lambda-context';
import { fixedClock } from '../../helpers/memory-ports';

/** The ingest token authorizer's verdicts: the team for a live token, a refusal (never an error) for any other. */
const token = newIngestToken();
const touched: string[] = [];
const authorizer = createOtlpAuthorizer(() => ({
  ingestTokens: {
    resolve: async (hash) =>
      hash === hashIngestToken(token) ? { team_id: 'team-a', token_id: 'itk_1' } : undefined,
    touch: async (teamId, tokenId) => void touched.push(`${teamId}|${tokenId}`),
  },
  clock: fixedClock('2026-11-30T12:00:00Z'),
}));
const event = (authorization?: string) =>
  ({
    version: '2.0',
    type: 'REQUEST',
    routeArn: 'arn:aws:execute-api:eu-west-1:000000000000:api/$default/POST/api/ai-usage/otlp/v1/metrics',
    identitySource: authorization ? [authorization] : [],
    headers: authorization ? { authorization } : {},
  }) as unknown as APIGatewayRequestAuthorizerEventV2;

describe('the ingest token authorizer', () => {
  it('lets a live token through with its team, and notes its use', async () => {
    expect(await authorizer(event(`Bearer ${token}`), lambdaContext('otlpAuthorizer'))).toEqual({
      isAuthorized: true,
      context: { team_id: 'team-a' },
    });
    expect(touched).toEqual(['team-a|itk_1']);
  });

  it.each([
    ['no header', undefined],
    ['an unknown token', `Bearer ${newIngestToken()}`],
    ['a JWT', 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln'],
  ])('refuses %s', async (_what, header) => {
    expect(await authorizer(event(header), lambdaContext('otlpAuthorizer'))).toEqual({
      isAuthorized: false,
      context: {},
    });
  });
});
