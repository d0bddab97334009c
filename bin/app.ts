/**
 * The CDK app: the only place that reads environment and context.
 *   npm run synth                      offline, no credentials (STAGE=prod for prod)
 *   STAGE=prod npm run deploy          alarm e-mails per stage: cdk.json "alarmEmails"
 * With credentials the CLI sets CDK_DEFAULT_ACCOUNT/REGION and the stacks are bound to them; without, they
 * are environment-agnostic, so synth needs no AWS access.
 */
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app';
import { ALARM_EMAILS_CONTEXT, stageConfig } from '../lib/config';

const app = new App();
const stage: unknown = app.node.tryGetContext('stage') ?? 'dev';
if (app.node.tryGetContext('alarmEmail') !== undefined) {
  // A flag given once and forgotten on the next deploy would drop the subscription.
  throw new Error(
    `-c alarmEmail is no longer read: set "${ALARM_EMAILS_CONTEXT}": { "<stage>": "…" } in cdk.json.`,
  );
}
const emails = (app.node.tryGetContext(ALARM_EMAILS_CONTEXT) ?? {}) as Record<string, unknown>;
const alarmEmail = emails[String(stage)];
const config = stageConfig(stage, typeof alarmEmail === 'string' && alarmEmail !== '' ? { alarmEmail } : {});
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
buildApp(app, config, account && region ? { env: { account, region } } : {});
app.synth();
