import { Match } from 'aws-cdk-lib/assertions';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { providerManifests } from '../../functions/providers/manifests';
import { API_BASE_PATH, httpRoutes, takesIngestToken, type HttpFunctionName } from '../../functions/routes';
import { stageConfigs } from '../../lib/config';
import { UPLOAD_RETENTION_DAYS } from '../../lib/constructs/import-pipeline';
import { NODE_RUNTIME } from '../../lib/constructs/service-function';
import { functionNamed, ownFunctions, render, resourcesOf, synthStage, type Resource } from './helpers';

const dev = synthStage('dev');
const prod = synthStage('prod');
const t = dev.statelessTemplate;
const resources = resourcesOf(t);
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

/** Function descriptions by HTTP function name (ServiceFunction descriptions start with these). */
const descriptionOf: Record<HttpFunctionName, string> = {
  health: 'GET /health',
  openapi: 'GET /openapi.json',
  connect: 'POST /connect',
  sync: 'POST /sync',
  integrations: 'GET/PATCH/DELETE /integrations',
  members: 'GET/PUT/PATCH/DELETE /members',
  imports: 'POST/GET /imports',
  dashboard: 'GET /dashboard',
  ingestTokens: 'POST/GET/DELETE /ingest-tokens',
  otlp: 'POST /otlp/v1/metrics',
};

describe('functions: the defaults of the one function construct', () => {
  const functions = ownFunctions(t);

  it('use the newest Node.js runtime aws-cdk-lib offers', () => {
    const newest = Object.values(Runtime)
      .filter((r): r is Runtime => r instanceof Runtime && /^nodejs\d+\.x$/.test(r.name))
      .map((r) => r.name)
      .sort((a, b) => Number(/\d+/.exec(b)?.[0]) - Number(/\d+/.exec(a)?.[0]))[0];
    expect(NODE_RUNTIME.name).toBe(newest);
  });

  it('reserve no concurrency: an account at the new-account quota could not create them', () => {
    // Lambda keeps 100 units unreserved; new accounts often have a quota of 10. The fetchers' SQS event
    // sources cap their concurrency instead (providers.test.ts).
    for (const [id, fn] of functions) {
      expect(`${id}: ${String(fn.Properties.ReservedConcurrentExecutions)}`).toBe(`${id}: undefined`);
    }
  });

  it('all run ARM64 with active tracing, source maps, and a log group of their own with the stage retention', () => {
    // API functions, a scheduler and a fetcher per provider, the attribution worker, the import worker, the
    // telemetry rebuild worker and the ingest token authorizer.
    expect(functions).toHaveLength(Object.keys(descriptionOf).length + 2 * providerManifests.length + 4);
    const logGroups = new Set<string>();
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: NODE_RUNTIME.name,
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Handler: 'index.handler',
        Environment: { Variables: expect.objectContaining({ NODE_OPTIONS: '--enable-source-maps' }) },
      });
      const logGroup = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(resources[logGroup]?.Properties.RetentionInDays).toBe(dev.config.logRetention);
      logGroups.add(logGroup);
    }
    expect(logGroups.size).toBe(functions.length);
    prod.statelessTemplate.allResourcesProperties('AWS::Logs::LogGroup', {
      RetentionInDays: prod.config.logRetention,
    });
  });

  it('no manifest base URL is set: the default public URL applies in AWS', () => {
    for (const [, fn] of functions) {
      const variables = Object.keys((fn.Properties.Environment as { Variables: object }).Variables);
      for (const manifest of providerManifests) expect(variables).not.toContain(manifest.baseUrlEnv);
    }
  });
});

