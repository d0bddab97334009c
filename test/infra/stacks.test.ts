import { Match } from 'aws-cdk-lib/assertions';
import { providerManifests } from '../../functions/providers/manifests';
import { httpRoutes } from '../../functions/routes';
import { tableDefinitions } from '../../lib/table-definitions';
import { actionsOf, allowing, statementsOf, synthStage } from './helpers';

const dev = synthStage('dev');
const prod = synthStage('prod');

describe('stateful stack', () => {
  it('has every table of the shared definition: on-demand, PITR, encrypted with the data key', () => {
    dev.stateful.resourceCountIs('AWS::DynamoDB::Table', tableDefinitions.length);
    for (const definition of tableDefinitions) {
      dev.stateful.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: Match.arrayWith([{ AttributeName: definition.partitionKey, KeyType: 'HASH' }]),
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
      });
    }
    dev.stateful.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'schedulable-by-provider' })],
    });
    dev.stateful.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    });
  });

  it('retains tables and keys outside dev, and deletes them in dev', () => {
    for (const type of ['AWS::DynamoDB::Table', 'AWS::KMS::Key']) {
      for (const resource of Object.values(prod.stateful.findResources(type))) {
        expect(resource.DeletionPolicy).toBe('Retain');
      }
      for (const resource of Object.values(dev.stateful.findResources(type))) {
        expect(resource.DeletionPolicy).toBe('Delete');
      }
    }
    prod.stateful.allResourcesProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
  });

  it('rotates both keys and refuses direct crypto on the secrets key without an encryption context', () => {
    dev.stateful.resourceCountIs('AWS::KMS::Key', 2);
    dev.stateful.allResourcesProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    dev.stateful.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: Match.arrayWith(['kms:Encrypt', 'kms:Decrypt']),
            Condition: {
              Null: { 'kms:EncryptionContext:team_id': 'true' },
              StringNotEquals: { 'kms:ViaService': Match.anyValue() },
            },
          }),
        ]),
      },
    });
  });
});

describe('secrets key reserved by role tag', () => {
  it('denies direct encrypt to all but the connect role and direct decrypt to all but fetchers', () => {
    const key = Object.values(dev.stateful.findResources('AWS::KMS::Key')).find((k) =>
      JSON.stringify(k.Properties.Description).includes('provider API keys'),
    );
    const statements = (
      key?.Properties.KeyPolicy as { Statement: { Sid?: string; Effect: string; Condition?: unknown }[] }
    ).Statement;
    const byTag = (value: string) =>
      statements.find(
        (s) =>
          s.Effect === 'Deny' &&
          JSON.stringify(s.Condition).includes(`"aws:PrincipalTag/ai-usage-secrets-role":"${value}"`),
      );
    expect(byTag('encrypt')).toBeDefined();
    expect(byTag('decrypt')).toBeDefined();
    const roles = Object.values(dev.stateless.findResources('AWS::IAM::Role'));
    const tagged = (value: string) =>
      roles.filter((r) =>
        ((r.Properties.Tags ?? []) as { Key: string; Value: string }[]).some(
          (t) => t.Key === 'ai-usage-secrets-role' && t.Value === value,
        ),
      );
    expect(tagged('encrypt')).toHaveLength(1);
    expect(tagged('encrypt')[0]?.Properties.Description).toMatch(/POST \/connect/);
    expect(tagged('decrypt')).toHaveLength(providerManifests.length);
    for (const role of tagged('decrypt')) expect(role.Properties.Description).toMatch(/fetch/);
  });
});

describe('one table definition for the stack and the local run', () => {
  it('CloudFormation tables match the CreateTable requests the local run sends', async () => {
    const { createTableInput } = await import('../../local/create-tables');
    const tables = Object.values(dev.stateful.findResources('AWS::DynamoDB::Table'));
    for (const definition of tableDefinitions) {
      const local = createTableInput(definition, definition.id);
      const deployed = tables.find(
        (t) =>
          JSON.stringify(t.Properties.KeySchema) === JSON.stringify(local.KeySchema) &&
          JSON.stringify(
            t.Properties.GlobalSecondaryIndexes?.map((g: { IndexName: string }) => g.IndexName) ?? [],
          ) === JSON.stringify(local.GlobalSecondaryIndexes?.map((g) => g.IndexName) ?? []),
      );
      expect(deployed).toBeDefined();
      const sortByName = (list: { AttributeName?: string }[]) =>
        [...list].sort((a, b) => String(a.AttributeName).localeCompare(String(b.AttributeName)));
      expect(sortByName(deployed?.Properties.AttributeDefinitions)).toEqual(
        sortByName(local.AttributeDefinitions ?? []),
      );
      expect(deployed?.Properties.GlobalSecondaryIndexes ?? []).toEqual(
        (local.GlobalSecondaryIndexes ?? []).map((g) =>
          expect.objectContaining({ IndexName: g.IndexName, KeySchema: g.KeySchema }),
        ),
      );
    }
  });
});

