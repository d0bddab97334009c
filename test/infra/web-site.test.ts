import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_BASE_PATH } from '../../functions/routes';
import { ROLE_CLAIM, TEAM_CLAIM } from '../../functions/shared/auth';
import { PAGE_SCOPES, PLACEHOLDER_PAGE, SPA_REWRITE_CODE } from '../../lib/constructs/web-site';
import { CONTENT_SECURITY_POLICY } from '../../web/headers';
import { render, resourcesOf, synthStage, type Resource, type Resources } from './helpers';

/**
 * The team page: a private bucket behind CloudFront (Origin Access Control), the API on the same origin, the
 * hosted sign-in client, and the page with its configuration deployed at deploy time (lib/constructs/web-site.ts).
 */
const outdirs: string[] = [];
const scratch = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  outdirs.push(dir);
  return dir;
};
afterAll(() => outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const devOut = scratch('web-site-dev-');
const dev = synthStage('dev', { outdir: devOut });
const prod = synthStage('prod');
const t = dev.statelessTemplate;
const resources = resourcesOf(t);
const ofType = (type: string, from: Resources = resources) =>
  Object.entries(from).filter(([, r]) => r.Type === type);
const only = (type: string, from: Resources = resources): [string, Resource] => {
  const found = ofType(type, from);
  if (found.length !== 1) throw new Error(`${found.length} resources of type ${type}`);
  return found[0] as [string, Resource];
};

/** AWS's managed CloudFront policies, by their documented ids. */
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

const buckets = ofType('AWS::S3::Bucket').filter(([id]) => id.startsWith('WebSite'));
const [pageBucketId, pageBucket] = buckets.find(([id]) => id.startsWith('WebSiteFiles')) ?? [];
const [logsBucketId, logsBucket] = buckets.find(([id]) => id.startsWith('WebSiteAccessLogs')) ?? [];
const [distributionId, distribution] = only('AWS::CloudFront::Distribution');
const config = distribution.Properties.DistributionConfig as Record<string, unknown> & {
  DefaultCacheBehavior: Record<string, unknown>;
  CacheBehaviors: Record<string, unknown>[];
  Origins: (Record<string, unknown> & { Id: string })[];
};
const originOf = (behavior: Record<string, unknown>) =>
  config.Origins.find((origin) => origin.Id === behavior.TargetOriginId);
const [pageClientId, pageClient] = only('AWS::Cognito::UserPoolClient');
const pageUrl = `https://<${distributionId}>/`;

describe('the page bucket', () => {
  it('is private, encrypted, and access-logged to a logs bucket that also takes CloudFront’s logs (ACLs)', () => {
    expect(buckets).toHaveLength(2);
    for (const [, bucket] of buckets) {
      expect(bucket.Properties).toMatchObject({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
      });
    }
    expect(pageBucket?.Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logsBucketId },
      LogFilePrefix: 'page/',
    });
    expect(logsBucket?.Properties.OwnershipControls).toEqual({
      Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }],
    });
    expect(config.Logging).toEqual({
      Bucket: { 'Fn::GetAtt': [logsBucketId, 'RegionalDomainName'] },
      Prefix: 'cloudfront/',
    });
  });

  it('refuses every request without TLS', () => {
    for (const [id] of buckets) {
      const [, policy] =
        ofType('AWS::S3::BucketPolicy').find(
          ([, p]) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: id }),
        ) ?? [];
      expect(JSON.stringify(policy?.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('lets only this distribution read it, through Origin Access Control (no public access, no OAI)', () => {
    const origin = originOf(config.DefaultCacheBehavior);
    const [oacId, oac] = only('AWS::CloudFront::OriginAccessControl');
    expect(origin).toMatchObject({
      DomainName: { 'Fn::GetAtt': [pageBucketId, 'RegionalDomainName'] },
      OriginAccessControlId: { 'Fn::GetAtt': [oacId, 'Id'] },
      S3OriginConfig: { OriginAccessIdentity: '' },
    });
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    const [, policy] =
      ofType('AWS::S3::BucketPolicy').find(([, p]) => render(p.Properties.Bucket) === `<${pageBucketId}>`) ??
      [];
    const allows = (
      policy?.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }
    ).Statement.filter((s) => s.Effect === 'Allow' && JSON.stringify(s.Principal).includes('cloudfront'));
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Action: 's3:GetObject',
    });
    expect(render(allows[0]?.Resource)).toBe(`<${pageBucketId}>/*`);
    const condition = allows[0]?.Condition as { StringEquals: Record<string, unknown> };
    expect(render(condition.StringEquals['AWS:SourceArn'])).toBe(
      `arn:<partition>:cloudfront::<account>:distribution/<${distributionId}>`,
    );
  });

  it('is emptied and removed with a dev stack, kept with prod', () => {
    expect(buckets.map(([, b]) => b.DeletionPolicy)).toEqual(['Delete', 'Delete']);
    const prodBuckets = ofType('AWS::S3::Bucket', resourcesOf(prod.statelessTemplate)).filter(([id]) =>
      id.startsWith('WebSite'),
    );
    expect(prodBuckets.map(([, b]) => b.DeletionPolicy)).toEqual(['Retain', 'Retain']);
  });
});

