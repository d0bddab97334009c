/**
 * `npm run smoke -- --stage dev|prod`: the operator's smoke test of a deployed stage (ops/smoke/), with the
 * operator's AWS credentials. Exit code 0 when every step passed, 1 when any failed, 2 on a usage error.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { parseSmokeArgs, runSmoke } from '../ops/smoke';

const args = parseSmokeArgs(process.argv.slice(2));
if (!args.ok) {
  (args.help ? console.log : console.error)(args.message);
  process.exit(args.help ? 0 : 2);
}

const clients = {
  cloudFormation: new CloudFormationClient({}),
  cognito: new CognitoIdentityProviderClient({}),
  cloudWatch: new CloudWatchClient({}),
};
try {
  const result = await runSmoke({
    stage: args.stage,
    ...clients,
    fetch: globalThis.fetch,
    sleep: (ms) => delay(ms),
    now: () => Date.now(),
    random: (size) => randomBytes(size),
    print: (line) => console.log(line),
  });
  process.exitCode = result.exitCode;
} finally {
  for (const client of Object.values(clients)) client.destroy();
}