describe('provider pipelines (one per registry manifest)', () => {
  it.each(providerManifests.map((m) => [m.id, m] as const))(
    '%s: rule → scheduler → queue + DLQ → fetcher',
    (_id, manifest) => {
      const t = dev.stateless;
      t.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: manifest.scheduleCron,
        Targets: [Match.objectLike({ Arn: Match.anyValue() })],
      });
      t.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp(`^${manifest.displayName}: fetch`),
        ReservedConcurrentExecutions: manifest.limits.maxConcurrency,
        Timeout: manifest.limits.fetcherTimeoutSeconds,
        Environment: { Variables: Match.objectLike({ PROVIDER_ID: manifest.id }) },
      });
      t.hasResourceProperties('AWS::SQS::Queue', {
        VisibilityTimeout: manifest.limits.fetcherTimeoutSeconds * 6,
        RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
      });
      t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BatchSize: 10,
      });
    },
  );

  it('has as many rules, fetchers, queues and DLQs as there are providers', () => {
    const n = providerManifests.length;
    dev.stateless.resourceCountIs('AWS::Events::Rule', n);
    dev.stateless.resourceCountIs('AWS::Lambda::EventSourceMapping', n);
    dev.stateless.resourceCountIs('AWS::SQS::Queue', 2 * n);
  });

  it('encrypts every queue and refuses non-TLS access', () => {
    dev.stateless.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    dev.stateless.resourceCountIs('AWS::SQS::QueuePolicy', 2 * providerManifests.length);
    dev.stateless.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('functions', () => {
  it('all run on the newest Node runtime, ARM64, with tracing and their own log group', () => {
    const functions = Object.values(dev.stateless.findResources('AWS::Lambda::Function'));
    expect(functions.length).toBe(5 + 2 * providerManifests.length);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: expect.anything() },
      });
    }
    dev.stateless.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    prod.stateless.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });
});

describe('least privilege', () => {
  const t = dev.stateless;
  const dashboard = statementsOf(t, 'GET /dashboard');
  const connect = statementsOf(t, 'POST /connect');
  const sync = statementsOf(t, 'POST /sync');
  const integrations = statementsOf(t, 'GET/PATCH/DELETE /integrations');
  const health = statementsOf(t, 'GET /health');
  const fetchers = providerManifests.map((m) => [m.id, statementsOf(t, `${m.displayName}: fetch`)] as const);
  const schedulers = providerManifests.map((m) => statementsOf(t, `${m.displayName}: daily sync`));
  const everyone = [
    dashboard,
    connect,
    sync,
    integrations,
    health,
    ...fetchers.map(([, s]) => s),
    ...schedulers,
  ];

  it('dashboard may only query the usage table', () => {
    const dynamo = actionsOf(dashboard).filter((a) => a.startsWith('dynamodb:'));
    expect(new Set(dynamo)).toEqual(new Set(['dynamodb:Query']));
    expect(allowing(dashboard, 'dynamodb:Query', 'UsageTable')).toHaveLength(1);
    expect(allowing(dashboard, 'dynamodb:Query', 'IntegrationsTable')).toHaveLength(0);
    expect(actionsOf(dashboard).some((a) => a.startsWith('secretsmanager:') || a.startsWith('sqs:'))).toBe(
      false,
    );
    expect(allowing(dashboard, 'kms:Decrypt', 'SecretsKey')).toHaveLength(0);
  });

  it('health may do nothing beyond logs and traces', () => {
    expect(actionsOf(health).every((a) => a.startsWith('logs:') || a.startsWith('xray:'))).toBe(true);
  });

  it('only connect creates secrets and encrypts provider keys, and only with the full encryption context', () => {
    expect(allowing(connect, 'secretsmanager:CreateSecret', 'secretsmanager')).toHaveLength(1);
    const encrypt = allowing(connect, 'kms:Encrypt', 'SecretsKey');
    expect(encrypt).toHaveLength(1);
    expect(encrypt[0]?.Condition?.['ForAllValues:StringEquals']?.['kms:EncryptionContextKeys']).toEqual([
      'team_id',
      'integration_id',
      'provider',
    ]);
    expect(actionsOf(connect)).not.toContain('secretsmanager:GetSecretValue');
    // Connect may decrypt only through Secrets Manager (its envelope), never directly.
    for (const statement of allowing(connect, 'kms:Decrypt', 'SecretsKey')) {
      expect(statement.Condition?.StringEquals?.['kms:ViaService']).toBeDefined();
    }
    for (const other of everyone.filter((s) => s !== connect)) {
      expect(actionsOf(other)).not.toContain('secretsmanager:CreateSecret');
      expect(allowing(other, 'kms:Encrypt', 'SecretsKey')).toHaveLength(0);
    }
  });

  it.each(fetchers)(
    "the %s fetcher reads secrets and decrypts only its own provider's keys",
    (provider, statements) => {
      expect(allowing(statements, 'secretsmanager:GetSecretValue', 'secretsmanager')).toHaveLength(1);
      const decrypts = allowing(statements, 'kms:Decrypt', 'SecretsKey');
      expect(decrypts.length).toBeGreaterThan(0);
      for (const statement of decrypts) {
        const condition = statement.Condition?.StringEquals ?? {};
        expect(
          condition['kms:EncryptionContext:provider'] === provider ||
            condition['kms:ViaService'] !== undefined,
        ).toBe(true);
      }
      expect(actionsOf(statements)).not.toContain('secretsmanager:CreateSecret');
      expect(actionsOf(statements)).not.toContain('secretsmanager:DeleteSecret');
    },
  );

  it('no HTTP function but connect touches provider-key crypto; only fetchers read secrets', () => {
    for (const statements of [dashboard, sync, integrations, health, ...schedulers]) {
      expect(allowing(statements, 'kms:Decrypt', 'SecretsKey')).toHaveLength(0);
      expect(actionsOf(statements)).not.toContain('secretsmanager:GetSecretValue');
    }
  });

  it('only the integrations function deletes secrets', () => {
    expect(allowing(integrations, 'secretsmanager:DeleteSecret', 'secretsmanager')).toHaveLength(1);
    for (const other of everyone.filter((s) => s !== integrations)) {
      expect(actionsOf(other)).not.toContain('secretsmanager:DeleteSecret');
    }
  });

  it('schedulers query only the sparse index and send only to their own queue', () => {
    for (const statements of schedulers) {
      const query = allowing(statements, 'dynamodb:Query');
      expect(query).toHaveLength(1);
      expect(JSON.stringify(query[0]?.Resource)).toContain('/index/schedulable-by-provider');
      expect(allowing(statements, 'sqs:SendMessage')).toHaveLength(1);
    }
  });

  it('table keys are usable only through DynamoDB', () => {
    for (const statements of everyone) {
      for (const statement of statements.filter((s) => JSON.stringify(s.Resource).includes('DataKey'))) {
        expect(JSON.stringify(statement.Condition)).toContain('dynamodb.');
      }
    }
  });
});

