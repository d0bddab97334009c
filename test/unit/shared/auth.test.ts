import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { callerFromEvent } from '../../../functions/shared/auth';

const event = (claims: Record<string, string>) =>
  ({
    requestContext: { authorizer: { jwt: { claims, scopes: [] } } },
  }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

describe('caller from verified claims', () => {
  it('reads team, role and subject', () => {
    expect(callerFromEvent(event({ 'custom:team_id': 'acme', 'custom:role': 'member', sub: 'u1' }))).toEqual({
      teamId: 'acme',
      role: 'member',
      subject: 'u1',
    });
  });

  it.each([
    [{ 'custom:role': 'admin' }, /team/],
    [{ 'custom:team_id': 'acme' }, /role/],
    [{ 'custom:team_id': 'acme', 'custom:role': 'owner' }, /role/],
    [{ 'custom:team_id': 'TEAM#other', 'custom:role': 'admin' }, /team/],
  ])('refuses claims %j', (claims, message) => {
    expect(() => callerFromEvent(event(claims as Record<string, string>))).toThrow(message);
  });
});