describe('HTTP API', () => {
  const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r);
  const integrationTarget = (route: Resource) => {
    const integrationId = /integrations\/(.+)$/
      .exec(render(route.Properties.Target))?.[1]
      ?.replace(/[<>]/g, '');
    return render(resources[integrationId ?? '']?.Properties.IntegrationUri);
  };

  it('has exactly the routes of the shared route table, each on its function, all but /health and /openapi.json behind the JWT authorizer or, for machines, the ingest token authorizer', () => {
    expect(routes).toHaveLength(httpRoutes.length);
    const authorizers = ofType('AWS::ApiGatewayV2::Authorizer');
    const [authorizerId] = authorizers.find(([, a]) => a.Properties.AuthorizerType === 'JWT') ?? [];
    const [ingestAuthorizerId] = authorizers.find(([, a]) => a.Properties.AuthorizerType === 'REQUEST') ?? [];
    for (const route of httpRoutes) {
      const found = routes.filter(
        (r) => r.Properties.RouteKey === `${route.method} ${API_BASE_PATH}${route.path}`,
      );
      expect(found).toHaveLength(1);
      const [fnId] = functionNamed(t, descriptionOf[route.function]);
      expect(integrationTarget(found[0] as Resource)).toBe(`<${fnId}>`);
      expect(route.authenticated).toBe(
        !['/health', '/openapi.json', '/imports/template.csv', '/otlp/v1/metrics'].includes(route.path),
      );
      if (takesIngestToken(route)) {
        expect(found[0]?.Properties).toMatchObject({
          AuthorizationType: 'CUSTOM',
          AuthorizerId: { Ref: ingestAuthorizerId },
        });
      } else if (route.authenticated) {
        expect(found[0]?.Properties).toMatchObject({
          AuthorizationType: 'JWT',
          AuthorizerId: { Ref: authorizerId },
        });
      } else {
        expect(found[0]?.Properties.AuthorizationType).toBe('NONE');
      }
    }
  });

  it('looks ingest tokens up with its own function, simple answers cached 5 minutes per Authorization header', () => {
    const [[, authorizer] = []] = ofType('AWS::ApiGatewayV2::Authorizer').filter(
      ([, a]) => a.Properties.AuthorizerType === 'REQUEST',
    );
    expect(authorizer?.Properties).toMatchObject({
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 300,
    });
    const [fnId] = functionNamed(t, 'Authorize ingest tokens of POST /otlp/v1/metrics');
    expect(render(authorizer?.Properties.AuthorizerUri)).toContain(`<${fnId}>`);
  });

  it('verifies Cognito ID tokens: issuer is the user pool, audiences the web client and the page client', () => {
    const [[, authorizer] = []] = ofType('AWS::ApiGatewayV2::Authorizer').filter(
      ([, a]) => a.Properties.AuthorizerType === 'JWT',
    );
    expect(authorizer?.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
    });
    const jwt = authorizer?.Properties.JwtConfiguration as { Audience: unknown[]; Issuer: unknown };
    const [pageClientId] = ofType('AWS::Cognito::UserPoolClient')[0] ?? [];
    expect(pageClientId).toMatch(/^WebSitePageClient/);
    expect(jwt.Audience.map((a) => render(a))).toEqual(['<DirectoryUsersWeb>', `<${pageClientId}>`]);
    expect(render(jwt.Issuer)).toBe('https://cognito-idp.<region>.amazonaws.com/<DirectoryUsers>');
  });

  it.each([dev, prod])('throttles the stage and writes JSON access logs ($config.stage)', (stage) => {
    const [[, stageResource] = []] = Object.entries(resourcesOf(stage.statelessTemplate)).filter(
      ([, r]) => r.Type === 'AWS::ApiGatewayV2::Stage',
    );
    const { rateLimit, burstLimit } = stageConfigs[stage.config.stage].apiThrottle;
    expect(stageResource?.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: rateLimit, ThrottlingBurstLimit: burstLimit },
    });
    const logs = stageResource?.Properties.AccessLogSettings as { DestinationArn: unknown; Format: string };
    expect(render(logs.DestinationArn)).toMatch(/^<ApiAccessLogs/);
    expect(JSON.parse(logs.Format)).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
      integrationError: '$context.integrationErrorMessage',
    });
  });

  it('publishes its URL', () => {
    t.hasOutput('ApiUrl', { Value: Match.objectLike({ 'Fn::Join': Match.anyValue() }) });
  });
});

