import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Stack, Validations, type RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type CfnLogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../config';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The newest Node.js runtime aws-cdk-lib offers (an infra test fails when a newer one appears, so the
 * upgrade is a reviewed change rather than a silent one).
 */
export const NODE_RUNTIME = Runtime.NODEJS_24_X;
/** esbuild target matching the runtime: "nodejs24.x" → "node24". */
export const ESBUILD_TARGET = NODE_RUNTIME.name.replace(/^nodejs(\d+)\.x$/, 'node$1');

export interface ServiceFunctionProps {
  /** Source file relative to the project root (functions/routes.ts lists them). */
  entry: string;
  /** Also the start of the role's description; the infra tests find functions by it. */
  description: string;
  /** Powertools service name: the `service` dimension of logs and metrics. */
  serviceName: string;
  environment?: Record<string, string>;
  timeout?: Duration;
  memorySize?: number;
  reservedConcurrentExecutions?: number;
  logRetention: RetentionDays;
  /** Of the log group: DESTROY in dev so a destroyed stage leaves nothing behind. */
  logRemovalPolicy: RemovalPolicy;
}

/**
 * The one Lambda function construct: newest Node runtime, ARM64, active tracing, an explicit log group with
 * retention, esbuild ESM bundles (minified, source maps, AWS SDK bundled, local esbuild, no Docker), and a
 * role of its own that can only write its own logs and traces. Every other permission is added by the stack,
 * statement by statement, for what that function does.
 */
export class ServiceFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    // An explicit role instead of the managed AWSLambdaBasicExecutionRole (logs:* on every log group).
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (least privilege)`,
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn, `${this.logGroup.logGroupArn}:*`],
      }),
    );
    this.function = new NodejsFunction(this, 'Function', {
      entry: join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: NODE_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      logGroup: this.logGroup,
      role: this.role,
      ...(props.reservedConcurrentExecutions !== undefined
        ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions }
        : {}),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: ESBUILD_TARGET,
        platform: 'node',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        mainFields: ['module', 'main'],
        // Bundle the AWS SDK too: pinned versions, tree-shaken, no dependence on the runtime's copy.
        externalModules: [],
        // Some dependencies (X-Ray SDK) still call require(): give the ESM bundle one.
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
      },
    });
    const logGroupId = Stack.of(this).getLogicalId(this.logGroup.node.defaultChild as CfnLogGroup);
    Validations.of(this.role).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason:
          'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support only Resource "*" (no resource-level permissions).',
      },
      {
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${logGroupId}.Arn>:*]`,
        reason:
          "Log streams are created at run time with generated names; the wildcard is confined to this function's own log group.",
      },
    );
  }
}
