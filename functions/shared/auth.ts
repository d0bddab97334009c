import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { UnauthorizedError } from '../domain/errors';
import type { Caller, Role } from '../domain/model';

/** Claim names carried by the verified JWT (Cognito custom attributes in the ID token). */
export const TEAM_CLAIM = 'custom:team_id';
export const ROLE_CLAIM = 'custom:role';
const TEAM_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The caller's team and role come only from the claims the API Gateway JWT authorizer verified,
 * never from the request body or query.
 */
export function callerFromEvent(event: APIGatewayProxyEventV2WithJWTAuthorizer): Caller {
  const claims = event.requestContext.authorizer?.jwt?.claims ?? {};
  const teamId = claims[TEAM_CLAIM];
  const role = claims[ROLE_CLAIM];
  const subject = claims.sub;
  if (typeof teamId !== 'string' || !TEAM_ID.test(teamId)) {
    throw new UnauthorizedError('The token carries no valid team (custom:team_id claim). Sign in again.');
  }
  if (role !== 'admin' && role !== 'member') {
    throw new UnauthorizedError('The token carries no valid role (custom:role must be admin or member).');
  }
  // Cognito lets a user change their e-mail; until they prove the new one it is unverified and not used.
  const email = claims.email;
  const verified = claims.email_verified === true || claims.email_verified === 'true';
  return {
    teamId,
    role: role as Role,
    subject: typeof subject === 'string' ? subject : 'unknown',
    ...(typeof email === 'string' && verified ? { email: email.toLowerCase() } : {}),
  };
}