describe('API', () => {
  it('has one route per entry of the shared route table, all but /health behind the JWT authorizer', () => {
    const routes = Object.values(dev.stateless.findResources('AWS::ApiGatewayV2::Route'));
    expect(routes).toHaveLength(httpRoutes.length);
    for (const route of httpRoutes) {
      const found = routes.find(
        (r) => r.Properties.RouteKey === `${route.method} /api/ai-usage${route.path}`,
      );
      expect(found).toBeDefined();
      expect(found?.Properties.AuthorizationType).toBe(route.authenticated ? 'JWT' : 'NONE');
    }
    dev.stateless.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Audience: Match.anyValue(), Issuer: Match.anyValue() },
    });
  });

  it('logs access and throttles the stage', () => {
    dev.stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
    });
  });

  it('authenticates with a Cognito pool carrying team and role, no self sign-up, MFA required', () => {
    dev.stateless.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      Schema: Match.arrayWith([
        Match.objectLike({ Name: 'team_id', Mutable: false }),
        Match.objectLike({ Name: 'role' }),
      ]),
    });
    prod.stateless.hasResourceProperties('AWS::Cognito::UserPool', { UserPoolTier: 'PLUS' });
    // A user who could write custom:role or custom:team_id could make themselves admin of any team.
    const [client] = Object.values(dev.stateless.findResources('AWS::Cognito::UserPoolClient'));
    const writable = client?.Properties.WriteAttributes as string[];
    expect(writable.length).toBeGreaterThan(0);
    expect(writable.some((attribute) => attribute.startsWith('custom:'))).toBe(false);
  });
});

describe('alarms', () => {
  it('watch dead letters, fetcher errors and failed days per provider, API 5xx and throttles of every function', () => {
    const alarms = Object.values(dev.stateless.findResources('AWS::CloudWatch::Alarm'));
    const metrics = alarms.map((a) => String(a.Properties.MetricName));
    for (const manifest of providerManifests) void manifest;
    expect(metrics.filter((m) => m === 'ApproximateNumberOfMessagesVisible')).toHaveLength(
      providerManifests.length,
    );
    expect(metrics.filter((m) => m === 'Errors')).toHaveLength(providerManifests.length);
    expect(metrics.filter((m) => m === 'DaysFailed')).toHaveLength(providerManifests.length);
    expect(metrics.filter((m) => m === 'Throttles')).toHaveLength(5 + 2 * providerManifests.length);
    expect(metrics).toContain('5xx');
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toHaveLength(1);
  });
});
