import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/app';
import { stageConfig, type StageName } from '../../lib/config';

/** Builds the app for a stage without bundling (fast), and returns both templates. */
export function synthStage(stage: StageName) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const { stateful, stateless } = buildApp(app, stageConfig(stage));
  return { app, stateful: Template.fromStack(stateful), stateless: Template.fromStack(stateless) };
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** The IAM statements attached to the role of the function whose Description starts with `description`. */
export function statementsOf(template: Template, description: string): Statement[] {
  const resources = template.toJSON().Resources as Resources;
  const fn = Object.values(resources).find(
    (r) =>
      r.Type === 'AWS::Lambda::Function' && String(r.Properties.Description ?? '').startsWith(description),
  );
  if (!fn) throw new Error(`no function described "${description}"`);
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(roleId))
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

export const actionsOf = (statements: Statement[]): string[] =>
  statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

/** Statements that allow `action` on a resource whose JSON mentions `resourceHint`. */
export const allowing = (statements: Statement[], action: string, resourceHint?: string) =>
  statements.filter(
    (s) =>
      s.Effect === 'Allow' &&
      (Array.isArray(s.Action) ? s.Action : [s.Action]).includes(action) &&
      (resourceHint === undefined || JSON.stringify(s.Resource).includes(resourceHint)),
  );
