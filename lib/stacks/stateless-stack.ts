import { Aws, CfnOutput, Duration, Stack, Tags, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { ProviderManifest } from '../../functions/domain/provider-manifest';
import { API_BASE_PATH, functionEntries, httpRoutes, type HttpFunctionName } from '../../functions/routes';
import { secretNamePrefix, type StageConfig } from '../config';
import { OperatorAlarms } from '../constructs/alarms';
import { ProviderPipeline } from '../constructs/provider-pipeline';
import {
  SECRET_CONTEXT_KEYS,
  SECRETS_PROVIDER_TAG,
  SECRETS_ROLE_DECRYPT,
  SECRETS_ROLE_ENCRYPT,
  SECRETS_ROLE_TAG,
} from '../constructs/provider-secrets-key';
import { ServiceFunction } from '../constructs/service-function';
import {
  idempotencyTable,
  integrationsTable,
  usageTable,
  type TableDefinition,
} from '../../functions/adapters/dynamodb/table-definitions';

export interface StatelessStackProps extends StackProps {
  config: StageConfig;
  /** One pipeline per manifest (the provider registry's `providerManifests` in the app). */
  providers: readonly ProviderManifest[];
  /** The stateful stack's tables by TableDefinition.id. */
  tables: Readonly<Record<string, ITable>>;
  dataKey: IKey;
  secretsKey: IKey;
  userPool: IUserPool;
  userPoolClient: IUserPoolClient;
}

/** DynamoDB actions a function may take on one table (or on one of its indexes). */
interface TableAccess {
  table: TableDefinition;
  actions: string[];
  index?: string;
}

const READ_ACTIONS = new Set(['dynamodb:GetItem', 'dynamodb:Query']);

/**
 * Functions, API, schedules and alarms: everything that can be replaced without losing data.
 *
 * Every permission is written out per function in `grant()` below (instead of CDK's grantReadWriteData and
 * friends, which add Scan, BatchGetItem, ConditionCheckItem, …) so the infra tests can assert exactly what
 * each function may and may not do.
 */
export class StatelessStack extends Stack {
  readonly api: HttpApi;
  readonly functions: Readonly<Record<HttpFunctionName, ServiceFunction>>;
  readonly pipelines: readonly ProviderPipeline[];
  readonly alarms: OperatorAlarms;

  private readonly props: StatelessStackProps;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    this.props = props;
    const { config } = props;
    const secretPrefix = secretNamePrefix(config);
    const tableNames = (...definitions: TableDefinition[]) =>
      Object.fromEntries(definitions.map((d) => [d.envVar, this.table(d).tableName]));
    // Every function that reads data wires both repositories at start-up (functions/adapters/core-dependencies).
    const dataEnv = tableNames(integrationsTable, usageTable);

    this.pipelines = props.providers.map(
      (manifest) =>
        new ProviderPipeline(this, `Provider-${manifest.id}`, {
          manifest,
          logRetention: config.logRetention,
          logRemovalPolicy: config.removalPolicy,
          schedulerEnvironment: dataEnv,
          fetcherEnvironment: {
            ...dataEnv,
            ...tableNames(idempotencyTable),
            KMS_KEY_ID: props.secretsKey.keyArn,
            SECRET_NAME_PREFIX: secretPrefix,
          },
        }),
    );
    const allQueueUrls = this.toJsonString(
      Object.fromEntries(this.pipelines.map((p) => [p.manifest.id, p.queue.queue.queueUrl])),
    );

    const make = (name: HttpFunctionName, description: string, environment: Record<string, string>) =>
      new ServiceFunction(this, `${name[0]?.toUpperCase()}${name.slice(1)}Function`, {
        entry: functionEntries[name],
        description,
        serviceName: name,
        // connect checks the key with a live call to the provider; API Gateway waits at most 30 s.
        timeout: Duration.seconds(name === 'connect' ? 29 : 10),
        logRetention: config.logRetention,
        logRemovalPolicy: config.removalPolicy,
        environment,
      });
    this.functions = {
      health: make('health', 'GET /health', {}),
      connect: make('connect', 'POST /connect: check, encrypt and store a provider key', {
        ...dataEnv,
        KMS_KEY_ID: props.secretsKey.keyArn,
        SECRET_NAME_PREFIX: secretPrefix,
        SYNC_QUEUE_URLS: allQueueUrls,
      }),
      sync: make('sync', 'POST /sync: queue a manual sync', { ...dataEnv, SYNC_QUEUE_URLS: allQueueUrls }),
      integrations: make('integrations', 'GET/PATCH/DELETE /integrations', {
        ...dataEnv,
        SECRET_NAME_PREFIX: secretPrefix,
      }),
      dashboard: make('dashboard', 'GET /dashboard: read-only usage', dataEnv),
    };

    this.grant(secretPrefix);
    this.api = this.httpApi();
    this.alarms = new OperatorAlarms(this, 'Alarms', {
      stage: config.stage,
      ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
      topicKey: props.dataKey,
      api: this.api,
      functions: this.functions,
      pipelines: this.pipelines,
    });

    new CfnOutput(this, 'ApiUrl', { value: `${this.api.apiEndpoint}${API_BASE_PATH}` });
  }

  private table(definition: TableDefinition): ITable {
    const table = this.props.tables[definition.id];
    if (!table) throw new Error(`The stateful stack has no table ${definition.id}`);
    return table;
  }

  /** DynamoDB actions on tables (or indexes), and the table key through DynamoDB only. */
  private grantTables(role: Role, access: TableAccess[]): void {
    for (const { table, actions, index } of access) {
      const arn = this.table(table).tableArn;
      role.addToPrincipalPolicy(
        new PolicyStatement({ actions, resources: [index ? `${arn}/index/${index}` : arn] }),
      );
    }
    const writes = access.some(({ actions }) => actions.some((action) => !READ_ACTIONS.has(action)));
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: writes
          ? ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey']
          : ['kms:Decrypt', 'kms:DescribeKey'],
        resources: [this.props.dataKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Aws.REGION}.amazonaws.com` } },
      }),
    );
  }

  private grantSend(role: Role, queues: IQueue[]): void {
    // SendMessageBatch is authorised as sqs:SendMessage. Queues use SSE-SQS: no KMS permission needed.
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: queues.map((q) => q.queueArn) }),
    );
  }

  private grantSecrets(role: Role, actions: string[], prefix: string): void {
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions,
        resources: [`arn:${Aws.PARTITION}:secretsmanager:${Aws.REGION}:${Aws.ACCOUNT_ID}:secret:${prefix}/*`],
      }),
    );
    Validations.of(role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${prefix}/*]`,
      reason:
        "Provider keys are secrets created at run time, one per integration (<prefix>/<team>/<integration>); the wildcard is confined to this stage's prefix.",
    });
  }

  /** What each function may do, and nothing more. The infra tests hold the same list. */
  private grant(secretPrefix: string): void {
    const { connect, sync, integrations, dashboard } = this.functions;
    const secretsKey = this.props.secretsKey.keyArn;
    const viaSecretsManager = {
      StringEquals: { 'kms:ViaService': `secretsmanager.${Aws.REGION}.amazonaws.com` },
    };
    const allQueues = this.pipelines.map((p) => p.queue.queue);
    const scheduleIndex = integrationsTable.globalSecondaryIndexes[0]?.indexName;
    if (!scheduleIndex)
      throw new Error('The Integrations table definition has no schedulable-by-provider index');

    // connect: store the integration, mark backfill days pending, encrypt the key under the integration's
    // context, keep the ciphertext in a secret of its own, queue the backfill.
    Tags.of(connect.role).add(SECRETS_ROLE_TAG, SECRETS_ROLE_ENCRYPT);
    this.grantTables(connect.role, [
      { table: integrationsTable, actions: ['dynamodb:GetItem', 'dynamodb:PutItem'] },
      { table: usageTable, actions: ['dynamodb:UpdateItem'] },
    ]);
    this.grantSecrets(
      connect.role,
      [
        'secretsmanager:CreateSecret',
        'secretsmanager:PutSecretValue',
        'secretsmanager:RestoreSecret',
        'secretsmanager:TagResource',
      ],
      secretPrefix,
    );
    connect.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['kms:Encrypt'],
        resources: [secretsKey],
        conditions: {
          // Exactly the integration's context: no other key, and each of the three present.
          'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [...SECRET_CONTEXT_KEYS] },
          Null: Object.fromEntries(
            SECRET_CONTEXT_KEYS.map((key) => [`kms:EncryptionContext:${key}`, 'false']),
          ),
        },
      }),
    );
    connect.role.addToPrincipalPolicy(
      new PolicyStatement({
        // Secrets Manager's envelope encryption of the secret it stores for connect (CreateSecret/PutSecretValue).
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [secretsKey],
        conditions: viaSecretsManager,
      }),
    );
    this.grantSend(connect.role, allQueues);

    // sync: claim the manual-sync slot, mark days pending, queue jobs. No secrets, no provider keys.
    this.grantTables(sync.role, [
      { table: integrationsTable, actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] },
      { table: usageTable, actions: ['dynamodb:UpdateItem'] },
    ]);
    this.grantSend(sync.role, allQueues);

    // integrations: list/get/patch/delete integrations, read the ledger, delete a disconnected key's secret.
    // Never reads or decrypts a key.
    this.grantTables(integrations.role, [
      {
        table: integrationsTable,
        actions: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
      },
      { table: usageTable, actions: ['dynamodb:Query'] },
    ]);
    this.grantSecrets(integrations.role, ['secretsmanager:DeleteSecret'], secretPrefix);

    // dashboard: read usage, and list integrations (which days a connected tool has not published yet).
    this.grantTables(dashboard.role, [
      { table: integrationsTable, actions: ['dynamodb:Query'] },
      { table: usageTable, actions: ['dynamodb:Query'] },
    ]);

    // health: nothing beyond its logs and traces.

    for (const { manifest, scheduler, fetcher, queue } of this.pipelines) {
      // scheduler: active integrations of its provider from the sparse index, days pending, its own queue.
      this.grantTables(scheduler.role, [
        { table: integrationsTable, actions: ['dynamodb:Query'], index: scheduleIndex },
        { table: usageTable, actions: ['dynamodb:UpdateItem'] },
      ]);
      this.grantSend(scheduler.role, [queue.queue]);

      // fetcher: read the integration and its key, replace days of usage, remember finished jobs.
      Tags.of(fetcher.role).add(SECRETS_ROLE_TAG, SECRETS_ROLE_DECRYPT);
      Tags.of(fetcher.role).add(SECRETS_PROVIDER_TAG, manifest.id);
      this.grantTables(fetcher.role, [
        { table: integrationsTable, actions: ['dynamodb:GetItem', 'dynamodb:PutItem'] },
        {
          table: usageTable,
          // PutItem also covers the TransactWriteItems of rollup + ledger; BatchWriteItem the day's rows.
          actions: [
            'dynamodb:Query',
            'dynamodb:PutItem',
            'dynamodb:UpdateItem',
            'dynamodb:DeleteItem',
            'dynamodb:BatchWriteItem',
          ],
        },
        {
          table: idempotencyTable,
          actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        },
      ]);
      this.grantSecrets(fetcher.role, ['secretsmanager:GetSecretValue'], secretPrefix);
      fetcher.role.addToPrincipalPolicy(
        new PolicyStatement({
          // Only ciphertexts encrypted for this fetcher's provider (the key policy enforces it too).
          actions: ['kms:Decrypt'],
          resources: [secretsKey],
          conditions: { StringEquals: { 'kms:EncryptionContext:provider': manifest.id } },
        }),
      );
      fetcher.role.addToPrincipalPolicy(
        new PolicyStatement({
          // Secrets Manager opening its envelope for GetSecretValue.
          actions: ['kms:Decrypt'],
          resources: [secretsKey],
          conditions: viaSecretsManager,
        }),
      );
    }
  }

  private httpApi(): HttpApi {
    const { config } = this.props;
    const api = new HttpApi(this, 'Api', {
      description: `AI usage analytics API (${config.stage})`,
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    new HttpStage(this, 'DefaultStage', {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      throttle: config.apiThrottle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            user: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });
    // A JWT authorizer on the Cognito pool; the audience is the web client, so ID tokens (which carry the
    // custom:team_id and custom:role claims the handlers read) are what callers send.
    const authorizer = new HttpUserPoolAuthorizer('CognitoAuthorizer', this.props.userPool, {
      userPoolClients: [this.props.userPoolClient],
    });
    const integrations = new Map<HttpFunctionName, HttpLambdaIntegration>();
    for (const route of httpRoutes) {
      let integration = integrations.get(route.function);
      if (!integration) {
        integration = new HttpLambdaIntegration(
          `${route.function}-integration`,
          this.functions[route.function].function,
        );
        integrations.set(route.function, integration);
      }
      const [created] = api.addRoutes({
        path: `${API_BASE_PATH}${route.path}`,
        methods: [HttpMethod[route.method]],
        integration,
        ...(route.authenticated ? { authorizer } : {}),
      });
      if (!route.authenticated && created) {
        Validations.of(created).acknowledge({
          id: 'AwsSolutions::AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} is a liveness probe that reads no data; every other route requires the Cognito JWT authorizer.`,
        });
      }
    }
    return api;
  }
}