describe('the distribution', () => {
  it('serves the page over HTTPS only (HTTP redirects), HTTP/2 and 3, the cheapest price class, index.html at /', () => {
    expect(config).toMatchObject({
      Enabled: true,
      DefaultRootObject: 'index.html',
      HttpVersion: 'http2and3',
      PriceClass: 'PriceClass_100',
    });
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD'],
      CachePolicyId: CACHING_OPTIMIZED,
    });
  });

  it('sends the security headers on the page and on the API', () => {
    const [policyId, policy] = only('AWS::CloudFront::ResponseHeadersPolicy');
    expect(
      (policy.Properties.ResponseHeadersPolicyConfig as { SecurityHeadersConfig: unknown })
        .SecurityHeadersConfig,
    ).toEqual({
      StrictTransportSecurity: {
        AccessControlMaxAgeSec: 2 * 365 * 24 * 3600,
        IncludeSubdomains: true,
        Override: true,
      },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true },
      ContentSecurityPolicy: { ContentSecurityPolicy: CONTENT_SECURITY_POLICY, Override: true },
    });
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; connect-src 'self' https://*.amazoncognito.com; img-src 'self' data:; " +
        "style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'self'; " +
        "form-action 'self' https://*.amazoncognito.com",
    );
    for (const behavior of [config.DefaultCacheBehavior, ...config.CacheBehaviors]) {
      expect(behavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
    }
  });

  it('routes the API’s paths to the HTTP API: nothing cached, every viewer header but Host, every method, HTTPS only', () => {
    expect(config.CacheBehaviors).toHaveLength(1);
    const [api] = config.CacheBehaviors;
    expect(api).toMatchObject({
      PathPattern: `${API_BASE_PATH}/*`,
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      ViewerProtocolPolicy: 'https-only',
    });
    expect(api?.FunctionAssociations).toBeUndefined();
    const origin = originOf(api ?? {});
    const [apiId] = only('AWS::ApiGatewayV2::Api');
    expect(render(origin?.DomainName)).toBe(`<${apiId}>.execute-api.<region>.<AWS::URLSuffix>`);
    expect(origin?.CustomOriginConfig).toMatchObject({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
  });

  it('gives the page to its own views by a viewer-request function, not by error responses that would hide the API’s 403 and 404', () => {
    // CloudFront's custom error responses apply to every behaviour: the API's problem documents would become
    // the page with a 200.
    expect(config.CustomErrorResponses).toBeUndefined();
    const [functionId, fn] = only('AWS::CloudFront::Function');
    expect(config.DefaultCacheBehavior.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [functionId, 'FunctionARN'] } },
    ]);
    expect(fn.Properties.FunctionCode).toBe(SPA_REWRITE_CODE);
    expect((fn.Properties.FunctionConfig as { Runtime: string }).Runtime).toBe('cloudfront-js-2.0');
    const handler = new Function(`${SPA_REWRITE_CODE}; return handler;`)() as (event: {
      request: { uri: string };
    }) => { uri: string };
    const served = (uri: string) => handler({ request: { uri } }).uri;
    expect(served('/')).toBe('/index.html');
    expect(served('/developers')).toBe('/index.html');
    expect(served('/team/members/')).toBe('/index.html');
    expect(served('/index.html')).toBe('/index.html');
    expect(served('/app.js')).toBe('/app.js');
    expect(served('/app.css')).toBe('/app.css');
    expect(served('/config.json')).toBe('/config.json');
  });
});

