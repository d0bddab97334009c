import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { StageName } from '../../lib/config';

/** `size` random bytes (crypto.randomBytes in the real run). */
export type RandomSource = (size: number) => Uint8Array;

/** Everything the smoke run talks to or depends on, so a test can pass doubles for each. */
export interface SmokeDeps {
  stage: StageName;
  cloudFormation: CloudFormationClient;
  cognito: CognitoIdentityProviderClient;
  cloudWatch: CloudWatchClient;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  /** Epoch milliseconds. */
  now: () => number;
  random: RandomSource;
  /** Writes one line for the operator (already redacted). */
  print: (line: string) => void;
}
