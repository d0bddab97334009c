import { Duration, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import type { CfnStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  HttpLambdaAuthorizer,
  HttpLambdaResponseType,
  HttpUserPoolAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { API_BASE_PATH, httpRoutes, takesIngestToken, type HttpFunctionName } from '../../functions/routes';
import type { StageConfig } from '../config';

export interface ApiProps {
  config: StageConfig;
  userPool: IUserPool;
  /**
   * The audiences the authorizer accepts: the clients whose ID tokens callers send (the web client of the
   * stateful stack, the page's hosted sign-in client).
   */
  userPoolClients: readonly IUserPoolClient[];
  /** The function behind each route's `function` name. */
  handlers: Readonly<Record<HttpFunctionName, { function: IFunction }>>;
  /** The authorizer of ingest-token routes: resolves the bearer token by its hash (functions/handlers/otlp-authorizer.ts). */
  ingestTokenAuthorizer: { function: IFunction };
}

/** How long the gateway keeps an ingest token's verdict: a revoked token still passes it this long (its function refuses it at once). */
export const INGEST_AUTHORIZER_CACHE = Duration.minutes(5);

/**
 * The HTTP API: exactly the routes of the shared route table (functions/routes.ts), each on its function, all
 * but the health check behind a JWT authorizer on the Cognito pool; one `$default` stage, throttled, writing
 * JSON access logs.
 */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  /** The API's base URL, API_BASE_PATH included. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { config } = props;
    // "Default" keeps the API's resources at the logical ids they would have directly in the stack.
    this.httpApi = new HttpApi(this, 'Default', {
      apiName: id,
      description: `AI usage analytics API (${config.stage})`,
      createDefaultStage: false,
    });
    this.url = `${this.httpApi.apiEndpoint}${API_BASE_PATH}`;
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    const stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
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

    // The audiences are the app clients, so ID tokens (which carry the custom:team_id and custom:role claims the
    // handlers read) are what callers send.
    if (props.userPoolClients.length === 0) throw new Error('The API needs at least one user pool client');
    const authorizer = new HttpUserPoolAuthorizer('CognitoAuthorizer', props.userPool, {
      userPoolClients: [...props.userPoolClients],
    });
    // Machines send an ingest token, not a JWT: a Lambda authorizer looks it up, its verdict cached per token.
    const ingestAuthorizer = new HttpLambdaAuthorizer(
      'IngestTokenAuthorizer',
      props.ingestTokenAuthorizer.function,
      {
        responseTypes: [HttpLambdaResponseType.SIMPLE],
        identitySource: ['$request.header.Authorization'],
        resultsCacheTtl: INGEST_AUTHORIZER_CACHE,
      },
    );
    const integrations = new Map<HttpFunctionName, HttpLambdaIntegration>();
    const integrationOf = (name: HttpFunctionName) => {
      const integration =
        integrations.get(name) ??
        new HttpLambdaIntegration(`${name}-integration`, props.handlers[name].function);
      integrations.set(name, integration);
      return integration;
    };
    for (const route of httpRoutes) {
      const [created] = this.httpApi.addRoutes({
        path: `${API_BASE_PATH}${route.path}`,
        methods: [HttpMethod[route.method]],
        integration: integrationOf(route.function),
        ...(route.authenticated
          ? { authorizer }
          : takesIngestToken(route)
            ? { authorizer: ingestAuthorizer }
            : {}),
      });
      if (takesIngestToken(route) && created) {
        // The machines' route keeps a throttle of its own (HTTP API route settings); the stage needs the route first.
        const cfnStage = stage.node.defaultChild as CfnStage;
        const { rateLimit, burstLimit } = config.telemetryThrottle;
        cfnStage.routeSettings = {
          ...(cfnStage.routeSettings as Record<string, unknown> | undefined),
          // A JSON map in CloudFormation's own spelling: CDK passes it through as written.
          [`${route.method} ${API_BASE_PATH}${route.path}`]: {
            ThrottlingRateLimit: rateLimit,
            ThrottlingBurstLimit: burstLimit,
          },
        };
        cfnStage.node.addDependency(created);
      }
      if ('publicBecause' in route && created) {
        Validations.of(created).acknowledge({
          id: 'AwsSolutions::AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} needs no token: ${route.publicBecause}; every other route requires the Cognito JWT authorizer or the ingest token authorizer.`,
        });
      }
    }
  }
}
