import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Aws, Duration, Stack, Tags, Validations, type RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type CfnLogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { CfnBucket, IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { TableDefinition } from '../../functions/adapters/dynamodb/table-definitions';
import { ENV } from '../../functions/environment';
import { METRICS_NAMESPACE } from '../config';
import {
  SECRET_CONTEXT_KEYS,
  SECRETS_PROVIDER_TAG,
  SECRETS_ROLE_DECRYPT,
  SECRETS_ROLE_ENCRYPT,
  SECRETS_ROLE_TAG,
} from './provider-secrets-key';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The newest Node.js runtime aws-cdk-lib offers (an infra test fails when a newer one appears, so the
 * upgrade is a reviewed change rather than a silent one).
 */
export const NODE_RUNTIME = Runtime.NODEJS_24_X;
/** esbuild target matching the runtime: "nodejs24.x" → "node24". */
export const ESBUILD_TARGET = NODE_RUNTIME.name.replace(/^nodejs(\d+)\.x$/, 'node$1');

/** A table of the stateful stack with the shared definition it was built from (its variable, its indexes). */
export interface DataTable {
  definition: TableDefinition;
  table: ITable;
}

/** The application's tables, by what they hold. */
export interface DataTables {
  integrations: DataTable;
  usage: DataTable;
  idempotency: DataTable;
}

/**
 * The DynamoDB actions a binding may grant: never Scan or ConditionCheckItem. BatchGetItem reads items by full
 * key only (identity blocks, one person's rows), so it reaches no more than GetItem does.
 */
export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:Query'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:BatchWriteItem';
/**
 * What storing a day of usage takes on the usage table (functions/domain/stored-day.ts, the same for a fetcher,
 * the import worker and rows typed in): PutItem/UpdateItem/DeleteItem also cover the TransactWriteItems of
 * rollup + ledger + block index and of a day's attribution; BatchWriteItem the day's rows; BatchGetItem identity
 * blocks by key; Query and GetItem read what the day replaces.
 */
export const STORE_DAYS_ACTIONS: readonly TableAction[] = [
  'dynamodb:Query',
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];
const READ_ACTIONS: ReadonlySet<TableAction> = new Set([
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
]);

/** Where provider keys are kept: the secrets key, and the stage's Secrets Manager name prefix. */
export interface ProviderSecrets {
  key: IKey;
  namePrefix: string;
}

/**
 * What a function does with provider keys: `encrypt` (connect) encrypts a key under its integration's context
 * and stores it in a secret of its own; `decrypt` (a fetcher) reads secrets and decrypts its provider's keys
 * only; `delete` (integrations) deletes a disconnected integration's secret by the ARN stored on it.
 */
export type SecretsUse = { use: 'encrypt' } | { use: 'decrypt'; provider: string } | { use: 'delete' };

type Conditions = Record<string, Record<string, unknown>>;
const viaService = (service: string): Conditions => ({
  StringEquals: { 'kms:ViaService': `${service}.${Aws.REGION}.amazonaws.com` },
});

export interface ServiceFunctionProps {
  /** Source file relative to the project root (functions/routes.ts lists them). */
  entry: string;
  /** Also the start of the role's description; the infra tests find functions by it. */
  description: string;
  /** Powertools service name: the `service` dimension of logs and metrics. */
  serviceName: string;
  /** Settings only; a resource is bound (variable and permission together) with the bind methods. */
  environment?: Record<string, string>;
  timeout?: Duration;
  memorySize?: number;
  logRetention: RetentionDays;
  /** Of the log group: DESTROY in dev so a destroyed stage leaves nothing behind. */
  logRemovalPolicy: RemovalPolicy;
}

/**
 * The one Lambda function construct: newest Node runtime, ARM64, active tracing, an explicit log group with
 * retention, esbuild ESM bundles (minified, source maps, AWS SDK bundled, local esbuild, no Docker), and a
 * role of its own that can only write its own logs and traces.
 *
 * Everything else comes from the bind methods, each of which sets the variable through which the handler
 * finds a resource (functions/environment.ts, a table definition's envVar) and the exact permissions on that
 * resource in one call, so the two cannot drift. They are written out instead of CDK's grant helpers
 * (grantReadWriteData adds Scan, BatchGetItem, …) so the infra tests can assert each statement.
 */
export class ServiceFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  /** Variables already set: by a binding, or as a setting. */
  private readonly bound: Set<string>;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.bound = new Set(Object.keys(props.environment ?? {}));
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    // An explicit role instead of the managed AWSLambdaBasicExecutionRole (logs:* on every log group).
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (least privilege)`,
    });
    this.allow(
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      [this.logGroup.logGroupArn, `${this.logGroup.logGroupArn}:*`],
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

  /**
   * The table's name in its definition's variable; `actions` on the table (or on one of its indexes only);
   * and its key, when customer-managed, through DynamoDB only (Decrypt for reads, Encrypt too for writes).
   */
  bindTable(
    { definition, table }: DataTable,
    actions: readonly TableAction[],
    options: { index?: string } = {},
  ): this {
    const { index } = options;
    if (index !== undefined && !definition.globalSecondaryIndexes.some((i) => i.indexName === index)) {
      throw new Error(`Table ${definition.id} has no index ${index}`);
    }
    this.setEnvironment(definition.envVar, table.tableName);
    this.allow([...actions], [index === undefined ? table.tableArn : `${table.tableArn}/index/${index}`]);
    if (table.encryptionKey) {
      const writes = actions.some((action) => !READ_ACTIONS.has(action));
      this.allow(
        ['kms:Decrypt', 'kms:DescribeKey', ...(writes ? ['kms:Encrypt', 'kms:GenerateDataKey'] : [])],
        [table.encryptionKey.keyArn],
        viaService('dynamodb'),
      );
    }
    return this;
  }

  /** The URLs of exactly these queues (JSON by provider id), and sqs:SendMessage on exactly them. */
  bindQueues(queuesByProviderId: Readonly<Record<string, IQueue>>): this {
    const queues = Object.entries(queuesByProviderId);
    const urls = Object.fromEntries(queues.map(([providerId, queue]) => [providerId, queue.queueUrl]));
    this.setEnvironment(ENV.syncQueueUrls, Stack.of(this).toJsonString(urls));
    // SendMessageBatch is authorised as sqs:SendMessage. Queues use SSE-SQS: no KMS permission needed.
    this.allow(
      ['sqs:SendMessage'],
      queues.map(([, queue]) => queue.queueArn),
    );
    return this;
  }

  /**
   * The imports bucket's name, and on its `imports/` objects only: `read` (HeadObject and GetObject, the worker)
   * or `upload` (PutObject, which presigned upload URLs are signed with: the imports API).
   */
  bindImportFiles(bucket: IBucket, use: 'read' | 'upload'): this {
    this.setEnvironment(ENV.importsBucket, bucket.bucketName);
    this.allow(use === 'read' ? ['s3:GetObject'] : ['s3:PutObject'], [bucket.arnForObjects('imports/*')]);
    const bucketId = Stack.of(bucket).getLogicalId(bucket.node.defaultChild as CfnBucket);
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/imports/*]`,
      reason:
        'Import files are named per import at run time (imports/<team>/<import id>.csv); the grant is confined to that prefix of the imports bucket.',
    });
    return this;
  }

  /** The attribution queue's URL, and sqs:SendMessage on exactly it. */
  bindAttributionQueue(queue: IQueue): this {
    this.setEnvironment(ENV.attributionQueueUrl, queue.queueUrl);
    this.allow(['sqs:SendMessage'], [queue.queueArn]);
    return this;
  }

  /** A setting the function reads from its environment (no resource, no grant), set once. */
  withSetting(name: string, value: string): this {
    this.setEnvironment(name, value);
    return this;
  }

  /** The telemetry rebuild queue's URL, and sqs:SendMessage on exactly it. */
  bindTelemetryRebuildQueue(queue: IQueue): this {
    this.setEnvironment(ENV.telemetryRebuildQueueUrl, queue.queueUrl);
    this.allow(['sqs:SendMessage'], [queue.queueArn]);
    return this;
  }

  /**
   * Provider keys, for one use (see SecretsUse). `encrypt` and `decrypt` learn the key and the name prefix
   * and tag the role into the group the secrets key policy lets encrypt or decrypt directly (see
   * ProviderSecretsKey); `delete` learns neither. Secrets are confined to the stage's name prefix.
   */
  bindProviderSecrets(secrets: ProviderSecrets, access: SecretsUse): this {
    const key = secrets.key.keyArn;
    const allowSecrets = (...actions: string[]) => {
      const prefixed = `arn:${Aws.PARTITION}:secretsmanager:${Aws.REGION}:${Aws.ACCOUNT_ID}:secret:${secrets.namePrefix}/*`;
      this.allow(actions, [prefixed]);
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${secrets.namePrefix}/*]`,
        reason:
          "Provider keys are secrets created at run time, one per integration (<prefix>/<team>/<integration>); the wildcard is confined to this stage's prefix.",
      });
    };
    if (access.use === 'delete') {
      allowSecrets('secretsmanager:DeleteSecret');
      return this;
    }
    this.setEnvironment(ENV.secretsKeyId, key);
    this.setEnvironment(ENV.secretNamePrefix, secrets.namePrefix);
    if (access.use === 'encrypt') {
      Tags.of(this.role).add(SECRETS_ROLE_TAG, SECRETS_ROLE_ENCRYPT);
      allowSecrets(
        'secretsmanager:CreateSecret',
        'secretsmanager:PutSecretValue',
        'secretsmanager:RestoreSecret',
        'secretsmanager:TagResource',
      );
      // Exactly the integration's context: no other key, and each of the three present.
      this.allow(['kms:Encrypt'], [key], {
        'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [...SECRET_CONTEXT_KEYS] },
        Null: Object.fromEntries(SECRET_CONTEXT_KEYS.map((k) => [`kms:EncryptionContext:${k}`, 'false'])),
      });
      // Secrets Manager's envelope encryption of the secret it stores (CreateSecret, PutSecretValue).
      this.allow(['kms:GenerateDataKey', 'kms:Decrypt'], [key], viaService('secretsmanager'));
    } else {
      Tags.of(this.role).add(SECRETS_ROLE_TAG, SECRETS_ROLE_DECRYPT);
      Tags.of(this.role).add(SECRETS_PROVIDER_TAG, access.provider);
      allowSecrets('secretsmanager:GetSecretValue');
      // Only ciphertexts encrypted for this provider (the key policy enforces it too).
      this.allow(['kms:Decrypt'], [key], {
        StringEquals: { 'kms:EncryptionContext:provider': access.provider },
      });
      // Secrets Manager opening its envelope for GetSecretValue.
      this.allow(['kms:Decrypt'], [key], viaService('secretsmanager'));
    }
    return this;
  }

  /** A variable belongs to one binding: binding the same one twice would silently keep only the last. */
  private setEnvironment(name: string, value: string): void {
    if (this.bound.has(name)) throw new Error(`${this.node.path}: ${name} is bound twice`);
    this.bound.add(name);
    this.function.addEnvironment(name, value);
  }

  private allow(actions: string[], resources: string[], conditions?: Conditions): void {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions, resources, ...(conditions && { conditions }) }),
    );
  }
}
