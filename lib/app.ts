import { Tags, Validations, type App, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { ProviderManifest } from '../functions/domain/provider-manifest';
import { providerManifests } from '../functions/providers/manifests';
import { assertDeployable, type StageConfig } from './config';
import { StatefulStack } from './stacks/stateful-stack';
import { StatelessStack } from './stacks/stateless-stack';

export interface BuildOptions {
  /** Account and region; omitted, the stacks are environment-agnostic (offline synth). */
  env?: Environment;
  /** Providers to build a pipeline for; the registry's manifests unless a test passes its own. */
  providers?: readonly ProviderManifest[];
  /** The built page to deploy; `web/dist` (PAGE_BUILD_DIR) unless a test passes its own. */
  pageDirectory?: string;
}

/** Tags of both stacks and of every resource in them. */
export const stackTags = (config: StageConfig): Record<string, string> => ({
  project: 'ai-usage-analytics',
  stage: config.stage,
});

/** Builds the whole application for one stage, tagged, under cdk-nag's AwsSolutions checks. */
export function buildApp(app: App, config: StageConfig, options: BuildOptions = {}) {
  assertDeployable(config);
  const prefix = `AiUsage-${config.stage}`;
  const common = { ...(options.env ? { env: options.env } : {}), tags: stackTags(config) };
  const stateful = new StatefulStack(app, `${prefix}-Stateful`, {
    ...common,
    config,
    description: `AI usage analytics (${config.stage}): tables, keys, user pool`,
    terminationProtection: config.protectFromDeletion,
  });
  const stateless = new StatelessStack(app, `${prefix}-Stateless`, {
    ...common,
    config,
    description: `AI usage analytics (${config.stage}): API, page, functions, schedules, alarms`,
    terminationProtection: config.protectFromDeletion,
    providers: options.providers ?? providerManifests,
    ...(options.pageDirectory ? { pageDirectory: options.pageDirectory } : {}),
    tables: stateful.tables,
    dataKey: stateful.dataKey,
    secretsKey: stateful.secretsKey,
    userPool: stateful.userPool,
    userPoolClient: stateful.userPoolClient,
  });
  // On the stacks through their props (@aws-cdk/core:explicitStackTags keeps Tags.of off the stack itself), and
  // written on each resource too: CloudFormation's propagation of stack tags varies by resource type.
  for (const stack of [stateful, stateless]) {
    for (const [key, value] of Object.entries(stackTags(config))) Tags.of(stack).add(key, value);
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { stateful, stateless };
}
