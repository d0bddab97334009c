import type { App } from 'aws-cdk-lib';
import { Tags, Validations, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { StageConfig } from './config';
import { StatefulStack } from './stacks/stateful-stack';
import { StatelessStack } from './stacks/stateless-stack';

/** Builds the whole application for one stage under cdk-nag's AwsSolutions checks. */
export function buildApp(app: App, config: StageConfig, env?: Environment) {
  // References between the two stacks are strong: the stateful stack cannot drop what the other uses.
  if (app.node.tryGetContext('@aws-cdk/core:defaultCrossStackReferences') === undefined) {
    app.node.setContext('@aws-cdk/core:defaultCrossStackReferences', 'strong');
  }
  const prefix = `AiUsage-${config.stage}`;
  const stateful = new StatefulStack(app, `${prefix}-Stateful`, {
    config,
    ...(env ? { env } : {}),
    description: `AI usage analytics (${config.stage}): tables and keys`,
    terminationProtection: config.stage === 'prod',
  });
  const stateless = new StatelessStack(app, `${prefix}-Stateless`, {
    config,
    ...(env ? { env } : {}),
    description: `AI usage analytics (${config.stage}): API, functions, schedules, alarms`,
    tables: stateful.tables,
    dataKey: stateful.dataKey,
    secretsKey: stateful.secretsKey,
  });
  for (const stack of [stateful, stateless]) {
    Tags.of(stack).add('project', 'ai-usage-analytics');
    Tags.of(stack).add('stage', config.stage);
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { stateful, stateless };
}
