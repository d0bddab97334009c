/**
 * The CDK app: the only place that reads environment and context.
 *   npx cdk synth -c stage=dev     (offline, no credentials)
 *   npx cdk deploy --all -c stage=prod
 */
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app';
import { stageConfig } from '../lib/config';

const app = new App();
const config = stageConfig(app.node.tryGetContext('stage') ?? 'dev', {
  ...(app.node.tryGetContext('alarmEmail')
    ? { alarmEmail: String(app.node.tryGetContext('alarmEmail')) }
    : {}),
});
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
buildApp(app, config, account && region ? { account, region } : undefined);
app.synth();
