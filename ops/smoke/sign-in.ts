import {
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  AssociateSoftwareTokenCommand,
  VerifySoftwareTokenCommand,
  type AdminInitiateAuthCommandOutput,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { RandomSource } from './deps';
import { strongPassword } from './random-text';
import type { RedactingPrinter } from './redacting-printer';
import { CheckFailed } from './step';
import type { TestUser } from './test-user';
import { Authenticator } from './totp';

/** More rounds than any sign-in of a new user needs (NEW_PASSWORD_REQUIRED, MFA_SETUP, SOFTWARE_TOKEN_MFA). */
const MAX_CHALLENGES = 5;

export interface SignInDeps {
  cognito: CognitoIdentityProviderClient;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: RandomSource;
  /** Every password, session, token and the TOTP secret is registered here before anything is printed. */
  out: RedactingPrinter;
}

export interface SignedIn {
  idToken: string;
  /** The challenges Cognito asked, in order (names only). */
  challenges: string[];
}

/** Cognito's challenge parameters hold lists as JSON text (`["SOFTWARE_TOKEN_MFA"]`). */
function parseList(value: string | undefined): string[] {
  if (!value) return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return value.split(',').map((item) => item.trim());
  }
}

/**
 * Signs the new user in as an operator would from a shell: AdminInitiateAuth with
 * ADMIN_USER_PASSWORD_AUTH (the client allows it for IAM-authorised operators), then answers every
 * challenge until tokens come back:
 * - NEW_PASSWORD_REQUIRED: a new generated password;
 * - MFA_SETUP: AssociateSoftwareToken with the challenge's session → TOTP secret; VerifySoftwareToken
 *   with a code from it → a new session; AdminRespondToAuthChallenge MFA_SETUP with that session;
 * - SOFTWARE_TOKEN_MFA: a fresh code (the next 30-s step if this one's code was just used).
 * Anything else is a CheckFailed naming the challenge. Returns the ID token (the one the API reads).
 */
export async function signIn(
  deps: SignInDeps,
  pool: { userPoolId: string; userPoolClientId: string },
  user: TestUser,
): Promise<SignedIn> {
  const { cognito, out } = deps;
  const clock = {
    now: deps.now,
    sleep: (ms: number) => {
      out.line(
        `  … waiting ${Math.ceil(ms / 1000)} s for the next TOTP step (Cognito refuses a reused code)`,
      );
      return deps.sleep(ms);
    },
  };
  const challenges: string[] = [];
  let authenticator: Authenticator | undefined;
  // Challenge responses take the pool's user name, not the e-mail alias the user signs in with.
  let username = user.username;

  let answer: AdminInitiateAuthCommandOutput = await cognito.send(
    new AdminInitiateAuthCommand({
      UserPoolId: pool.userPoolId,
      ClientId: pool.userPoolClientId,
      AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: user.email, PASSWORD: user.temporaryPassword },
    }),
  );

  for (let round = 0; round <= MAX_CHALLENGES; round++) {
    out.keep(answer.Session);
    const tokens = answer.AuthenticationResult;
    if (tokens) {
      out.keep(tokens.AccessToken);
      out.keep(tokens.RefreshToken);
      const idToken = out.keep(tokens.IdToken);
      if (!idToken) throw new CheckFailed('Cognito returned tokens without an ID token');
      return { idToken, challenges };
    }
    const name = answer.ChallengeName;
    if (!name) throw new CheckFailed('Cognito answered neither tokens nor a challenge');
    if (round === MAX_CHALLENGES) break;
    challenges.push(name);
    const parameters = answer.ChallengeParameters ?? {};
    username = parameters.USER_ID_FOR_SRP ?? username;
    const respond = (responses: Record<string, string>, session: string | undefined) =>
      cognito.send(
        new AdminRespondToAuthChallengeCommand({
          UserPoolId: pool.userPoolId,
          ClientId: pool.userPoolClientId,
          ChallengeName: name,
          Session: session,
          ChallengeResponses: { USERNAME: username, ...responses },
        }),
      );

    switch (name) {
      case 'NEW_PASSWORD_REQUIRED': {
        const required = parseList(parameters.requiredAttributes);
        if (required.length > 0) {
          throw new CheckFailed(
            `NEW_PASSWORD_REQUIRED asks for attributes the test user was not created with: ${required.join(', ')}`,
          );
        }
        const newPassword = out.keep(strongPassword(deps.random));
        answer = await respond({ NEW_PASSWORD: newPassword }, answer.Session);
        break;
      }
      case 'MFA_SETUP': {
        const canSetUp = parseList(parameters.MFAS_CAN_SETUP);
        if (canSetUp.length > 0 && !canSetUp.includes('SOFTWARE_TOKEN_MFA')) {
          throw new CheckFailed(`MFA_SETUP offers ${canSetUp.join(', ')}, not SOFTWARE_TOKEN_MFA (TOTP)`);
        }
        const associated = await cognito.send(new AssociateSoftwareTokenCommand({ Session: answer.Session }));
        const secretCode = out.keep(associated.SecretCode);
        out.keep(associated.Session);
        if (!secretCode) throw new CheckFailed('AssociateSoftwareToken returned no secret');
        authenticator = new Authenticator(secretCode, clock);
        const verified = await cognito.send(
          new VerifySoftwareTokenCommand({
            Session: associated.Session,
            UserCode: await authenticator.code(),
            FriendlyDeviceName: 'smoke test',
          }),
        );
        out.keep(verified.Session);
        if (verified.Status !== 'SUCCESS') {
          throw new CheckFailed(`VerifySoftwareToken answered ${verified.Status ?? 'no status'}`);
        }
        answer = await respond({}, verified.Session);
        break;
      }
      case 'SOFTWARE_TOKEN_MFA': {
        if (!authenticator) {
          throw new CheckFailed('SOFTWARE_TOKEN_MFA asked before this new user set up an authenticator');
        }
        answer = await respond({ SOFTWARE_TOKEN_MFA_CODE: await authenticator.code() }, answer.Session);
        break;
      }
      default:
        throw new CheckFailed(
          `unexpected challenge ${name}${challenges.length > 1 ? ` (after ${challenges.slice(0, -1).join(' → ')})` : ''}; the smoke test answers NEW_PASSWORD_REQUIRED, MFA_SETUP and SOFTWARE_TOKEN_MFA`,
        );
    }
  }
  throw new CheckFailed(`no tokens after ${MAX_CHALLENGES} challenges: ${challenges.join(' → ')}`);
}
