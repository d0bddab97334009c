import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import {
  idempotencyTable,
  integrationsTable,
  usageTable,
  type TableDefinition,
} from '../../functions/adapters/dynamodb/table-definitions';
import type { ProviderManifest } from '../../functions/domain/provider-manifest';
import { ENV } from '../../functions/environment';
import { functionEntries, type HttpFunctionName } from '../../functions/routes';
import { secretNamePrefix, type StageConfig } from '../config';
import { OperatorAlarms } from '../constructs/alarms';
import { AttributionPipeline } from '../constructs/attribution-pipeline';
import { TelemetryPipeline } from '../constructs/telemetry-pipeline';
import { Api } from '../constructs/http-api';
import { ImportPipeline } from '../constructs/import-pipeline';
import { ProviderPipeline } from '../constructs/provider-pipeline';
import {
  STORE_DAYS_ACTIONS,
  ServiceFunction,
  type DataTables,
  type ProviderSecrets,
} from '../constructs/service-function';
import { PAGE_BUILD_DIR, WebSite } from '../constructs/web-site';

export interface StatelessStackProps extends StackProps {
  config: StageConfig;
  /** One pipeline per manifest (the provider registry's `providerManifests` in the app). */
  providers: readonly ProviderManifest[];
  /** The stateful stack's tables by TableDefinition.id. */
  tables: Readonly<Record<string, ITable>>;
  /** Encrypts the alarm topic. */
  dataKey: IKey;
  secretsKey: IKey;
  userPool: IUserPool;
  /** The web client: one audience of the API's authorizer (the page's own client is the other). */
  userPoolClient: IUserPoolClient;
  /** The built page (`npm run build:web`); PAGE_BUILD_DIR unless a test passes its own. */
  pageDirectory?: string;
}

/**
 * Functions, API, the team page (CloudFront, its bucket, its sign-in client), schedules and alarms: everything
 * that can be replaced without losing data. Each function is bound to exactly what its code uses (variable and
 * permission in one call, see ServiceFunction); the infra tests hold the same list.
 */
