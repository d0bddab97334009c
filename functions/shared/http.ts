import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import { fieldIssues, ValidationError } from '../domain/errors';
import { logger, withPowertools } from './observability';
import { errorToProblem } from './problem';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResult = APIGatewayProxyResultV2;
export type HttpHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

/** A JSON answer; name the contract type (`json<DashboardResponse>(…)`) so the body must match it. */
export function json<Body>(statusCode: number, body: Body, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/** Parses a JSON body against a schema; a malformed or invalid body is a 400 that lists each problem. */
export function parseBody<T>(event: HttpEvent, schema: z.ZodType<T>): T {
  let value: unknown = {};
  if (event.body !== undefined && event.body !== null && event.body !== '') {
    const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    try {
      value = JSON.parse(text) as unknown;
    } catch {
      throw new ValidationError('The request body is not valid JSON.', [
        { field: 'body', message: 'malformed JSON' },
      ]);
    }
  }
  return parseWith(value, schema, 'The request body is not valid.');
}

/**
 * Parses a value against a schema; a mismatch is a ValidationError whose detail names each field and rule
 * (`The request body is not valid: provider: …; api_key: …`) and whose issues list them one by one.
 */
export function parseWith<T>(value: unknown, schema: z.ZodType<T>, message: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    // Issues name the field and the rule, never the submitted value (it may be a key).
    throw ValidationError.listing(message, fieldIssues(result.error.issues));
  }
  return result.data;
}

/**
 * The chain of every HTTP handler: the Powertools chain, header normalisation, then one error mapper that
 * turns any error into RFC 9457 problem+json (middy's own http-error-handler answers text/plain and maps
 * unknown errors differently).
 */
export function httpHandler(handler: HttpHandler) {
  return withPowertools<HttpEvent, HttpResult>()
    .use(httpHeaderNormalizer())
    .use({
      onError: async (request) => {
        const { response, expected } = errorToProblem(request.error, {
          // The route, not the path sent: ids in a path are submitted values, which are not echoed.
          instance: request.event.routeKey?.split(' ')[1] ?? request.event.rawPath,
          requestId: request.event.requestContext?.requestId,
        });
        if (expected) {
          logger.info('request refused', {
            status: (response as { statusCode: number }).statusCode,
            error: request.error?.name,
          });
        } else {
          logger.error('request failed', {
            error: request.error?.name,
            message: request.error?.message,
            stack: request.error?.stack,
          });
        }
        request.response = response;
      },
    })
    .handler(handler);
}