describe('alarms an operator needs', () => {
  const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a);
  const [topicId, topic] = ofType('AWS::SNS::Topic')[0] ?? [];
  const watching = (metric: string, dimension: string, value: string) =>
    alarms.filter(
      (a) =>
        a.Properties.MetricName === metric &&
        (a.Properties.Dimensions as { Name: string; Value: unknown }[]).some(
          (d) => d.Name === dimension && render(d.Value) === value,
        ),
    );

  it.each(providerManifests.map((m) => [m.id, m] as const))(
    '%s: dead letters, fetcher errors, scheduler errors, failed days',
    (_id, manifest) => {
      expect(
        watching('ApproximateNumberOfMessagesVisible', 'QueueName', `<dlq:${manifest.id}>`),
      ).toHaveLength(1);
      const [fetcherId] = functionNamed(t, `${manifest.displayName}: fetch`);
      const [schedulerId] = functionNamed(t, `${manifest.displayName}: daily sync`);
      expect(watching('Errors', 'FunctionName', `<${fetcherId}>`)).toHaveLength(1);
      expect(watching('Errors', 'FunctionName', `<${schedulerId}>`)).toHaveLength(1);
      const daysFailed = watching('DaysFailed', 'service', `${manifest.id}-fetcher`);
      expect(daysFailed).toHaveLength(1);
      expect(daysFailed[0]?.Properties.Namespace).toBe('AiUsage');
    },
  );

  it('imports: files that failed every retry, and worker errors', () => {
    expect(watching('ApproximateNumberOfMessagesVisible', 'QueueName', '<dlq:imports>')).toHaveLength(1);
    const [workerId] = functionNamed(t, 'Import an uploaded CSV file of usage');
    expect(watching('Errors', 'FunctionName', `<${workerId}>`)).toHaveLength(1);
  });

  it('throttles of every function and the API 5xx', () => {
    for (const [fnId] of ownFunctions(t)) {
      expect(watching('Throttles', 'FunctionName', `<${fnId}>`)).toHaveLength(1);
    }
    const [apiId] = ofType('AWS::ApiGatewayV2::Api')[0] ?? [];
    expect(watching('5xx', 'ApiId', `<${apiId}>`)).toHaveLength(1);
  });

  it('all notify one topic encrypted with the data key, TLS only', () => {
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.Properties.TreatMissingData).toBe('notBreaching');
    }
    expect(render(topic?.Properties.KmsMasterKeyId)).toBe('<DataKey>');
    t.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it("let this account's CloudWatch alarms publish to the topic, beside the TLS-only Deny", () => {
    // A topic policy replaces SNS's default one: without an Allow for CloudWatch, alarms change state silently.
    const policies = ofType('AWS::SNS::TopicPolicy').map(([, p]) => p);
    expect(policies).toHaveLength(1);
    const statements = (policies[0]?.Properties.PolicyDocument as { Statement: Record<string, unknown>[] })
      .Statement;
    const allows = statements.filter((statement) => statement.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    const [allow] = allows;
    expect(allow?.Principal).toEqual({ Service: 'cloudwatch.amazonaws.com' });
    expect(allow?.Action).toBe('sns:Publish');
    expect(render(allow?.Resource)).toBe(`<${topicId}>`);
    const conditions = allow?.Condition as Record<string, Record<string, unknown>>;
    expect(render(conditions.StringEquals?.['aws:SourceAccount'])).toBe('<account>');
    expect(render(conditions.ArnLike?.['aws:SourceArn'])).toBe(
      'arn:<partition>:cloudwatch:<region>:<account>:alarm:*',
    );
    expect(statements.filter((statement) => statement.Effect === 'Deny')).toHaveLength(1);
  });

  it('name the alarm an operator fires to test notifications, and the topic', () => {
    const outputs = t.toJSON().Outputs as Record<string, { Value: unknown }>;
    const [apiId] = ofType('AWS::ApiGatewayV2::Api')[0] ?? [];
    const [smokeAlarmId] =
      Object.entries(resources).find(
        ([, r]) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.MetricName === '5xx',
      ) ?? [];
    expect(apiId).toBeDefined();
    expect(render(outputs.SmokeAlarmName?.Value)).toBe(`<${smokeAlarmId}>`);
    expect(render(outputs.AlarmTopicArn?.Value)).toBe(`<${topicId}>`);
  });

  it('mail an operator only when an address is configured', () => {
    t.resourceCountIs('AWS::SNS::Subscription', 0);
    const mailed = synthStage({ ...stageConfigs.dev, alarmEmail: 'ops@example.com' });
    mailed.statelessTemplate.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });
});

