import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type Environment } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { ProviderManifest } from '../../functions/domain/provider-manifest';
import { providerManifests } from '../../functions/providers/manifests';
import { buildApp } from '../../lib/app';
import { stageConfig, type StageConfig, type StageName } from '../../lib/config';
import { PROJECT_ROOT } from '../../lib/constructs/service-function';

/** The context (feature flags) of cdk.json, so tests build the app exactly as `cdk synth` does. */
export const cdkContext = (
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

export interface BuildTestAppOptions {
  providers?: readonly ProviderManifest[];
  outdir?: string;
  /** Bind the stacks to an account and region, as `cdk deploy` does; omitted, they are environment-agnostic. */
  env?: Environment;
  /** The built page to deploy; by default a folder without one, so the placeholder is deployed whatever web/dist holds. */
  pageDirectory?: string;
}

/** No page is built here: tests see the placeholder whether or not `npm run build:web` has run. */
export const NO_PAGE_BUILT = join(PROJECT_ROOT, 'test', 'infra', 'no-page-built');

/** The alarm address tests give a stage, as an operator would in cdk.json's "alarmEmails". */
export const TEST_ALARM_EMAIL = 'ops@example.com';

/** A stage's configuration as a deploy reads it: prod (which must notify someone) with an alarm e-mail. */
export function deployable(stage: StageName): StageConfig {
  const config = stageConfig(stage);
  return config.alarmEmailRequired ? { ...config, alarmEmail: TEST_ALARM_EMAIL } : config;
}

/** Builds the app for a stage (or a config) without bundling (fast); returns stacks and templates. */
export function synthStage(stage: StageName | StageConfig, options: BuildTestAppOptions = {}) {
  const config = typeof stage === 'string' ? deployable(stage) : stage;
  const app = new App({
    context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] },
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  const stacks = buildApp(app, config, {
    ...(options.providers ? { providers: options.providers } : {}),
    ...(options.env ? { env: options.env } : {}),
    pageDirectory: options.pageDirectory ?? NO_PAGE_BUILT,
  });
  // Templates are made on first use: making one synthesizes the app, after which it cannot change.
  let stateful: Template | undefined;
  let stateless: Template | undefined;
  return {
    app,
    config,
    ...stacks,
    get statefulTemplate() {
      return (stateful ??= Template.fromStack(stacks.stateful));
    },
    get statelessTemplate() {
      return (stateless ??= Template.fromStack(stacks.stateless));
    },
  };
}

export type Resource = { Type: string; Properties: Record<string, unknown> } & Record<string, unknown>;
export type Resources = Record<string, Resource>;

export const resourcesOf = (template: Template): Resources => template.toJSON().Resources as Resources;

/** The logical-id stem CDK gives a provider's constructs: `Provider-claude_code` → `Providerclaudecode`. */
export const providerStem = (manifest: ProviderManifest) =>
  `Provider${manifest.id.replace(/[^A-Za-z0-9]/g, '')}`;

/**
 * Renders a template value as readable text: pseudo parameters as <region>, <partition>, <account>; outputs
 * of the stateful stack read with Fn::GetStackOutput as <UsageTable>, <SecretsKey>, …; the stack's queues as <queue:provider> and
 * <dlq:provider> (and <queue:attribution>, <queue:telemetry-rebuild>, <queue:imports>, <ImportsBucket>); other references as <LogicalId>.
 */
export function render(value: unknown, manifests: readonly ProviderManifest[] = providerManifests): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => render(v, manifests)).join(',');
  if (value && typeof value === 'object') {
    const [[fn, arg]] = Object.entries(value) as [[string, unknown]];
    if (fn === 'Fn::Join') {
      const [separator, parts] = arg as [string, unknown[]];
      return parts.map((p) => render(p, manifests)).join(separator);
    }
    if (fn === 'Ref') {
      const pseudo: Record<string, string> = {
        'AWS::Region': '<region>',
        'AWS::Partition': '<partition>',
        'AWS::AccountId': '<account>',
      };
      return pseudo[arg as string] ?? logical(arg as string, manifests);
    }
    if (fn === 'Fn::GetAtt') return logical((arg as string[])[0] ?? '', manifests);
    if (fn === 'Fn::GetStackOutput') {
      const output = (arg as { OutputName: string }).OutputName;
      const name = /PublishOutput(?:FnGetAtt|Ref)(.+?)[0-9A-F]{8}(?:Arn|[0-9A-F]{8}$)/.exec(output);
      return `<${name?.[1] ?? output}>`;
    }
  }
  return JSON.stringify(value);
}

