import { CfnOutput, Duration, Stack, Tags, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  Alarm,
  ComparisonOperator,
  Metric,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import {
  ClientAttributes,
  FeaturePlan,
  StandardThreatProtectionMode,
  Mfa,
  StringAttribute,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { providerManifests } from '../../functions/providers/manifests';
import { API_BASE_PATH, functionEntries, httpRoutes, type HttpFunctionName } from '../../functions/routes';
import type { StageConfig } from '../config';
import { ProviderPipeline } from '../constructs/provider-pipeline';
import { ServiceFunction } from '../constructs/service-function';
import { SECRETS_ROLE_DECRYPT, SECRETS_ROLE_ENCRYPT, SECRETS_ROLE_TAG } from './stateful-stack';
import { idempotencyTable, integrationsTable, usageTable } from '../table-definitions';

export interface StatelessStackProps extends StackProps {
  config: StageConfig;
  tables: Record<string, Table>;
  dataKey: Key;
  secretsKey: Key;
}

/** DynamoDB actions by intent; each function gets only the intents it needs. */
const READ = ['dynamodb:GetItem', 'dynamodb:Query'];
const WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem'];

/**
 * Functions, API, schedules and alarms. Every permission is written out per function (see
 * `grant*` below) so the infra tests can assert what each may and may not do.
 */
export class StatelessStack extends Stack {
  readonly api: HttpApi;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  readonly functions: Record<HttpFunctionName, ServiceFunction>;
  readonly pipelines: Record<string, ProviderPipeline>;

  private readonly props: StatelessStackProps;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    this.props = props;
    const { config } = props;
    const secretPrefix = `ai-usage/${config.stage}`;
    const tableEnv = {
      [integrationsTable.envVar]: this.table(integrationsTable.id).tableName,
      [usageTable.envVar]: this.table(usageTable.id).tableName,
      [idempotencyTable.envVar]: this.table(idempotencyTable.id).tableName,
    };

    // Per provider: rule → scheduler → queue (+DLQ) → fetcher, from the registry's manifests.
    this.pipelines = Object.fromEntries(
      providerManifests.map((manifest) => [
        manifest.id,
        new ProviderPipeline(this, `Provider-${manifest.id}`, {
          manifest,
          logRetention: config.logRetention,
          environment: { ...tableEnv, SECRET_NAME_PREFIX: secretPrefix },
        }),
      ]),
    );
    const queueUrls = Object.fromEntries(
      Object.entries(this.pipelines).map(([provider, pipeline]) => [provider, pipeline.queue.queue.queueUrl]),
    );
    const httpEnv = {
      ...tableEnv,
      SECRET_NAME_PREFIX: secretPrefix,
      KMS_KEY_ID: props.secretsKey.keyArn,
      SYNC_QUEUE_URLS: this.toJsonString(queueUrls),
    };
    const make = (name: HttpFunctionName, description: string, environment: Record<string, string>) =>
      new ServiceFunction(this, `${name[0]?.toUpperCase()}${name.slice(1)}Function`, {
        entry: functionEntries[name],
        description,
        serviceName: name,
        timeout: Duration.seconds(name === 'connect' ? 29 : 10),
        logRetention: config.logRetention,
        environment,
      });
    this.functions = {
      health: make('health', 'GET /health', {}),
      connect: make('connect', 'POST /connect: check, encrypt and store a provider key', httpEnv),
      sync: make('sync', 'POST /sync: queue a manual sync', httpEnv),
      integrations: make('integrations', 'GET/PATCH/DELETE /integrations', httpEnv),
      dashboard: make('dashboard', 'GET /dashboard: read-only usage', tableEnv),
    };

    this.grantPermissions(secretPrefix);
    ({ userPool: this.userPool, client: this.userPoolClient } = this.cognito());
    this.api = this.httpApi();
    this.alarms();

    new CfnOutput(this, 'ApiUrl', { value: `${this.api.apiEndpoint}${API_BASE_PATH}` });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
  }

  private table(id: string): Table {
    const table = this.props.tables[id];
    if (!table) throw new Error(`no table ${id}`);
    return table;
  }

  /** DynamoDB actions on a table (and its indexes when asked), plus use of the table key via DynamoDB only. */
  private grantTable(
    role: IRole,
    tableId: string,
    actions: string[],
    options: { index?: string } = {},
  ): void {
    const table = this.table(tableId);
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions,
        resources: options.index ? [`${table.tableArn}/index/${options.index}`] : [table.tableArn],
      }),
    );
    const writes = actions.some((action) => !READ.includes(action));
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: writes
          ? ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey']
          : ['kms:Decrypt', 'kms:DescribeKey'],
        resources: [this.props.dataKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${this.region}.amazonaws.com` } },
      }),
    );
  }

  private secretArns(prefix: string): string[] {
    return [`arn:${this.partition}:secretsmanager:${this.region}:${this.account}:secret:${prefix}/*`];
  }

  private grantPermissions(secretPrefix: string): void {
    const { connect, sync, integrations, dashboard } = this.functions;
    const secretsKey = this.props.secretsKey.keyArn;
    const viaSecretsManager = {
      StringEquals: { 'kms:ViaService': `secretsmanager.${this.region}.amazonaws.com` },
    };
    const allQueues = Object.values(this.pipelines).map((pipeline) => pipeline.queue.queue);

    Tags.of(connect.role).add(SECRETS_ROLE_TAG, SECRETS_ROLE_ENCRYPT);
    // connect: create/replace the secret, encrypt the key under the integration's context, queue the backfill.
    this.grantTable(connect.role, integrationsTable.id, ['dynamodb:GetItem', 'dynamodb:PutItem']);
    this.grantTable(connect.role, usageTable.id, ['dynamodb:UpdateItem']);
    connect.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [
          'secretsmanager:CreateSecret',
          'secretsmanager:PutSecretValue',
          'secretsmanager:RestoreSecret',
          'secretsmanager:TagResource',
        ],
        resources: this.secretArns(secretPrefix),
      }),
    );
    connect.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['kms:Encrypt'],
        resources: [secretsKey],
        conditions: {
          'ForAllValues:StringEquals': {
            'kms:EncryptionContextKeys': ['team_id', 'integration_id', 'provider'],
          },
          Null: { 'kms:EncryptionContext:team_id': 'false' },
        },
      }),
    );
    connect.role.addToPrincipalPolicy(
      new PolicyStatement({
        // Secrets Manager's envelope encryption of the stored ciphertext, on the caller's behalf.
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [secretsKey],
        conditions: viaSecretsManager,
      }),
    );
    for (const queue of allQueues) queue.grantSendMessages(connect.role);

    // sync: record the manual sync, mark days pending, queue jobs. No secrets.
    this.grantTable(sync.role, integrationsTable.id, [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    this.grantTable(sync.role, usageTable.id, ['dynamodb:UpdateItem']);
    for (const queue of allQueues) queue.grantSendMessages(sync.role);

    // integrations: list/get/patch/delete; reading the ledger; deleting the secret. Never reading it.
    this.grantTable(integrations.role, integrationsTable.id, [
      ...READ,
      'dynamodb:PutItem',
      'dynamodb:DeleteItem',
    ]);
    this.grantTable(integrations.role, usageTable.id, ['dynamodb:Query']);
    integrations.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['secretsmanager:DeleteSecret'],
        resources: this.secretArns(secretPrefix),
      }),
    );

    // dashboard: read usage, nothing else.
    this.grantTable(dashboard.role, usageTable.id, ['dynamodb:Query']);

    for (const [provider, pipeline] of Object.entries(this.pipelines)) {
      const { scheduler, fetcher } = pipeline;
      this.grantTable(scheduler.role, integrationsTable.id, ['dynamodb:Query'], {
        index: integrationsTable.globalSecondaryIndexes[0]?.indexName ?? 'missing-index',
      });
      this.grantTable(scheduler.role, usageTable.id, ['dynamodb:UpdateItem']);

      this.grantTable(fetcher.role, integrationsTable.id, ['dynamodb:GetItem', 'dynamodb:PutItem']);
      this.grantTable(fetcher.role, usageTable.id, [
        ...READ,
        ...WRITE,
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
      ]);
      this.grantTable(fetcher.role, idempotencyTable.id, [...READ, ...WRITE, 'dynamodb:DeleteItem']);
      Tags.of(fetcher.role).add(SECRETS_ROLE_TAG, SECRETS_ROLE_DECRYPT);
      fetcher.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['secretsmanager:GetSecretValue'],
          resources: this.secretArns(secretPrefix),
        }),
      );
      fetcher.role.addToPrincipalPolicy(
        new PolicyStatement({
          // Only keys encrypted for this fetcher's provider.
          actions: ['kms:Decrypt'],
          resources: [secretsKey],
          conditions: { StringEquals: { 'kms:EncryptionContext:provider': provider } },
        }),
      );
      fetcher.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [secretsKey],
          conditions: viaSecretsManager,
        }),
      );
    }

    for (const role of [
      connect.role,
      integrations.role,
      ...Object.values(this.pipelines).map((p) => p.fetcher.role),
    ]) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${secretPrefix}/*]`,
        reason:
          "Provider keys are secrets created at run time, one per integration (<prefix>/<team>/<integration>); the wildcard is confined to this stage's prefix.",
      });
    }
  }

  private cognito(): { userPool: UserPool; client: UserPoolClient } {
    const { config } = this.props;
    const userPool = new UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
      },
      customAttributes: {
        team_id: new StringAttribute({ minLen: 1, maxLen: 64, mutable: false }),
        role: new StringAttribute({ minLen: 5, maxLen: 6, mutable: true }),
      },
      featurePlan: config.threatProtection ? FeaturePlan.PLUS : FeaturePlan.ESSENTIALS,
      ...(config.threatProtection
        ? { standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION }
        : {}),
      removalPolicy: config.removalPolicy,
      deletionProtection: config.stage === 'prod',
    });
    if (!config.threatProtection) {
      Validations.of(userPool).acknowledge({
        id: 'AwsSolutions::AwsSolutions-COG8',
        reason:
          'Dev stage only: threat protection needs the Cognito Plus plan (billed per user); prod enables it (stageConfigs.prod.threatProtection).',
      });
    }
    const client = userPool.addClient('Web', {
      generateSecret: false,
      authFlows: { userSrp: true },
      idTokenValidity: config.tokenValidity,
      accessTokenValidity: config.tokenValidity,
      preventUserExistenceErrors: true,
      // Users must never write their own team or role (that would be a tenant escape): the client
      // may write standard attributes only; operators set custom:team_id / custom:role with admin APIs.
      writeAttributes: new ClientAttributes().withStandardAttributes({ email: true, fullname: true }),
    });
    return { userPool, client };
  }

  private httpApi(): HttpApi {
    const { config } = this.props;
    const api = new HttpApi(this, 'Api', {
      description: 'AI usage analytics API',
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: config.logRetention });
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
            latency: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            team: '$context.authorizer.claims.custom:team_id',
          }),
        ),
      },
    });
    const authorizer: IHttpRouteAuthorizer = new HttpUserPoolAuthorizer('CognitoAuthorizer', this.userPool, {
      userPoolClients: [this.userPoolClient],
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
          reason:
            'GET /health is a liveness probe that reads nothing; every other route requires the Cognito JWT authorizer.',
        });
      }
    }
    return api;
  }

  private alarms(): void {
    const { config } = this.props;
    const topic = new Topic(this, 'Alarms', {
      displayName: `AI usage ${config.stage} alarms`,
      masterKey: this.props.dataKey,
      enforceSSL: true,
    });
    if (config.alarmEmail) topic.addSubscription(new EmailSubscription(config.alarmEmail));
    const action = new SnsAction(topic);
    const alarm = (id: string, metric: IMetric, threshold: number, description: string) =>
      new Alarm(this, id, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      }).addAlarmAction(action);

    for (const [provider, pipeline] of Object.entries(this.pipelines)) {
      alarm(
        `${provider}-DeadLetters`,
        pipeline.queue.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
        }),
        1,
        `${provider}: sync jobs gave up after every retry and wait in the dead-letter queue.`,
      );
      alarm(
        `${provider}-FetcherErrors`,
        pipeline.fetcher.function.metricErrors({ period: Duration.minutes(5) }),
        1,
        `${provider}: the fetcher failed whole invocations.`,
      );
      alarm(
        `${provider}-DaysFailed`,
        new Metric({
          namespace: 'AiUsage',
          metricName: 'DaysFailed',
          dimensionsMap: { service: `${provider}-fetcher` },
          statistic: 'Sum',
          period: Duration.hours(1),
        }),
        1,
        `${provider}: days could not be fetched (see the integration ledger for reasons).`,
      );
    }
    const allFunctions = [
      ...Object.entries(this.functions).map(([name, fn]) => [name, fn] as const),
      ...Object.entries(this.pipelines).flatMap(([provider, pipeline]) => [
        [`${provider}-scheduler`, pipeline.scheduler] as const,
        [`${provider}-fetcher`, pipeline.fetcher] as const,
      ]),
    ];
    for (const [name, fn] of allFunctions) {
      alarm(
        `${name}-Throttles`,
        fn.function.metricThrottles({ period: Duration.minutes(5) }),
        1,
        `${name}: Lambda throttled invocations.`,
      );
    }
    alarm(
      'Api-5xx',
      this.api.metricServerError({ period: Duration.minutes(5) }),
      5,
      'The API answered 5xx five times or more in 5 minutes.',
    );
  }
}