describe('the imports bucket', () => {
  // The page's buckets are web-site.test.ts's.
  const buckets = ofType('AWS::S3::Bucket').filter(([id]) => id.startsWith('Imports'));
  const [, uploads] = buckets.find(([id]) => id.startsWith('ImportsUploads')) ?? [];
  const [logsId] = buckets.find(([id]) => id.startsWith('ImportsAccessLogs')) ?? [];

  it('is encrypted, private, logged, and keeps uploads a week', () => {
    expect(buckets).toHaveLength(2);
    expect(uploads?.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: { DestinationBucketName: { Ref: logsId } },
      LifecycleConfiguration: {
        Rules: [
          expect.objectContaining({
            ExpirationInDays: UPLOAD_RETENTION_DAYS,
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
            Status: 'Enabled',
          }),
        ],
      },
    });
  });

  it('refuses every request without TLS', () => {
    for (const [id] of buckets) {
      const policy = ofType('AWS::S3::BucketPolicy').find(
        ([, p]) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: id }),
      );
      expect(JSON.stringify(policy?.[1].Properties.PolicyDocument)).toContain(
        '"aws:SecureTransport":"false"',
      );
    }
  });

  it('notifies the imports queue of CSV files under imports/, after the queue lets S3 of this account send', () => {
    const [queue] = (
      uploads?.Properties.NotificationConfiguration as { QueueConfigurations: Record<string, unknown>[] }
    ).QueueConfigurations;
    expect(render(queue?.Queue)).toBe('<queue:imports>');
    expect(queue?.Event).toBe('s3:ObjectCreated:*');
    expect(queue?.Filter).toEqual({
      S3Key: {
        Rules: [
          { Name: 'prefix', Value: 'imports/' },
          { Name: 'suffix', Value: '.csv' },
        ],
      },
    });
    const [policyId, policy] =
      ofType('AWS::SQS::QueuePolicy').find(([, p]) => render(p.Properties.Queues) === '<queue:imports>') ??
      [];
    const allow = (
      policy?.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }
    ).Statement.find((statement) => statement.Effect === 'Allow');
    expect(allow?.Principal).toEqual({ Service: 's3.amazonaws.com' });
    expect(allow?.Action).toBe('sqs:SendMessage');
    expect(
      render(
        (allow?.Condition as Record<string, Record<string, unknown>>).StringEquals?.['aws:SourceAccount'],
      ),
    ).toBe('<account>');
    expect(uploads?.DependsOn).toContain(policyId);
  });

  it('is emptied and removed with a dev stack, kept with prod', () => {
    expect(uploads?.DeletionPolicy).toBe('Delete');
    const prodBuckets = Object.entries(resourcesOf(prod.statelessTemplate)).filter(
      ([id, r]) => r.Type === 'AWS::S3::Bucket' && id.startsWith('Imports'),
    );
    expect(prodBuckets.map(([, r]) => r.DeletionPolicy)).toEqual(['Retain', 'Retain']);
    // Nothing empties a prod bucket: CDK's only function there is the page deployment's handler.
    const cdkFunctions = Object.entries(resourcesOf(prod.statelessTemplate))
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .map(([id]) => id)
      .filter((id) => !ownFunctions(prod.statelessTemplate).some(([own]) => own === id));
    expect(cdkFunctions).toEqual([expect.stringMatching(/^CustomCDKBucketDeployment/)]);
  });
});