function logical(id: string, manifests: readonly ProviderManifest[]): string {
  for (const manifest of manifests) {
    const stem = providerStem(manifest);
    if (id.startsWith(`${stem}SyncQueue`)) return `<queue:${manifest.id}>`;
    if (id.startsWith(`${stem}SyncDeadLetter`)) return `<dlq:${manifest.id}>`;
  }
  if (id.startsWith('AttributionRequestsQueue')) return '<queue:attribution>';
  if (id.startsWith('AttributionRequestsDeadLetter')) return '<dlq:attribution>';
  if (id.startsWith('TelemetryRebuildsQueue')) return '<queue:telemetry-rebuild>';
  if (id.startsWith('TelemetryRebuildsDeadLetter')) return '<dlq:telemetry-rebuild>';
  if (id.startsWith('ImportsFilesQueue')) return '<queue:imports>';
  if (id.startsWith('ImportsFilesDeadLetter')) return '<dlq:imports>';
  if (id.startsWith('ImportsUploads')) return '<ImportsBucket>';
  return `<${id}>`;
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/**
 * CDK's own functions, by logical id: the custom-resource provider that empties the buckets before a dev stack is
 * destroyed (autoDeleteObjects; prod keeps its buckets), and the singleton handler of aws-s3-deployment that
 * copies the page into its bucket (`Custom::CDKBucketDeployment<uuid>` at the stack's root).
 */
export const CDK_FUNCTION_ID = /^Custom(.*CustomResourceProvider|CDKBucketDeployment[0-9A-F]{32})/;

/** The stack's own Lambda functions: every one but CDK's (CDK_FUNCTION_ID). */
export const ownFunctions = (template: Template): [string, Resource][] =>
  Object.entries(resourcesOf(template)).filter(
    ([id, r]) => r.Type === 'AWS::Lambda::Function' && !CDK_FUNCTION_ID.test(id),
  );

/** The Lambda function whose Description starts with `description`, with its logical id. */
export function functionNamed(template: Template, description: string): [string, Resource] {
  const found = Object.entries(resourcesOf(template)).filter(
    ([, r]) =>
      r.Type === 'AWS::Lambda::Function' && String(r.Properties.Description ?? '').startsWith(description),
  );
  if (found.length !== 1) throw new Error(`${found.length} functions described "${description}"`);
  return found[0] as [string, Resource];
}

/**
 * Everything a function's role may do, one line per action × resource:
 * `dynamodb:Query <UsageTable>`, `kms:Decrypt <SecretsKey> if StringEquals(kms:ViaService=secretsmanager.<region>.amazonaws.com)`.
 * The function's own log group reads as <own logs>. Sorted; Deny statements would read `DENY …`.
 */
export function grantsOf(
  template: Template,
  description: string,
  manifests: readonly ProviderManifest[] = providerManifests,
): string[] {
  const resources = resourcesOf(template);
  const [, fn] = functionNamed(template, description);
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const logGroupId = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
  const grants = Object.values(resources)
    .filter(
      (r) =>
        r.Type === 'AWS::IAM::Policy' &&
        (r.Properties.Roles as unknown[]).some(
          (role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId }),
        ),
    )
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
    .flatMap((statement) => {
      const condition = statement.Condition
        ? ` if ${Object.entries(statement.Condition)
            .map(
              ([operator, entries]) =>
                `${operator}(${Object.entries(entries)
                  .map(([key, value]) => `${key}=${render(value, manifests)}`)
                  .join(' ')})`,
            )
            .join(' ')}`
        : '';
      const effect = statement.Effect === 'Allow' ? '' : 'DENY ';
      return list(statement.Action).flatMap((action) =>
        list(statement.Resource).map(
          (resource) =>
            `${effect}${action} ${render(resource, manifests).replace(`<${logGroupId}>`, '<own logs>')}${condition}`,
        ),
      );
    });
  return [...new Set(grants)].sort();
}

/** The environment variables of a function, rendered. */
export function environmentOf(
  template: Template,
  description: string,
  manifests: readonly ProviderManifest[] = providerManifests,
): Record<string, string> {
  const [, fn] = functionNamed(template, description);
  const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
  return Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, render(value, manifests)]));
}
