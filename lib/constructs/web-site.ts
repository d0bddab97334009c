import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  Aws,
  BOOTSTRAP_QUALIFIER_CONTEXT,
  DefaultStackSynthesizer,
  Duration,
  Fn,
  Stack,
  Token,
  Validations,
} from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  ClientAttributes,
  ManagedLoginVersion,
  OAuthScope,
  UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolDomain,
  type IUserPool,
} from 'aws-cdk-lib/aws-cognito';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Bucket, CfnBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source, type ISource } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { accessLogsBucket, privateBucket } from './private-bucket';
import { API_BASE_PATH } from '../../functions/routes';
import type { StageConfig } from '../config';
import { CONTENT_SECURITY_POLICY } from '../../web/headers';
import { PROJECT_ROOT } from './service-function';

/** Where `npm run build:web` writes the page (git-ignored); deployed when it holds an index.html. */
export const PAGE_BUILD_DIR = join(PROJECT_ROOT, 'web', 'dist');

/** Deployed instead of the page when it was not built, so a synth never fails for want of it. */
export const PLACEHOLDER_PAGE =
  '<!doctype html><title>AI usage</title><p>The page was not built: run npm run build:web before deploying.</p>';

/** The OAuth scopes the page asks for; the ID token then carries e-mail and name besides the custom claims. */
export const PAGE_SCOPES = ['openid', 'email', 'profile'] as const;

/**
 * Viewer-request function of the page's behaviour: a path without a file extension is one of the page's own
 * views and gets index.html; files are served as they are (a missing one is a 403 from S3). This replaces
 * distribution-wide custom error responses (403/404 → /index.html), which CloudFront would also apply to the
 * API's behaviour and so turn the API's 403 and 404 problem documents into the page with a 200.
 */
export const SPA_REWRITE_CODE = `function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}`;

export interface WebSiteProps {
  config: StageConfig;
  /** The stateful stack's pool: the site adds its sign-in domain and the page's client to it. */
  userPool: IUserPool;
  /** The built page; PAGE_BUILD_DIR in the app. Without an index.html there, a placeholder is deployed. */
  pageDirectory: string;
}

/**
 * The team's page: a private S3 bucket (encrypted, TLS only, no public access, access-logged) served through
 * CloudFront with Origin Access Control, security headers and HTTPS only; the API is routed through the same
 * distribution (serveApi), so the page calls it on its own origin and needs no CORS.
 *
 * Sign-in is Cognito's hosted UI with the authorization code grant and PKCE: the site adds a prefix domain and a
 * public client (`Page`, no secret) to the stateful stack's pool, whose callback is the distribution's URL (known
 * only here). The page reads where to sign in and its client id from /config.json, written at deploy time.
 */
export class WebSite extends Construct {
  readonly bucket: Bucket;
  readonly logs: Bucket;
  readonly distribution: Distribution;
  readonly signIn: UserPoolDomain;
  readonly pageClient: UserPoolClient;
  readonly deployment: BucketDeployment;
  readonly securityHeaders: ResponseHeadersPolicy;
  /** https://<distribution domain>/ : the page, and the sign-in callback and sign-out URL. */
  readonly url: string;
  /** Whether the built page was found (else the placeholder is deployed). */
  readonly pageBuilt: boolean;

