import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import {
  ConflictError,
  CredentialsRejectedError,
  ForbiddenError,
  NotFoundError,
  ProviderUnavailableError,
  TooManyRequestsError,
  UnauthorizedError,
  ValidationError,
  type FieldIssue,
} from '../domain/errors';

/** RFC 9457 problem details. `type` names the kind of problem; `detail` says what to do. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldIssue[];
  request_id?: string;
}

/** Problem types are URNs: stable identifiers documented in docs/api.md. */
const TYPE_BASE = 'urn:ai-usage:problem:';

interface Mapping {
  status: number;
  slug: string;
  title: string;
}

function mappingFor(error: Error): Mapping | undefined {
  if (error instanceof ValidationError)
    return { status: 400, slug: 'invalid-request', title: 'Invalid request' };
  if (error instanceof UnauthorizedError) return { status: 401, slug: 'unauthorized', title: 'Unauthorized' };
  if (error instanceof ForbiddenError) return { status: 403, slug: 'forbidden', title: 'Forbidden' };
  if (error instanceof NotFoundError) return { status: 404, slug: 'not-found', title: 'Not found' };
  if (error instanceof ConflictError) return { status: 409, slug: 'conflict', title: 'Conflict' };
  if (error instanceof CredentialsRejectedError) {
    return { status: 422, slug: 'credentials-rejected', title: 'The provider rejected the credentials' };
  }
  if (error instanceof TooManyRequestsError)
    return { status: 429, slug: 'too-many-requests', title: 'Too many requests' };
  if (error instanceof ProviderUnavailableError) {
    return { status: 503, slug: 'provider-unavailable', title: 'The provider could not be reached' };
  }
  return undefined;
}

export function problemResponse(
  problem: Problem,
  headers: Record<string, string> = {},
): APIGatewayProxyResultV2 {
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(problem),
  };
}

/** Maps any thrown error to a problem response. Unknown errors become a 500 that reveals nothing. */
export function errorToProblem(
  error: unknown,
  context: { instance?: string; requestId?: string },
): { response: APIGatewayProxyResultV2; expected: boolean } {
  const err = error instanceof Error ? error : new Error(String(error));
  const mapping = mappingFor(err);
  const base = {
    ...(context.instance ? { instance: context.instance } : {}),
    ...(context.requestId ? { request_id: context.requestId } : {}),
  };
  if (!mapping) {
    return {
      expected: false,
      response: problemResponse({
        type: `${TYPE_BASE}internal-error`,
        title: 'Internal error',
        status: 500,
        detail:
          'Something went wrong on our side. Try again; if it persists, contact support with the request_id.',
        ...base,
      }),
    };
  }
  const headers: Record<string, string> = {};
  const retryAfter =
    err instanceof TooManyRequestsError
      ? err.retryAfterSeconds
      : err instanceof ProviderUnavailableError
        ? err.retryAfterSeconds
        : undefined;
  if (retryAfter !== undefined) headers['retry-after'] = String(Math.ceil(retryAfter));
  return {
    expected: true,
    response: problemResponse(
      {
        type: `${TYPE_BASE}${mapping.slug}`,
        title: mapping.title,
        status: mapping.status,
        detail: err.message,
        ...(err instanceof ValidationError && err.issues.length ? { errors: err.issues } : {}),
        ...base,
      },
      headers,
    ),
  };
}
