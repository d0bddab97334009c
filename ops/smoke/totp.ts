import { Secret, TOTP } from 'otpauth';

const PERIOD_SECONDS = 30;
const STEP_MS = PERIOD_SECONDS * 1000;
/** Past the step boundary before a new code is made, so client and Cognito agree on the step. */
const MARGIN_MS = 1000;

/**
 * The authenticator app of the throwaway user: RFC 6238 codes (SHA-1, 6 digits, 30 s, Cognito's
 * parameters) from the base32 secret AssociateSoftwareToken returned. Cognito refuses a code it has
 * already accepted, so a second code in the same 30-s step waits for the next step.
 */
export class Authenticator {
  private readonly secret: Secret;
  private lastCounter = -1;

  constructor(
    secretBase32: string,
    private readonly clock: { now: () => number; sleep: (ms: number) => Promise<void> },
  ) {
    this.secret = Secret.fromBase32(secretBase32);
  }

  async code(): Promise<string> {
    // A few rounds at most: a sleep that comes back early only costs one more wait.
    for (let round = 0; round < 3; round++) {
      const now = this.clock.now();
      const counter = TOTP.counter({ period: PERIOD_SECONDS, timestamp: now });
      if (counter > this.lastCounter) {
        this.lastCounter = counter;
        return TOTP.generate({ secret: this.secret, period: PERIOD_SECONDS, digits: 6, timestamp: now });
      }
      await this.clock.sleep(STEP_MS - (now % STEP_MS) + MARGIN_MS);
    }
    throw new Error('the clock did not reach the next 30-s TOTP step');
  }
}