  constructor(scope: Construct, id: string, props: WebSiteProps) {
    super(scope, id);
    const { config, userPool } = props;

    // S3 server access logs of the page bucket, and CloudFront's standard logs.
    this.logs = accessLogsBucket(this, 'AccessLogs', config);
    this.bucket = privateBucket(this, 'Files', config, {
      serverAccessLogsBucket: this.logs,
      serverAccessLogsPrefix: 'page/',
    });

    this.securityHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: `AI usage page (${config.stage}): security headers`,
      securityHeadersBehavior: {
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: {
          referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: true,
        },
        contentSecurityPolicy: { contentSecurityPolicy: CONTENT_SECURITY_POLICY, override: true },
      },
    });
    const spaRewrite = new CloudFrontFunction(this, 'SpaRewrite', {
      comment: 'Paths without a file extension get the page (index.html)',
      code: FunctionCode.fromInline(SPA_REWRITE_CODE),
    });
    // The default *.cloudfront.net certificate: CloudFront fixes its viewer security policy (TLSv1 minimum), so
    // no minimumProtocolVersion is set; browsers negotiate TLS 1.2 or 1.3 anyway. A custom domain with its own
    // certificate (us-east-1) would allow TLSv1.2_2021.
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `AI usage page (${config.stage})`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.securityHeaders,
        functionAssociations: [{ function: spaRewrite, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logs,
      logFilePrefix: 'cloudfront/',
    });
    this.url = `https://${this.distribution.distributionDomainName}/`;

    // A prefix domain is global per region: the stage plus the first group of this stack's id (a UUID that
    // CloudFormation gives the stack when it is created) keeps it unique across accounts and stable for the
    // stack's life. The construct path would be the same in every account; account and region are unknown to
    // an environment-agnostic synth. Lower-case hex: no "aws", "amazon" or "cognito" in it.
    const stackIdGroup = Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))));
    this.signIn = new UserPoolDomain(this, 'SignIn', {
      userPool,
      cognitoDomain: { domainPrefix: Fn.join('-', ['ai-usage', config.stage, stackIdGroup]) },
      managedLoginVersion: ManagedLoginVersion.CLASSIC_HOSTED_UI,
    });
    this.pageClient = new UserPoolClient(this, 'PageClient', {
      userPool,
      userPoolClientName: 'Page',
      // A browser cannot keep a secret: a public client, the code grant with PKCE only.
      generateSecret: false,
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [this.url],
        logoutUrls: [this.url],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: config.tokenValidity,
      accessTokenValidity: config.tokenValidity,
      // What the ID token must carry for the API (functions/shared/auth.ts): team, role and the e-mail the
      // roster matches, plus the name the page shows. The page writes nothing.
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes('team_id', 'role'),
      writeAttributes: new ClientAttributes(),
    });

    // The page's files, or the placeholder, and the configuration it reads at start.
    this.pageBuilt = existsSync(join(props.pageDirectory, 'index.html'));
    const page: ISource = this.pageBuilt
      ? Source.asset(props.pageDirectory)
      : Source.data('index.html', PLACEHOLDER_PAGE);
    const pageConfig = Source.jsonData('config.json', {
      api_base: API_BASE_PATH,
      auth: {
        kind: 'cognito',
        domain: this.signIn.baseUrl(),
        client_id: this.pageClient.userPoolClientId,
        scopes: [...PAGE_SCOPES],
      },
    });
    // The handler is CDK's (aws-s3-deployment); its role and log group are ours, so it writes only its own logs.
    const deployLogs = new LogGroup(this, 'DeploymentLogs', {
      retention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    const deployRole = new Role(this, 'DeploymentRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `AI usage page (${config.stage}): copies the page into its bucket, then invalidates the distribution`,
    });
    deployLogs.grantWrite(deployRole);
    this.deployment = new BucketDeployment(this, 'Deployment', {
      destinationBucket: this.bucket,
      sources: [page, pageConfig],
      prune: true,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      // index.html, app.js and app.css keep their names from build to build: browsers revalidate each time.
      cacheControl: [CacheControl.noCache()],
      role: deployRole,
      logGroup: deployLogs,
    });
    this.acknowledgeDeployment(deployRole);
    this.acknowledgeDistribution();
  }

  /**
   * Routes API_BASE_PATH/* to the HTTP API through the page's distribution: nothing cached, every viewer header
   * but Host (so Authorization reaches the JWT authorizer; API Gateway needs its own Host), query strings, all
   * methods. HTTPS only: a token is never sent, nor redirected, in the clear.
   */
  serveApi(api: IHttpApi): void {
    const { region, urlSuffix } = Stack.of(this);
    this.distribution.addBehavior(
      `${API_BASE_PATH}/*`,
      new HttpOrigin(`${api.apiId}.execute-api.${region}.${urlSuffix}`, {
        protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [OriginSslPolicy.TLS_V1_2],
      }),
      {
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        responseHeadersPolicy: this.securityHeaders,
      },
    );
  }

  /** cdk-nag findings on the page distribution that stand, each with why. */
  private acknowledgeDistribution(): void {
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-CFR1',
        reason:
          'No geo restriction: team members sign in from wherever they work; every API call needs a Cognito token, and the page itself holds no data.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-CFR2',
        reason:
          'No WAF web ACL: a CloudFront web ACL must live in us-east-1 (this stack may not), the page is static files, and the API behind it requires a Cognito JWT and is throttled per stage (StageConfig.apiThrottle).',
      },
      {
        id: 'AwsSolutions::AwsSolutions-CFR4',
        reason:
          'The distribution uses the default *.cloudfront.net certificate, whose viewer security policy CloudFront fixes (TLSv1 minimum); current browsers negotiate TLS 1.2/1.3. Enforcing TLSv1.2_2021 needs a custom domain with an ACM certificate in us-east-1.',
      },
    );
  }

  /**
   * cdk-nag findings on CDK's bucket-deployment handler (aws-s3-deployment's singleton function, made at the
   * stack's root): its role (ours) gets CDK's grants, read of the staged page assets, read-write of the page
   * bucket, and invalidation, which CloudFront does not scope to a resource; its runtime is the one aws-cdk-lib
   * ships.
   */
  private acknowledgeDeployment(role: Role): void {
    const stack = Stack.of(this);
    const bucketId = stack.getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    const grants = 'CDK grants the page bucket deployment (aws-s3-deployment) its permissions:';
    Validations.of(role).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Action::s3:GetObject*]',
        reason: `${grants} it reads the staged page asset and the page bucket's objects to copy and prune them.`,
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Action::s3:GetBucket*]',
        reason: `${grants} it reads the asset and page buckets' settings (location, versioning) while it syncs.`,
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Action::s3:List*]',
        reason: `${grants} it lists the page bucket to prune objects the new page no longer has (prune: true).`,
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Action::s3:DeleteObject*]',
        reason: `${grants} pruning deletes the page bucket's objects the new build no longer has; only that bucket.`,
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Action::s3:Abort*]',
        reason: `${grants} it aborts its own failed multipart uploads into the page bucket; only that bucket.`,
      },
      {
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
        reason: `${grants} every object of the page bucket, which holds nothing but the deployed page and config.json.`,
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason:
          'cloudfront:CreateInvalidation and GetInvalidation for the deployment to invalidate the page distribution (CDK grants them on "*").',
      },
    );
    const assets = stagingBucketObjects(stack);
    if (assets) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::${assets}]`,
        reason: `${grants} it reads the page's zipped assets from the CDK bootstrap staging bucket, whose object names are content hashes.`,
      });
    }
    const handlers = stack.node.children.filter((child) =>
      child.node.id.startsWith('Custom::CDKBucketDeployment'),
    ) as LambdaFunction[];
    if (handlers.length !== 1) throw new Error(`${handlers.length} bucket deployment handlers in the stack`);
    Validations.of(handlers[0] as LambdaFunction).acknowledge({
      id: 'AwsSolutions::AwsSolutions-L1',
      reason:
        "CDK's own bucket-deployment handler (Python, with the AWS CLI layer): aws-cdk-lib picks its runtime and moves it forward with CDK upgrades.",
    });
  }
}

/**
 * The CDK bootstrap staging bucket's objects as cdk-nag names them in a finding: the default synthesizer's bucket
 * (the app sets no other), pseudo parameters as <AWS::AccountId>, or literals once the stack is bound to an
 * account and region (`cdk deploy`).
 */
function stagingBucketObjects(stack: Stack): string | undefined {
  if (!(stack.synthesizer instanceof DefaultStackSynthesizer)) return undefined;
  const literal = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<${pseudo}>` : value);
  const qualifier =
    (stack.node.tryGetContext(BOOTSTRAP_QUALIFIER_CONTEXT) as string | undefined) ??
    DefaultStackSynthesizer.DEFAULT_QUALIFIER;
  const bucket = DefaultStackSynthesizer.DEFAULT_FILE_ASSETS_BUCKET_NAME.replace('${Qualifier}', qualifier)
    .replace('${AWS::AccountId}', literal(stack.account, 'AWS::AccountId'))
    .replace('${AWS::Region}', literal(stack.region, 'AWS::Region'));
  return `arn:${literal(stack.partition, 'AWS::Partition')}:s3:::${bucket}/*`;
}
