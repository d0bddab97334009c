import { DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { StageName } from '../../lib/config';
import { CheckFailed, describeError } from './step';

/** What the smoke run needs from the two stacks of a stage. */
export interface SmokeTargets {
  userPoolId: string;
  userPoolClientId: string;
  /** The API base, `/api/ai-usage` included. */
  apiUrl: string;
  alarmTopicArn: string;
  smokeAlarmName: string;
}

export const stackNames = (stage: StageName) => ({
  stateful: `AiUsage-${stage}-Stateful`,
  stateless: `AiUsage-${stage}-Stateless`,
});

/** The outputs each stack must have (CfnOutput ids in lib/stacks/*), mapped to SmokeTargets fields. */
export const statefulOutputs = { UserPoolId: 'userPoolId', UserPoolClientId: 'userPoolClientId' } as const;
export const statelessOutputs = {
  ApiUrl: 'apiUrl',
  AlarmTopicArn: 'alarmTopicArn',
  SmokeAlarmName: 'smokeAlarmName',
} as const;

export const deployHint = (stage: StageName) => `deploy first: STAGE=${stage} npm run deploy`;

/**
 * Reads the named outputs of one stack. A stack that does not exist, or lacks an output (an older
 * deploy, a failed one), is a CheckFailed naming it and saying how to deploy.
 */
export async function readStackOutputs<K extends string>(
  cloudFormation: CloudFormationClient,
  stackName: string,
  keys: readonly K[],
  stage: StageName,
): Promise<Record<K, string>> {
  let stack;
  try {
    const answer = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    stack = answer.Stacks?.[0];
  } catch (error) {
    // CloudFormation answers a missing stack with a ValidationError "Stack with id … does not exist".
    if (error instanceof Error && /does not exist/i.test(error.message)) {
      throw new CheckFailed(
        `stack ${stackName} does not exist${await regionSuffix(cloudFormation)}; ${deployHint(stage)}`,
      );
    }
    throw new CheckFailed(`DescribeStacks ${stackName} failed: ${describeError(error)}`);
  }
  if (!stack) {
    throw new CheckFailed(`stack ${stackName} was not found; ${deployHint(stage)}`);
  }
  const outputs = new Map((stack.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]));
  const missing = keys.filter((key) => !outputs.get(key));
  if (missing.length > 0) {
    throw new CheckFailed(
      `stack ${stackName} (${stack.StackStatus ?? 'status unknown'}) has no output ${missing.join(', ')}; ${deployHint(stage)}`,
    );
  }
  return Object.fromEntries(keys.map((key) => [key, outputs.get(key) as string])) as Record<K, string>;
}

/** " in eu-west-1" when the client knows its region, so an operator sees where it looked. */
export async function regionSuffix(client: { config: { region: () => Promise<string> } }): Promise<string> {
  try {
    return ` in ${await client.config.region()}`;
  } catch {
    return '';
  }
}