export class StatelessStack extends Stack {
  readonly api: Api;
  readonly functions: Readonly<Record<HttpFunctionName, ServiceFunction>>;
  /** The authorizer of ingest-token routes. */
  readonly ingestTokenAuthorizer: ServiceFunction;
  readonly pipelines: readonly ProviderPipeline[];
  readonly attribution: AttributionPipeline;
  readonly telemetry: TelemetryPipeline;
  readonly imports: ImportPipeline;
  readonly site: WebSite;
  readonly alarms: OperatorAlarms;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config } = props;
    const table = (definition: TableDefinition) => {
      const found = props.tables[definition.id];
      if (!found) throw new Error(`The stateful stack has no table ${definition.id}`);
      return { definition, table: found };
    };
    const tables: DataTables = {
      integrations: table(integrationsTable),
      usage: table(usageTable),
      idempotency: table(idempotencyTable),
    };
    const secrets: ProviderSecrets = { key: props.secretsKey, namePrefix: secretNamePrefix(config) };
    const logs = { logRetention: config.logRetention, logRemovalPolicy: config.removalPolicy };

    this.attribution = new AttributionPipeline(this, 'Attribution', { tables, ...logs });
    const attributionQueue = this.attribution.queue.queue;
    this.pipelines = props.providers.map(
      (manifest) =>
        new ProviderPipeline(this, `Provider-${manifest.id}`, {
          manifest,
          tables,
          secrets,
          attributionQueue,
          ...logs,
        }),
    );
    const everyQueue = Object.fromEntries(this.pipelines.map((p) => [p.manifest.id, p.queue.queue]));
    this.imports = new ImportPipeline(this, 'Imports', { config, tables, ...logs });
    this.telemetry = new TelemetryPipeline(this, 'Telemetry', { tables, ...logs });

    const make = (name: HttpFunctionName, description: string, timeout = Duration.seconds(10)) =>
      new ServiceFunction(this, `${name[0]?.toUpperCase()}${name.slice(1)}Function`, {
        entry: functionEntries[name],
        description,
        serviceName: name,
        timeout,
        ...logs,
      });
    this.functions = {
      // Nothing beyond its logs and traces.
      health: make('health', 'GET /health'),
      // Builds the API's OpenAPI document from the schemas it carries; reads nothing.
      openapi: make('openapi', 'GET /openapi.json: the API document'),
      // Stores the integration, marks backfill days pending, encrypts the key under the integration's context
      // into a secret of its own, queues the backfill. The live key check with the provider can take a while;
      // API Gateway waits at most 30 s.
      connect: make('connect', 'POST /connect: check, encrypt and store a provider key', Duration.seconds(29))
        .bindTable(tables.integrations, ['dynamodb:GetItem', 'dynamodb:PutItem'])
        .bindTable(tables.usage, ['dynamodb:UpdateItem'])
        .bindProviderSecrets(secrets, { use: 'encrypt' })
        .bindQueues(everyQueue),
      // Claims the manual-sync slot, marks days pending, queues jobs. No secrets, no provider keys.
      sync: make('sync', 'POST /sync: queue a manual sync')
        .bindTable(tables.integrations, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'])
        .bindTable(tables.usage, ['dynamodb:UpdateItem'])
        .bindQueues(everyQueue),
      // Lists, reads, pauses and deletes integrations, reads the ledger, deletes a disconnected key's secret.
      // Never reads or decrypts a key.
      integrations: make('integrations', 'GET/PATCH/DELETE /integrations')
        .bindTable(tables.integrations, [
          'dynamodb:Query',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:DeleteItem',
        ])
        .bindTable(tables.usage, ['dynamodb:Query'])
        .bindProviderSecrets(secrets, { use: 'delete' }),
      // Reads and replaces the roster (versioned: a transaction of its parts), and asks for re-attribution.
      members: make('members', 'GET/PUT/PATCH/DELETE /members: the roster')
        .bindTable(tables.integrations, ['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:DeleteItem'])
        .bindAttributionQueue(this.attribution.queue.queue),
      // Imports: records them, signs upload URLs for the bucket's imports/ objects, and stores rows typed in
      // (as the import worker stores a file's: days, then what sits above them).
      imports: make('imports', 'POST/GET /imports: import usage from files and rows', Duration.seconds(29))
        .bindTable(tables.integrations, [
          'dynamodb:Query',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
        ])
        .bindTable(tables.usage, STORE_DAYS_ACTIONS)
        .bindImportFiles(this.imports.bucket, 'upload'),
      // Reads usage, identity blocks and one person's rows by key; lists integrations (which days a connected
      // tool has not published yet) and reads the roster.
      dashboard: make('dashboard', 'GET /dashboard: read-only usage')
        .bindTable(tables.integrations, ['dynamodb:Query'])
        .bindTable(tables.usage, ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:BatchGetItem']),
      // Makes, lists and revokes ingest tokens: each record and its lookup by hash written or deleted together
      // (a transaction of Put/Delete). Only hashes are stored; it never sees usage.
      ingestTokens: make('ingestTokens', 'POST/GET/DELETE /ingest-tokens: telemetry ingest tokens').bindTable(
        tables.integrations,
        ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
      ),
      // Claude Code's OpenTelemetry metrics: resolves the ingest token by its hash (and notes its use), makes the
      // team's telemetry integration once, counts the team's requests (UpdateItem), merges each developer-day's
      // series (GetItem, conditional PutItem), marks the day and queues its rebuild (DeleteItem takes a mark back
      // when the queue refuses). It stores no day itself.
      otlp: make('otlp', 'POST /otlp/v1/metrics: Claude Code telemetry', Duration.seconds(29))
        .bindTable(tables.integrations, [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:Query',
        ])
        .bindTable(tables.usage, [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
        ])
        .bindTelemetryRebuildQueue(this.telemetry.queue.queue)
        .withSetting(ENV.telemetryRequestsPerMinute, String(config.telemetryThrottle.teamRequestsPerMinute)),
    };

    // The ingest token authorizer: one lookup by the token's hash, and its use noted (at most every 5 minutes).
    this.ingestTokenAuthorizer = new ServiceFunction(this, 'OtlpAuthorizerFunction', {
      entry: functionEntries.otlpAuthorizer,
      description: 'Authorize ingest tokens of POST /otlp/v1/metrics',
      serviceName: 'otlpAuthorizer',
      timeout: Duration.seconds(5),
      ...logs,
    }).bindTable(tables.integrations, ['dynamodb:GetItem', 'dynamodb:UpdateItem']);

    // The page's distribution, sign-in domain and client first: the API's authorizer accepts the page's client,
    // and the distribution then routes the API's paths to it.
    this.site = new WebSite(this, 'WebSite', {
      config,
      userPool: props.userPool,
      pageDirectory: props.pageDirectory ?? PAGE_BUILD_DIR,
    });
    this.api = new Api(this, 'Api', {
      config,
      userPool: props.userPool,
      userPoolClients: [props.userPoolClient, this.site.pageClient],
      handlers: this.functions,
      ingestTokenAuthorizer: this.ingestTokenAuthorizer,
    });
    this.site.serveApi(this.api.httpApi);
    this.alarms = new OperatorAlarms(this, 'Alarms', {
      stage: config.stage,
      ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
      topicKey: props.dataKey,
      api: this.api.httpApi,
      functions: { ...this.functions, otlpAuthorizer: this.ingestTokenAuthorizer },
      pipelines: this.pipelines,
      attribution: this.attribution,
      imports: this.imports,
      telemetry: this.telemetry,
    });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
    new CfnOutput(this, 'PageUrl', {
      value: this.site.url,
      description: 'The team page (and its API under it).',
    });
    new CfnOutput(this, 'SignInDomain', {
      value: this.site.signIn.baseUrl(),
      description: "Cognito's hosted sign-in for the page.",
    });
    new CfnOutput(this, 'PageClientId', { value: this.site.pageClient.userPoolClientId });
    new CfnOutput(this, 'SmokeAlarmName', {
      value: this.alarms.testAlarm.alarmName,
      description: 'Set it to ALARM to check that alarm notifications arrive (npm run smoke does).',
    });
  }
}
