import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { RandomSource } from './deps';
import { randomId, strongPassword } from './random-text';

/** A throwaway member of a throwaway team. The passwords are secrets: never print them. */
export interface TestUser {
  email: string;
  teamId: string;
  temporaryPassword: string;
  /** The pool's own user name: the pool signs in by e-mail, so Cognito makes one (a UUID). */
  username: string;
}

export function newTestUser(random: RandomSource): Omit<TestUser, 'username'> {
  const id = randomId(random);
  return {
    email: `smoke+${id}@example.com`,
    teamId: `smoke-${id}`,
    temporaryPassword: strongPassword(random),
  };
}

/**
 * AdminCreateUser with no invitation (MessageAction SUPPRESS: no e-mail, so none of Cognito's small
 * daily e-mail quota is spent), e-mail verified, and the team and role the API reads from the ID token.
 */
export async function createTestUser(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  user: Omit<TestUser, 'username'>,
): Promise<TestUser> {
  const answer = await cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: user.email,
      MessageAction: 'SUPPRESS',
      TemporaryPassword: user.temporaryPassword,
      UserAttributes: [
        { Name: 'email', Value: user.email },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'custom:team_id', Value: user.teamId },
        { Name: 'custom:role', Value: 'member' },
      ],
    }),
  );
  return { ...user, username: answer.User?.Username ?? user.email };
}

export async function deleteTestUser(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  user: TestUser,
): Promise<void> {
  await cognito.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: user.username }));
}
