/**
 * The CDK app: the only place that reads environment and context.
 *   npm run synth                      offline, no credentials (STAGE=prod for prod)
 *   STAGE=prod npm run deploy          -c alarmEmail=ops@example.com to mail alarms
 * With credentials the CLI sets CDK_DEFAULT_ACCOUNT/REGION and the stacks are bound to them; without, they
 * are environment-agnostic, so synth needs no AWS access.
 */
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app';
import { stageConfig } from '../lib/config';

const app = new App();
const alarmEmail: unknown = app.node.tryGetContext('alarmEmail');
const config = stageConfig(app.node.tryGetContext('stage') ?? 'dev', {
  ...(typeof alarmEmail === 'string' && alarmEmail !== '' ? { alarmEmail } : {}),
});
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
buildApp(app, config, account && region ? { env: { account, region } } : {});
app.synth();