describe('sign-in: the hosted UI, the page client, the API’s audiences', () => {
  it('adds a Cognito prefix domain to the stateful stack’s pool: ai-usage-<stage>-<first group of the stack id>', () => {
    const [, domain] = only('AWS::Cognito::UserPoolDomain');
    expect(render(domain.Properties.UserPoolId)).toBe('<DirectoryUsers>');
    expect(domain.Properties.ManagedLoginVersion).toBe(1);
    const stackId =
      'arn:aws:cloudformation:eu-west-1:123456789012:stack/AiUsage-dev-Stateless/51af3dc0-da77-11e4-872e-1234567db123';
    const prefix = evaluate(domain.Properties.Domain, { 'AWS::StackId': stackId });
    expect(prefix).toBe('ai-usage-dev-51af3dc0');
    // Cognito's rules for a prefix domain.
    expect(prefix).toMatch(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/);
    expect(prefix).not.toMatch(/aws|amazon|cognito/);
  });

  it('adds the page’s client: public, the code grant only, called back at the distribution’s URL', () => {
    expect(render(pageClient.Properties.UserPoolId)).toBe('<DirectoryUsers>');
    expect(pageClient.Properties).toMatchObject({
      ClientName: 'Page',
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: [...PAGE_SCOPES],
      SupportedIdentityProviders: ['COGNITO'],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      IdTokenValidity: dev.config.tokenValidity.toMinutes(),
      AccessTokenValidity: dev.config.tokenValidity.toMinutes(),
      TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes' },
      WriteAttributes: [],
    });
    expect((pageClient.Properties.CallbackURLs as unknown[]).map((u) => render(u))).toEqual([pageUrl]);
    expect((pageClient.Properties.LogoutURLs as unknown[]).map((u) => render(u))).toEqual([pageUrl]);
  });

  it('lets its ID tokens carry the claims the API reads (team, role, e-mail)', () => {
    expect(pageClient.Properties.ReadAttributes).toEqual(
      expect.arrayContaining([TEAM_CLAIM, ROLE_CLAIM, 'email', 'email_verified']),
    );
  });

  it('the API’s JWT authorizer accepts ID tokens of both clients', () => {
    // The other authorizer is the ingest token authorizer of machine routes (lib/constructs/http-api.ts).
    const [, authorizer] = only(
      'AWS::ApiGatewayV2::Authorizer',
      Object.fromEntries(
        ofType('AWS::ApiGatewayV2::Authorizer').filter(([, a]) => a.Properties.AuthorizerType === 'JWT'),
      ),
    );
    const jwt = authorizer.Properties.JwtConfiguration as { Audience: unknown[] };
    expect(jwt.Audience.map((a) => render(a))).toEqual(['<DirectoryUsersWeb>', `<${pageClientId}>`]);
  });
});

describe('the page’s deployment', () => {
  const [, deployment] = only('Custom::CDKBucketDeployment');
  const sourceDir = (index: number, outdir: string, of: Resource = deployment) =>
    join(
      outdir,
      `asset.${String((of.Properties.SourceObjectKeys as string[])[index]).replace(/\.zip$/, '')}`,
    );

  it('copies the page into its bucket, prunes what the build no longer has, then invalidates the distribution', () => {
    expect(deployment.Properties).toMatchObject({
      DestinationBucketName: { Ref: pageBucketId },
      Prune: true,
      DistributionId: { Ref: distributionId },
      DistributionPaths: ['/*'],
      SystemMetadata: { 'cache-control': 'no-cache' },
    });
    expect(deployment.Properties.SourceObjectKeys).toHaveLength(2);
  });

  it('deploys a placeholder page when none was built, so synth never needs the build', () => {
    expect(readFileSync(join(sourceDir(0, devOut), 'index.html'), 'utf8')).toBe(PLACEHOLDER_PAGE);
  });

  it('writes config.json at deploy time: the API on the same origin, and where and how to sign in', () => {
    const written = JSON.parse(readFileSync(join(sourceDir(1, devOut), 'config.json'), 'utf8')) as {
      api_base: string;
      auth: { kind: string; domain: string; client_id: string; scopes: string[] };
    };
    expect(written.api_base).toBe(API_BASE_PATH);
    expect(written.auth.kind).toBe('cognito');
    expect(written.auth.scopes).toEqual([...PAGE_SCOPES]);
    // Deploy-time values are markers the deployment fills in.
    const markers = (deployment.Properties.SourceMarkers as Record<string, unknown>[])[1] ?? {};
    const filled = (text: string) => text.replace(/<<marker:0xbaba:\d+>>/g, (m) => render(markers[m]));
    const [domainId] = only('AWS::Cognito::UserPoolDomain');
    expect(filled(written.auth.domain)).toBe(`https://<${domainId}>.auth.<region>.amazoncognito.com`);
    expect(filled(written.auth.client_id)).toBe(`<${pageClientId}>`);
  });

  it('deploys the built page when there is one', () => {
    const page = scratch('web-dist-');
    writeFileSync(join(page, 'index.html'), '<!doctype html><title>AI usage</title>');
    writeFileSync(join(page, 'app.js'), 'console.log(1);');
    const outdir = scratch('web-site-built-');
    const built = synthStage('dev', { pageDirectory: page, outdir });
    expect(built.stateless.site.pageBuilt).toBe(true);
    const [, builtDeployment] = only('Custom::CDKBucketDeployment', resourcesOf(built.statelessTemplate));
    const dir = sourceDir(0, outdir, builtDeployment);
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).toBe('<!doctype html><title>AI usage</title>');
    expect(readFileSync(join(dir, 'app.js'), 'utf8')).toBe('console.log(1);');
  });

  it("runs CDK's handler with a role of its own: its own logs, the page bucket, the staged assets, invalidations", () => {
    const handlers = ofType('AWS::Lambda::Function').filter(([id]) =>
      id.startsWith('CustomCDKBucketDeployment'),
    );
    expect(handlers).toHaveLength(1);
    const [, handler] = handlers[0] as [string, Resource];
    const roleId = (handler.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    expect(roleId).toMatch(/^WebSiteDeploymentRole/);
    expect(resources[roleId]?.Properties.ManagedPolicyArns).toBeUndefined();
    const logGroupId = (handler.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(resources[logGroupId]?.Properties.RetentionInDays).toBe(dev.config.logRetention);
    const statements = ofType('AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap(
        ([, p]) => (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
      );
    const on = (resource: string) =>
      statements
        .filter((s) => [s.Resource].flat().some((r) => render(r) === resource))
        .flatMap((s) => [s.Action].flat());
    expect(on(`<${logGroupId}>`)).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    // Resource "*" only for invalidations, which CDK grants unscoped.
    expect(on('*').sort()).toEqual(['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation']);
    expect(on(`<${pageBucketId}>/*`)).toEqual(expect.arrayContaining(['s3:PutObject', 's3:DeleteObject*']));
    // Every statement names the page bucket, the staging bucket, its own logs or (invalidations) "*".
    for (const statement of statements) {
      for (const resource of [statement.Resource].flat().map((r) => render(r))) {
        expect(resource).toMatch(
          new RegExp(
            `^(<${pageBucketId}>(/\\*)?|<${logGroupId}>|\\*|arn:<partition>:s3:::.*cdk-hnb659fds-assets.*)$`,
          ),
        );
      }
    }
  });
});

describe('outputs', () => {
  it('name the page’s URL, the sign-in domain and the page client', () => {
    const outputs = t.toJSON().Outputs as Record<string, { Value: unknown }>;
    const [domainId] = only('AWS::Cognito::UserPoolDomain');
    expect(render(outputs.PageUrl?.Value)).toBe(pageUrl);
    expect(render(outputs.SignInDomain?.Value)).toBe(`https://<${domainId}>.auth.<region>.amazoncognito.com`);
    expect(render(outputs.PageClientId?.Value)).toBe(`<${pageClientId}>`);
  });
});

/** Evaluates the few intrinsic functions a domain prefix is made of, with values for the pseudo parameters. */
function evaluate(value: unknown, pseudo: Record<string, string>): string {
  if (typeof value === 'string') return value;
  const [[fn, arg]] = Object.entries(value as Record<string, unknown>) as [[string, unknown]];
  if (fn === 'Ref') {
    const found = pseudo[arg as string];
    if (found === undefined) throw new Error(`no value for ${String(arg)}`);
    return found;
  }
  if (fn === 'Fn::Join') {
    const [separator, parts] = arg as [string, unknown[]];
    return parts.map((part) => evaluate(part, pseudo)).join(separator);
  }
  if (fn === 'Fn::Split') {
    const [separator, source] = arg as [string, unknown];
    return JSON.stringify(evaluate(source, pseudo).split(separator));
  }
  if (fn === 'Fn::Select') {
    const [index, list] = arg as [number, unknown];
    return (JSON.parse(evaluate(list, pseudo)) as string[])[index] ?? '';
  }
  throw new Error(`cannot evaluate ${fn}`);
}
